import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkWorkflow } from './check.js';
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

type Mutation = typeof mutation extends fc.Arbitrary<infer T> ? T : never;

function apply(text: string, m: Mutation): string {
  if (m.kind === 'delete') {
    const at = m.at % (text.length + 1);
    return text.slice(0, at) + text.slice(at + m.length);
  }
  if (m.kind === 'insert') {
    const at = m.at % (text.length + 1);
    return text.slice(0, at) + m.text + text.slice(at);
  }
  const lines = text.split('\n');
  const a = m.a % lines.length;
  const b = m.b % lines.length;
  [lines[a], lines[b]] = [lines[b]!, lines[a]!];
  return lines.join('\n');
}

describe('robustness: never throws, always returns in bounded time, ranges valid', () => {
  it('random mutations of a valid workflow', () => {
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 6 }), (mutations) => {
        checkBounded(mutations.reduce(apply, valid));
      }),
      { numRuns: 300 },
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
      { numRuns: 300 },
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

  it('a 10 MB file', () => {
    const step = '  - { id: s_ID, kind: llm, model: fast, prompt: "hello ${{ inputs.message }}" }\n';
    let text =
      'name: big\ninputs: { message: { type: string } }\nmodels: { fast: { provider: mock, model: m } }\nsteps:\n';
    const parts: string[] = [text];
    for (let i = 0; text.length < 10 * 1024 * 1024; i++) {
      const line = step.replace('ID', String(i));
      parts.push(line);
      text += line;
      if (parts.length > 200_000) break;
    }
    const result = checkBounded(parts.join(''), 120_000);
    expect(result.definition).toBeDefined();
  }, 180_000);

  it('over 20 MB is refused without parsing', () => {
    const result = checkBounded(`name: x\n#${'x'.repeat(21 * 1024 * 1024)}\n`);
    expect(result.diagnostics[0]?.message).toMatch(/larger than 20 MB/);
  });
});
