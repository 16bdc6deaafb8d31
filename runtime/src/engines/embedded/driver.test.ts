// The driver's durability contract with a journal whose writes are stored later (like a group
// commit): an executor never starts before its step_started is stored, the interpreter may decide
// from results not yet stored, and run() returns only once everything is stored.
import { describe, expect, it } from 'vitest';
import type { LlmRequest } from '../../engine/commands.js';
import type { JournalEvent } from '../../engine/journal.js';
import { UsageMeter } from '../../engine/steps/meter.js';
import { llm, workflow } from '../../engine/testing/definitions.js';
import { MemoryRatingsStore } from '../../store/ratings.js';
import { RunDriver } from './driver.js';

const ZERO = { inputTokens: 0, outputTokens: 0, totalTokens: 0, costUsd: 0 };

function slowJournal(options: { failAt?: number } = {}) {
  const journal: JournalEvent[] = [];
  const stored = new Set<JournalEvent>();
  let pending: Array<{ event: JournalEvent; resolve: () => void; reject: (e: Error) => void }> = [];
  let syncs = 0;
  // Stores everything appended so far a few turns later, in one batch.
  const flush = () => {
    const batch = pending;
    pending = [];
    syncs += 1;
    for (const p of batch) {
      if (options.failAt !== undefined && journal.indexOf(p.event) >= options.failAt) {
        p.reject(new Error('disk full'));
      } else {
        stored.add(p.event);
        p.resolve();
      }
    }
  };
  const append = (event: JournalEvent): Promise<void> => {
    journal.push(event);
    return new Promise((resolve, reject) => {
      if (pending.length === 0) setTimeout(flush, 2);
      pending.push({ event, resolve, reject });
    });
  };
  return { journal, stored, append, syncs: () => syncs };
}

function driverFor(
  steps: ReturnType<typeof llm>[],
  store: ReturnType<typeof slowJournal>,
  onExecute: (key: string) => void,
) {
  const definition = workflow(steps);
  return new RunDriver({
    definition,
    inputs: {},
    journal: store.journal,
    append: store.append,
    first: [{ type: 'run_started', runId: 'r', workflow: 'test', inputs: {} }],
    controller: new AbortController(),
    stepContext: {
      runId: 'r',
      definition,
      inputs: {},
      env: {},
      meter: new UsageMeter(definition.budget, ZERO),
      model: () => {
        throw new Error('no models here');
      },
      ratings: new MemoryRatingsStore(),
    },
    execute: async (command) => {
      onExecute(command.key);
      return { output: { text: (command.request as LlmRequest).prompt }, usage: ZERO, calls: [] };
    },
  });
}

describe('RunDriver with a journal stored later', () => {
  it('starts an executor only after its step_started is stored; ends with everything stored', async () => {
    const store = slowJournal();
    const violations: string[] = [];
    const executed: string[] = [];
    const driver = driverFor(
      [
        llm('a', 'x'),
        llm('b', '${{ steps.a.output.text }}!'),
        llm('c', 'c'),
        llm('d', '${{ steps.b.output.text }}'),
      ],
      store,
      (key) => {
        executed.push(key);
        const started = store.journal.find((e) => e.type === 'step_started' && e.key === key);
        if (!started || !store.stored.has(started)) violations.push(key);
        // Everything before it in the journal is stored too (one ordered log).
        const index = store.journal.indexOf(started!);
        if (store.journal.slice(0, index).some((e) => !store.stored.has(e))) violations.push(`${key} prefix`);
      },
    );
    await driver.run();
    expect(violations).toEqual([]);
    expect(executed.sort()).toEqual(['a', 'b', 'c', 'd']);
    expect(store.journal.at(-1)).toMatchObject({ type: 'run_completed' });
    expect(store.journal.every((e) => store.stored.has(e))).toBe(true);
    expect(store.journal.find((e) => e.type === 'step_completed' && e.key === 'd')).toMatchObject({
      output: { text: 'x!' },
    });
    // a+c, then b with a's result, then d with b's result, then the end: results share the next sync.
    expect(store.syncs()).toBeLessThanOrEqual(4);
  });

  it('a write that fails ends the run with that error, after the in-flight steps settle', async () => {
    const store = slowJournal({ failAt: 3 });
    const driver = driverFor([llm('a', 'x'), llm('b', '${{ steps.a.output.text }}')], store, () => {});
    await expect(driver.run()).rejects.toThrow(/disk full/);
  });
});
