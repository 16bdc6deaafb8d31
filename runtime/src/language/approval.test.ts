import { describe, expect, it } from 'vitest';
import { checkWorkflow } from './check.js';
import { HEADER, only, rangesOf } from './test-support.js';
import { stepOutputSchema } from './type-flow.js';

// HEADER is 6 lines, so the first step starts on line 7.
const draft = '  - id: draft\n    kind: llm\n    model: fast\n    prompt: hi\n';
const approval = (extra = '') =>
  `  - id: review\n    kind: approval\n    prompt: "Send? \${{ steps.draft.output.text }}"\n${extra}`;

describe('approval steps', () => {
  it('builds the spec with default decisions and the default decision on timeout', () => {
    const result = checkWorkflow(`${HEADER}${draft}${approval('    timeout: 2h\n')}`);
    expect(result.diagnostics).toEqual([]);
    const review = result.definition!.steps[1]!;
    expect(review).toMatchObject({
      kind: 'approval',
      decisions: ['approve', 'reject'],
      timeoutMs: 7_200_000,
      onTimeout: 'reject',
      needs: ['draft'],
    });
  });

  it('takes declared decisions; without `reject` the last one decides on timeout', () => {
    const text = `${HEADER}${draft}${approval('    decisions: [ship, hold]\n    timeout: 1s\n')}`;
    expect(checkWorkflow(text).definition!.steps[1]).toMatchObject({
      decisions: ['ship', 'hold'],
      onTimeout: 'hold',
    });
  });

  it('reports on_timeout outside the decisions at its value, with a suggestion', () => {
    const text = `${HEADER}${draft}${approval('    decisions: [approve, reject]\n    timeout: 1h\n    on_timeout: rejct\n')}`;
    const d = only(text, 'unknown-decision');
    expect(d.message).toMatch(/`rejct` is not one of this step's decisions \(approve, reject\).*reject/);
    expect(rangesOf(text, 'unknown-decision')).toEqual([[16, 17, 16, 22]]);
  });

  it('warns about on_timeout without timeout', () => {
    const text = `${HEADER}${draft}${approval('    on_timeout: approve\n')}`;
    expect(only(text, 'unused-on-timeout').severity).toBe('warning');
  });

  it('rejects keys an approval does not take (retry) and a missing prompt, through the schema', () => {
    const text = `${HEADER}  - id: review\n    kind: approval\n    retry: { attempts: 2 }\n`;
    const codes = checkWorkflow(text).diagnostics.map((d) => d.code);
    expect(codes.filter((c) => c === 'schema').length).toBeGreaterThanOrEqual(2);
  });

  it('types its output: decision is an enum of the allowed decisions; a wrong field is reported', () => {
    const text = `${HEADER}${draft}${approval('    decisions: [ship, hold]\n')}  - id: after\n    kind: llm\n    model: fast\n    prompt: "\${{ steps.review.output.decison }}"\n`;
    const result = checkWorkflow(text);
    const schema = stepOutputSchema(result.definition!, 'review')!;
    expect((schema.properties as Record<string, { enum?: string[] }>).decision!.enum).toEqual([
      'ship',
      'hold',
    ]);
    expect(result.diagnostics.map((d) => d.message).join('\n')).toMatch(/decison/);
  });
});
