// The incremental Decider (and decideFrom) against the reference decide(): on random runs of varied
// workflows (decisions, maps, parallels, retries, failures, resumes, cancels, budgets), every journal
// prefix gives the same commands, and decideFrom leaves the folded state as the journal made it.
import { describe, expect, it } from 'vitest';
import type { WorkflowDefinition } from '../language/types.js';
import type { Command, ExecuteCommand } from './commands.js';
import { Decider, decide, decideFrom } from './interpreter.js';
import type { JournalEvent } from './journal.js';
import { foldJournal } from './state.js';
import { branch, decision, llm, map, parallel, tool, workflow } from './testing/definitions.js';
import { applyCommands, hasEnded } from './testing/simulate.js';

/** mulberry32: a small seeded PRNG, so a failing seed can be replayed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const retry = { retry: { attempts: 3, backoffMs: 0, factor: 1 } };

const WORKFLOWS: Array<{ name: string; def: WorkflowDefinition; inputs: Record<string, unknown> }> = [
  {
    name: 'chain with outputs',
    def: workflow(
      [
        llm('a', 'Hello ${{ inputs.name }}', retry),
        llm('b', 'Got: ${{ steps.a.output.text }}', retry),
        llm('c', '${{ steps.b.output.text }} / ${{ steps.a.output.text }}'),
      ],
      {
        inputs: { name: { schema: { type: 'string' }, required: false, default: 'Ada' } },
        outputs: { final: { schema: { type: 'string' }, value: '${{ steps.c.output.text }}' } },
        budget: { maxTokens: 40 },
      },
    ),
    inputs: {},
  },
  {
    name: 'decision, map, parallel',
    def: workflow([
      llm('classify', 'c', retry),
      decision('route', [branch('steps.classify.output.text == "c"', ['m', 'p'])], ['fallback']),
      map('m', '[1, 2, 3, 4]', llm('one', 'item ${{ item }} of ${{ steps.classify.output.text }}', retry), 2),
      parallel('p', [llm('x', 'x'), tool('t', 'search', { q: '${{ steps.classify.output.text }}', n: 3 })]),
      llm('fallback', 'fallback'),
      llm('after', '${{ steps.m.output }} ${{ steps.p.output }}', { if: 'size(steps.m.output) > 0' }),
      llm('whole', '${{ steps }}'),
    ]),
    inputs: {},
  },
  {
    name: 'map of parallels, dynamic step access',
    def: workflow([
      llm('seed', 's'),
      map(
        'outer',
        '["a", "b", "c"]',
        parallel('inner', [
          llm('l', '${{ item }}-${{ index }}', retry),
          llm('r', '${{ steps.seed.output.text }}'),
        ]),
        2,
      ),
      llm('end', '${{ steps["outer"].output }} ${{ steps.exists(k, k == "seed") }}'),
    ]),
    inputs: {},
  },
];

interface RandomRun {
  journal: JournalEvent[];
  steps: number;
}

/** Drives a run with random completion order, random failures, resumes and (rarely) a cancel. */
function randomRun(
  def: WorkflowDefinition,
  inputs: Record<string, unknown>,
  random: () => number,
  check: (journal: JournalEvent[]) => Command[],
): RandomRun {
  const journal: JournalEvent[] = [
    { type: 'run_started', runId: 'r', workflow: def.name, inputs: inputs as never },
  ];
  let inFlight: ExecuteCommand[] = [];
  for (let steps = 0; steps < 500; steps++) {
    applyCommands(journal, check(journal), inFlight);
    if (hasEnded(journal)) {
      check(journal);
      return { journal, steps };
    }
    const roll = random();
    if (roll < 0.05) {
      journal.push({ type: 'run_resumed' });
      inFlight = [];
      continue;
    }
    if (roll < 0.07) {
      journal.push({ type: 'cancel_requested', reason: 'test' });
      continue;
    }
    const next = inFlight.splice(Math.floor(random() * inFlight.length), 1)[0];
    if (!next) continue;
    const tokens = Math.floor(random() * 8);
    const usage = { inputTokens: tokens, outputTokens: 0, totalTokens: tokens, costUsd: 0 };
    if (random() < 0.25) {
      journal.push({
        type: 'step_failed',
        key: next.key,
        attempt: next.attempt,
        error: { code: 'server', message: 'boom', retryable: random() < 0.8 },
        usage,
      });
    } else {
      const text = random() < 0.7 ? 'c' : `t${Math.floor(random() * 3)}`;
      journal.push({ type: 'step_completed', key: next.key, output: { text }, usage, calls: [] });
    }
  }
  throw new Error('random run did not end');
}

describe('Decider and decideFrom give what decide gives', () => {
  for (const { name, def, inputs } of WORKFLOWS) {
    it(`${name}: 60 random runs, every prefix`, () => {
      let prefixes = 0;
      const endings = new Set<string>();
      for (let seed = 1; seed <= 60; seed++) {
        const random = prng(seed * 7919);
        const decider = new Decider(def, inputs as never);
        const run = randomRun(def, inputs, random, (journal) => {
          const reference = decide(def, inputs as never, journal);
          const incremental = decider.decide(journal);
          expect(JSON.stringify(incremental), `seed ${seed} at ${journal.length}`).toBe(
            JSON.stringify(reference),
          );
          const state = foldJournal(journal);
          const before = JSON.stringify([...state.instances], (_k, v) => v);
          const usageBefore = state.usage;
          expect(JSON.stringify(decideFrom(def, inputs as never, state))).toBe(JSON.stringify(reference));
          expect(JSON.stringify([...state.instances])).toBe(before);
          expect(state.usage).toBe(usageBefore);
          prefixes += 1;
          return reference;
        });
        endings.add(run.journal[run.journal.length - 1]!.type);
      }
      expect(prefixes).toBeGreaterThan(200);
      // The random runs reach more than one kind of ending.
      expect(endings.size).toBeGreaterThan(1);
    });
  }

  it('refuses a journal that shrank', () => {
    const def = workflow([llm('a', 'x')]);
    const decider = new Decider(def, {});
    const journal: JournalEvent[] = [
      { type: 'run_started', runId: 'r', workflow: 'test', inputs: {} },
      { type: 'step_started', key: 'a', attempt: 1 },
    ];
    decider.decide(journal);
    expect(() => decider.decide(journal.slice(0, 1))).toThrow(/shrank/);
  });
});
