import { describe, expect, it } from 'vitest';
import { checkWorkflow } from '../language/check.js';
import type { WorkflowDefinition } from '../language/types.js';
import type { Command, LlmRequest } from './commands.js';
import { decide } from './interpreter.js';
import type { JournalEvent } from './journal.js';
import { runRecord } from './run-record.js';
import { simulate } from './testing/simulate.js';

const WORKFLOW = `name: approve-test
models:
  fast: { provider: mock, model: m }
outputs:
  sent: { type: string, value: "\${{ steps.review.output.decision }}" }
steps:
  - id: draft
    kind: llm
    model: fast
    prompt: draft
  - id: review
    kind: approval
    prompt: "Send \${{ steps.draft.output.text }}?"
    timeout: 1h
  - id: send
    kind: llm
    model: fast
    if: steps.review.output.decision == "approve"
    prompt: "send \${{ steps.review.output.by }}"
`;

function definition(): WorkflowDefinition {
  const result = checkWorkflow(WORKFLOW);
  expect(result.diagnostics).toEqual([]);
  return result.definition!;
}

const started: JournalEvent = { type: 'run_started', runId: 'r', workflow: 'approve-test', inputs: {} };
const afterDraft: JournalEvent[] = [
  started,
  { type: 'step_started', key: 'draft', attempt: 1 },
  {
    type: 'step_completed',
    key: 'draft',
    output: { text: 'hello' },
    usage: { inputTokens: 0, outputTokens: 0, totalTokens: 0, costUsd: 0 },
    calls: [],
  },
];
const kinds = (commands: Command[]) => commands.map((c) => (c.type === 'record' ? c.event.type : c.type));

describe('interpreter: approval steps', () => {
  it('records the request with the rendered prompt, then waits (no execute, not stalled)', () => {
    const def = definition();
    const first = decide(def, {}, afterDraft);
    expect(kinds(first)).toEqual(['approval_requested', 'wait_approval']);
    expect(first[0]).toMatchObject({
      event: {
        key: 'review',
        prompt: 'Send hello?',
        decisions: ['approve', 'reject'],
        timeoutMs: 3_600_000,
        onTimeout: 'reject',
      },
    });
    const journal = [...afterDraft, (first[0] as { event: JournalEvent }).event];
    const again = decide(def, {}, journal);
    expect(again).toEqual([
      {
        type: 'wait_approval',
        key: 'review',
        stepId: 'review',
        prompt: 'Send hello?',
        decisions: ['approve', 'reject'],
        timeoutMs: 3_600_000,
        onTimeout: 'reject',
      },
    ]);
    // a restart does not make the wait an interrupted step to execute again
    expect(kinds(decide(def, {}, [...journal, { type: 'run_resumed' }]))).toEqual(['wait_approval']);
  });

  it('continues with the decision as the step output; later steps see it', () => {
    const sim = simulate(
      definition(),
      {},
      (c) => ({ output: { text: (c.request as LlmRequest).prompt } }),
      undefined,
      () => ({
        decision: 'approve',
        by: 'ada',
        comment: 'ok',
      }),
    );
    expect(sim.journal.at(-1)).toEqual({ type: 'run_completed', outputs: { sent: 'approve' } });
    expect(sim.executed.map((c) => c.key)).toEqual(['draft', 'send']);
    expect((sim.executed[1]!.request as LlmRequest).prompt).toBe('send ada');
    const record = runRecord(sim.journal)!;
    expect(record.steps.find((s) => s.key === 'review')).toMatchObject({
      status: 'succeeded',
      output: { decision: 'approve', by: 'ada', comment: 'ok', timed_out: false },
    });
  });

  it('a rejection skips the guarded step', () => {
    const sim = simulate(
      definition(),
      {},
      () => ({ output: { text: 'x' } }),
      undefined,
      () => ({ decision: 'reject' }),
    );
    expect(sim.executed.map((c) => c.key)).toEqual(['draft']);
    expect(sim.journal).toContainEqual({ type: 'step_skipped', key: 'send', reason: 'if_false' });
  });

  it('cancelling while waiting cancels the run', () => {
    const def = definition();
    const journal = [...afterDraft, (decide(def, {}, afterDraft)[0] as { event: JournalEvent }).event];
    expect(decide(def, {}, [...journal, { type: 'cancel_requested' }])).toEqual([{ type: 'cancel_run' }]);
  });
});
