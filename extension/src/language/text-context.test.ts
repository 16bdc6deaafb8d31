import { describe, expect, it } from 'vitest';
import { cursorContext, pathAbove } from './text-context.js';

function ctx(source: string) {
  const offset = source.indexOf('|');
  return cursorContext(source.replace('|', ''), offset);
}

describe('pathAbove', () => {
  it('walks keys and sequence items by indentation', () => {
    const lines = ['steps:', '  - id: a', '    kind: llm', '    output_schema:', '      type: object', ''];
    expect(pathAbove(lines, 5, 6)).toEqual([{ key: 'steps' }, { item: true }, { key: 'output_schema' }]);
    expect(pathAbove(lines, 3, 4)).toEqual([{ key: 'steps' }, { item: true }]);
  });
  it('handles a sequence at the same column as its key', () => {
    expect(pathAbove(['steps:', '- id: a', ''], 2, 2)).toEqual([{ key: 'steps' }, { item: true }]);
  });
});

describe('cursorContext', () => {
  it('sees a half-typed key in a step', () => {
    const c = ctx('steps:\n  - id: a\n    kind: llm\n    mo|\n');
    expect(c.type).toBe('key');
    if (c.type !== 'key') return;
    expect(c.path).toEqual([{ key: 'steps' }, { item: true }]);
    expect(c.siblings.get('kind')).toBe('llm');
  });
  it('sees a value after a key, and items of a flow sequence', () => {
    const c = ctx('steps:\n  - id: a\n    needs: [b, |]\n');
    expect(c).toMatchObject({ type: 'value', key: 'needs', inFlowSeq: true });
  });
  it('sees the member chain inside templates and in conditions', () => {
    expect(ctx('x:\n  prompt: "hi ${{ steps.classify.output.ca|')).toMatchObject({
      type: 'expression',
      chain: ['steps', 'classify', 'output'],
      condition: false,
    });
    expect(ctx('steps:\n  - id: a\n    if: inputs.|')).toMatchObject({
      type: 'expression',
      chain: ['inputs'],
      condition: true,
    });
  });
});
