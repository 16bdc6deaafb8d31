import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkWorkflow } from './check.js';
import { apply } from './parse-arbitraries.js';
import type { CheckResult } from './types.js';

const valid = readFileSync(
  new URL('../../../schemas/examples/research-debate.workflow.yaml', import.meta.url),
  'utf8',
);

function checkBounded(text: string, limitMs = 5_000): CheckResult {
  const start = performance.now();
  const result = checkWorkflow(text);
  expect(performance.now() - start).toBeLessThan(limitMs);
  for (const d of result.diagnostics) {
    const r = d.range;
    expect(r.start).toBeGreaterThanOrEqual(0);
    expect(r.end).toBeGreaterThanOrEqual(r.start);
    expect(r.end).toBeLessThanOrEqual(text.length);
    expect(r.line).toBeGreaterThanOrEqual(1);
    expect(r.column).toBeGreaterThanOrEqual(1);
    expect(r.endLine * 1e9 + r.endColumn).toBeGreaterThanOrEqual(r.line * 1e9 + r.column);
    expect(typeof d.code).toBe('string');
    expect(typeof d.message).toBe('string');
  }
  return result;
}

/** Up to 300 runs, but never more than ~3 s of them (a loaded 2-core machine checks ~100 mutated files a second). */
const FUZZ_RUNS = { numRuns: 300, interruptAfterTimeLimit: 3_000, markInterruptAsFailure: false };

const mutation = fc.oneof(
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.nat({ max: 40 }) }),
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.nat(),
    text: fc.oneof(
      fc.string({ maxLength: 20 }),
      fc.constantFrom('${{', '}}', ':', '- ', '\n  ', '[', '{', '&a ', '*a', '"', "'", '|', 'steps.', '\t'),
    ),
  }),
  fc.record({ kind: fc.constant('swap-lines' as const), a: fc.nat(), b: fc.nat() }),
);

describe('robustness: never throws, always returns in bounded time, ranges valid', () => {
  it('random mutations of a valid workflow', () => {
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 6 }), (mutations) => {
        checkBounded(mutations.reduce(apply, valid));
      }),
      FUZZ_RUNS,
    );
  });

  it('random strings and bytes', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 300 }),
          fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b).toString('latin1')),
        ),
        (text) => {
          checkBounded(text);
        },
      ),
      FUZZ_RUNS,
    );
  });

  it('binary content is refused with one diagnostic', () => {
    const result = checkBounded('name: x\0\u0001\u0002');
    expect(result.diagnostics.map((d) => d.code)).toEqual(['yaml-syntax']);
  });

  it('10k levels of nesting, flow and block', () => {
    const flow = checkBounded(`name: x\nsteps: ${'['.repeat(10_000)}${']'.repeat(10_000)}\n`);
    expect(flow.diagnostics[0]?.message).toMatch(/nest deeper/);
    let block = 'name: x\nsteps:\n';
    for (let i = 0; i < 10_000; i++) block += `${' '.repeat(Math.min(i, 2_000))}- a\n`;
    checkBounded(block);
    checkBounded(`${'- '.repeat(10_000)}x\n`);
  });

  it('alias expansion (billion laughs) is refused', () => {
    let text = 'a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n';
    for (let i = 1; i < 10; i++)
      text += `a${i}: &a${i} [${Array(10)
        .fill(`*a${i - 1}`)
        .join(', ')}]\n`;
    text += 'name: x\nsteps: *a9\n';
    const result = checkBounded(text);
    expect(result.diagnostics.some((d) => /alias/.test(d.message))).toBe(true);
  });

  it('a 10 MB file answers with one file-too-large diagnostic, in milliseconds', () => {
    const step = '  - { id: s_ID, kind: llm, model: fast, prompt: "hello ${{ inputs.message }}" }\n';
    const parts = [
      'name: big\ninputs: { message: { type: string } }\nmodels: { fast: { provider: mock, model: m } }\nsteps:\n',
    ];
    let length = parts[0]!.length;
    for (let i = 0; length < 10 * 1024 * 1024; i++) {
      const line = step.replace('ID', String(i));
      parts.push(line);
      length += line.length;
    }
    const result = checkBounded(parts.join(''), 1_000);
    expect(result.diagnostics.map((d) => d.code)).toEqual(['file-too-large']);
    expect(result.diagnostics[0]!.message).toMatch(/10\.0 MB.*1\.0 MB limit/);
    expect(result.definition).toBeUndefined();
  });

  it('over 20 MB is refused without parsing', () => {
    const result = checkBounded(`name: x\n#${'x'.repeat(21 * 1024 * 1024)}\n`, 1_000);
    expect(result.diagnostics.map((d) => d.code)).toEqual(['file-too-large']);
    expect(result.diagnostics[0]?.message).toMatch(/21\.0 MB/);
  });
});
