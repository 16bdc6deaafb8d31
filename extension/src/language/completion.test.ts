import { describe, expect, it } from 'vitest';
import { complete } from './completion.js';
import { at, fixture } from './fixture.test-helper.js';

function labels(text: string, offset: number) {
  return complete(text, offset).map((c) => c.label);
}
/** Inserts `insert` at `offset`; the cursor ends up at the `|` in `insert` (or after it). */
function insertAt(text: string, offset: number, insert: string) {
  const bar = insert.indexOf('|');
  const clean = insert.replace('|', '');
  return {
    text: text.slice(0, offset) + clean + text.slice(offset),
    offset: offset + (bar >= 0 ? bar : clean.length),
  };
}

describe('complete', () => {
  it('offers step ids in needs (without the step itself)', () => {
    const { text, offset } = insertAt(fixture, at(fixture, 'needs: [classify', 8 + 'classify'.length), ', ');
    const got = labels(text, offset);
    expect(got).toEqual(expect.arrayContaining(['classify', 'sales_reply', 'other_reply']));
    expect(got).not.toContain('route');
  });

  it('offers step ids in then/otherwise and model ids in model', () => {
    expect(labels(fixture, at(fixture, 'otherwise: [', 12))).toContain('sales_reply');
    const { text, offset } = insertAt(fixture, at(fixture, 'model: fast', 7), '');
    expect(labels(text, offset)).toEqual(['fast']);
  });

  it('offers the keys of an llm step that are not there yet', () => {
    const { text, offset } = insertAt(
      fixture,
      at(fixture, '  - id: other_reply'),
      '  - id: extra\n    kind: llm\n    |\n\n',
    );
    const got = labels(text, offset);
    expect(got).toEqual(expect.arrayContaining(['model', 'prompt', 'system', 'output_schema', 'needs']));
    expect(got).not.toContain('kind');
    expect(got).not.toContain('branches');
  });

  it('offers the kinds of step as values of kind', () => {
    const { text, offset } = insertAt(
      fixture,
      at(fixture, '  - id: other_reply'),
      '  - id: extra\n    kind: |\n\n',
    );
    expect(labels(text, offset)).toEqual(
      expect.arrayContaining(['llm', 'agent', 'tool', 'decision', 'parallel', 'map', 'debate']),
    );
  });

  it('offers steps.<id>.output fields from the output schema inside templates', () => {
    const { text, offset } = insertAt(
      fixture,
      at(fixture, 'Route this message: ', 20),
      '${{ steps.classify.output.',
    );
    const items = complete(text, offset);
    expect(items.map((c) => c.label)).toEqual(['category', 'confidence']);
    expect(items[0]?.detail).toBe('"sales" | "support" | "other"');
  });

  it('offers step ids after steps. and inputs after inputs. in conditions', () => {
    const { text, offset } = insertAt(fixture, at(fixture, '    needs: [classify]'), '    if: inputs.');
    expect(labels(text, offset)).toEqual(['message']);
    const s = insertAt(fixture, at(fixture, 'Route this message: ', 20), '${{ steps.');
    expect(labels(s.text, s.offset)).toEqual(['classify', 'route', 'sales_reply']);
  });
});
