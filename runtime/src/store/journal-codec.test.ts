// Journal lines: what is encoded decodes to the same events, checksums are those of older journals,
// and damage is found.
import { crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { JournalEvent } from '../engine/journal.js';
import type { WorkflowDefinition } from '../language/types.js';
import { checksum, decodeJournal, encodeLine } from './journal-codec.js';

const definition = {
  name: 'wf',
  inputs: { message: { type: 'string' } },
  steps: [{ id: 'a', kind: 'llm', model: 'fast', prompt: 'Say "hi" ${{ inputs.message }}' }],
} as unknown as WorkflowDefinition;

const started = (runId: string): JournalEvent => ({
  type: 'run_started',
  runId,
  workflow: 'wf',
  inputs: { message: 'x', definition: 0 } as never,
  definition,
  workflowFile: '/w/workflow.yaml',
  at: '2026-11-22T00:00:00.000Z',
});

describe('journal lines', () => {
  it('round-trips run_started (its definition written once per definition object) and other events', () => {
    const events: JournalEvent[] = [
      started('r1'),
      { type: 'step_started', key: 'a', attempt: 1, at: '2026-11-22T00:00:00.001Z' },
      { type: 'run_completed', outputs: { text: 'é "quoted" \n' }, at: '2026-11-22T00:00:00.002Z' },
    ];
    const text = events.map((e, i) => encodeLine(i + 1, e)).join('');
    const decoded = decodeJournal(text, 'journal.jsonl');
    expect(decoded.problem).toBeUndefined();
    expect(decoded.events).toEqual(events.map((e, i) => ({ ...e, seq: i + 1 })));
    expect(encodeLine(1, started('r1'))).toBe(`${text.split('\n')[0]}\n`);
  });

  it('checksums as before: crc32 of "<seq>:<event json>"', () => {
    const json = JSON.stringify({ type: 'warning', message: 'm' });
    expect(checksum(7, json)).toBe(crc32(`7:${json}`).toString(16).padStart(8, '0'));
  });

  it('finds a damaged line and a torn tail', () => {
    const lines = [encodeLine(1, started('r2')), encodeLine(2, { type: 'warning', message: 'm' })];
    const damaged = lines[0]! + lines[1]!.replace('"m"', '"n"');
    expect(decodeJournal(damaged, 'j').problem?.kind).toBe('corrupt');
    const torn = lines[0]! + lines[1]!.slice(0, 20);
    expect(decodeJournal(torn, 'j').problem?.kind).toBe('truncated_tail');
  });
});
