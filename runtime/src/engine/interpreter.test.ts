import { describe, expect, it } from 'vitest';
import type { ExecuteCommand, LlmRequest, ToolRequest } from './commands.js';
import { decide } from './interpreter.js';
import type { JournalEvent } from './journal.js';
import { branch, decision, llm, map, parallel, tool, workflow } from './testing/definitions.js';
import { simulate, usage } from './testing/simulate.js';

const echo = (c: ExecuteCommand) => ({ output: { text: (c.request as LlmRequest).prompt } });
const last = (journal: JournalEvent[]) => journal[journal.length - 1]!;

describe('interpreter', () => {
  it('runs a chain, renders prompts from earlier outputs and computes outputs', () => {
    const def = workflow(
      [llm('a', 'Hello ${{ inputs.name }}'), llm('b', 'Got: ${{ steps.a.output.text }}')],
      {
        inputs: { name: { schema: { type: 'string' }, required: true } },
        outputs: { final: { schema: { type: 'string' }, value: '${{ steps.b.output.text }}' } },
      },
    );
    const sim = simulate(def, { name: 'Ada' }, echo);
    expect(sim.executed.map((c) => c.key)).toEqual(['a', 'b']);
    expect(last(sim.journal)).toEqual({ type: 'run_completed', outputs: { final: 'Got: Hello Ada' } });
  });

  it('fills input defaults and fails on a missing required input', () => {
    const def = workflow([llm('a', '${{ inputs.x }}')], {
      inputs: {
        x: { schema: { type: 'string' }, required: false, default: 'dflt' },
        y: { schema: { type: 'string' }, required: true },
      },
    });
    expect(last(simulate(def, {}, echo).journal)).toMatchObject({
      type: 'run_failed',
      error: { code: 'invalid_inputs' },
    });
    expect(simulate(def, { y: 'v' }, echo).executed[0]!.request).toMatchObject({ prompt: 'dflt' });
  });

  it('starts independent steps together', () => {
    const def = workflow([llm('a', 'x'), llm('b', 'y'), llm('c', '${{ steps.a.output.text }}')]);
    const first = decide(def, {}, [{ type: 'run_started', runId: 'r', workflow: 'test', inputs: {} }]);
    expect(first.map((c) => (c.type === 'execute' ? c.key : c.type))).toEqual(['a', 'b']);
  });

  describe('decision', () => {
    const def = (otherwise?: string[]) =>
      workflow([
        llm('classify', 'c'),
        decision('route', [branch('steps.classify.output.category == "sales"', ['sales'])], otherwise),
        llm('sales', 'sales reply'),
        llm('fallback', 'fallback reply'),
        llm('after', '${{ steps.sales.output }}'),
      ]);
    const classify = (category: string) => (c: ExecuteCommand) =>
      c.key === 'classify' ? { output: { category } } : echo(c);

    it('takes the matching branch and skips the others', () => {
      const sim = simulate(def(['fallback']), {}, classify('sales'));
      expect(sim.journal).toContainEqual({ type: 'decision_made', key: 'route', branch: '0' });
      expect(sim.journal).toContainEqual({
        type: 'step_skipped',
        key: 'fallback',
        reason: 'branch_not_taken',
      });
      expect(sim.executed.map((c) => c.key)).toEqual(['classify', 'sales', 'after']);
    });

    it('uses the catch-all and propagates skips to steps whose dependencies were all skipped', () => {
      const sim = simulate(def(['fallback']), {}, classify('other'));
      expect(sim.journal).toContainEqual({ type: 'decision_made', key: 'route', branch: 'otherwise' });
      expect(sim.journal).toContainEqual({ type: 'step_skipped', key: 'sales', reason: 'branch_not_taken' });
      expect(sim.journal).toContainEqual({
        type: 'step_skipped',
        key: 'after',
        reason: 'dependencies_skipped',
      });
      expect(last(sim.journal).type).toBe('run_completed');
    });

    it('fails with no_branch_matched naming the decision step', () => {
      const sim = simulate(def(), {}, classify('other'));
      expect(last(sim.journal)).toEqual({
        type: 'run_failed',
        error: expect.objectContaining({ code: 'no_branch_matched', step: 'route' }),
      });
    });
  });

  it('skips a step whose if is false, and fails an if that is not boolean with expression_error', () => {
    const def = workflow([llm('a', 'x', { if: 'inputs.go' }), llm('b', 'y')]);
    const sim = simulate(def, { go: false }, echo);
    expect(sim.journal).toContainEqual({ type: 'step_skipped', key: 'a', reason: 'if_false' });
    expect(sim.executed.map((c) => c.key)).toEqual(['b']);
    const bad = simulate(def, { go: 'yes' }, echo);
    expect(last(bad.journal)).toMatchObject({
      type: 'run_failed',
      error: { code: 'expression_error', step: 'a' },
    });
  });

  it('runs parallel children at once and collects their outputs', () => {
    const def = workflow([
      parallel('par', [llm('x', 'X'), llm('y', 'Y')]),
      llm('z', '${{ steps.par.output.y.text }}'),
    ]);
    const sim = simulate(def, {}, echo);
    const firstExecutes = sim.batches.find((b) => b.some((c) => c.type === 'execute'))!;
    expect(firstExecutes.filter((c) => c.type === 'execute').map((c) => (c as ExecuteCommand).key)).toEqual([
      'par.x',
      'par.y',
    ]);
    expect(sim.journal).toContainEqual(
      expect.objectContaining({
        type: 'step_completed',
        key: 'par',
        output: { x: { text: 'X' }, y: { text: 'Y' } },
      }),
    );
    expect(sim.executed.at(-1)!.request).toMatchObject({ prompt: 'Y' });
  });

  it('expands map items, never exceeds concurrency, and keeps output order', () => {
    const def = workflow([map('each', 'inputs.items', llm('one', 'item ${{ index }}: ${{ item }}'), 2)], {
      outputs: { all: { schema: {}, value: '${{ steps.each.output }}' } },
    });
    const sim = simulate(def, { items: ['a', 'b', 'c', 'd', 'e'] }, echo);
    expect(sim.maxInFlight.get('each')).toBe(2);
    expect(sim.executed.map((c) => c.key)).toEqual(['each[0]', 'each[1]', 'each[2]', 'each[3]', 'each[4]']);
    expect(last(sim.journal)).toEqual({
      type: 'run_completed',
      outputs: { all: ['a', 'b', 'c', 'd', 'e'].map((x, i) => ({ text: `item ${i}: ${x}` })) },
    });
  });

  it('handles an empty map and a map of parallels', () => {
    const empty = simulate(workflow([map('each', '[]', llm('one', 'x'))]), {}, echo);
    expect(empty.journal).toContainEqual(
      expect.objectContaining({ type: 'step_completed', key: 'each', output: [] }),
    );
    const nested = simulate(
      workflow([
        map('each', '[1, 2]', parallel('p', [llm('u', '${{ item }}u'), llm('v', '${{ item }}v')]), 1),
      ]),
      {},
      echo,
    );
    expect(nested.executed.map((c) => c.key)).toEqual(['each[0].u', 'each[0].v', 'each[1].u', 'each[1].v']);
    expect(nested.journal).toContainEqual(
      expect.objectContaining({
        key: 'each',
        output: [
          { u: { text: '1u' }, v: { text: '1v' } },
          { u: { text: '2u' }, v: { text: '2v' } },
        ],
      }),
    );
  });

  it('retries with exponential backoff, then fails the run with step_failed', () => {
    const def = workflow([llm('a', 'x', { retry: { attempts: 3, backoffMs: 100, factor: 2 } })]);
    const fail = () => ({ error: { code: 'server', message: 'boom' } });
    const sim = simulate(def, {}, fail);
    expect(sim.executed.map((c) => [c.attempt, c.delayMs])).toEqual([
      [1, 0],
      [2, 100],
      [3, 200],
    ]);
    expect(last(sim.journal)).toMatchObject({
      type: 'run_failed',
      error: { code: 'step_failed', step: 'a' },
    });
    expect((last(sim.journal) as { error: { message: string } }).error.message).toContain('boom');
  });

  it('succeeds on a later attempt and does not retry non-retryable errors', () => {
    const def = workflow([llm('a', 'x', { retry: { attempts: 3, backoffMs: 10, factor: 1 } })]);
    let calls = 0;
    const flaky = (c: ExecuteCommand) =>
      ++calls < 2 ? { error: { code: 'timeout', message: 'slow' } } : echo(c);
    expect(last(simulate(def, {}, flaky).journal).type).toBe('run_completed');
    const fatal = simulate(def, {}, () => ({ error: { code: 'auth', message: 'no key', retryable: false } }));
    expect(fatal.executed).toHaveLength(1);
  });

  it('passes the step timeout to the driver', () => {
    const sim = simulate(workflow([llm('a', 'x', { timeoutMs: 250 })]), {}, echo);
    expect(sim.executed[0]!.timeoutMs).toBe(250);
  });

  it('fails with budget_exceeded when usage crosses max tokens or max cost', () => {
    const def = workflow([llm('a', 'x'), llm('b', '${{ steps.a.output.text }}')], {
      budget: { maxTokens: 100 },
    });
    const sim = simulate(def, {}, (c) => ({ ...echo(c), usage: usage(150) }));
    expect(sim.executed.map((c) => c.key)).toEqual(['a']);
    expect(last(sim.journal)).toMatchObject({ type: 'run_failed', error: { code: 'budget_exceeded' } });
    const costly = workflow([llm('a', 'x'), llm('b', '${{ steps.a.output.text }}')], {
      budget: { maxTokens: 1e9, maxCostUsd: 0.01 },
    });
    const cost = simulate(costly, {}, (c) => ({ ...echo(c), usage: usage(1, 0.02) }));
    expect(last(cost.journal)).toMatchObject({ type: 'run_failed', error: { code: 'budget_exceeded' } });
  });

  it('a step stopped by the budget breaker fails the run with budget_exceeded, without retry', () => {
    const def = workflow([llm('a', 'x', { retry: { attempts: 3, backoffMs: 0, factor: 1 } })]);
    const sim = simulate(def, {}, () => ({ error: { code: 'budget_exceeded', message: 'breaker' } }));
    expect(sim.executed).toHaveLength(1);
    expect(last(sim.journal)).toMatchObject({ type: 'run_failed', error: { code: 'budget_exceeded' } });
  });

  it('cancels on cancel_requested', () => {
    const def = workflow([llm('a', 'x')]);
    const journal: JournalEvent[] = [
      { type: 'run_started', runId: 'r', workflow: 'test', inputs: {} },
      { type: 'step_started', key: 'a', attempt: 1 },
      { type: 'cancel_requested', reason: 'user' },
    ];
    expect(decide(def, {}, journal)).toEqual([{ type: 'cancel_run', reason: 'user' }]);
  });

  it('re-executes a step that was started but never finished before a resume, and nothing else', () => {
    const def = workflow([
      llm('a', 'x'),
      llm('b', 'y'),
      llm('c', '${{ steps.a.output.text }}${{ steps.b.output.text }}'),
    ]);
    const journal: JournalEvent[] = [
      { type: 'run_started', runId: 'r', workflow: 'test', inputs: {} },
      { type: 'step_started', key: 'a', attempt: 1 },
      { type: 'step_started', key: 'b', attempt: 1 },
      { type: 'step_completed', key: 'a', output: { text: 'x' }, usage: usage(0), calls: [] },
    ];
    expect(decide(def, {}, journal)).toEqual([]);
    journal.push({ type: 'run_resumed' });
    const commands = decide(def, {}, journal);
    expect(commands).toHaveLength(1);
    expect(commands[0]).toMatchObject({ type: 'execute', key: 'b', attempt: 1 });
  });

  it('renders tool args with their types', () => {
    const def = workflow([
      tool('t', 'search', { query: '${{ inputs.q }}', limit: '${{ inputs.n }}', fixed: true }),
    ]);
    const sim = simulate(def, { q: 'cats', n: 3 }, () => ({ output: { status: 200, body: null } }));
    expect((sim.executed[0]!.request as ToolRequest).args).toEqual({ query: 'cats', limit: 3, fixed: true });
  });

  it('is deterministic: the same journal gives the same commands', () => {
    const def = workflow([
      llm('a', 'x'),
      decision('d', [branch('steps.a.output.text == "x"', ['m'])], ['b']),
      map('m', '[1,2,3]', llm('one', '${{ item }}'), 2),
      llm('b', 'b'),
    ]);
    const sim = simulate(def, {}, echo);
    for (let n = 1; n <= sim.journal.length; n++) {
      const prefix = sim.journal.slice(0, n);
      expect(JSON.stringify(decide(def, {}, prefix))).toBe(
        JSON.stringify(decide(def, {}, structuredClone(prefix))),
      );
    }
  });
});
