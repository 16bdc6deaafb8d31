import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkWorkflow } from '../../language/check.js';
import type { WorkflowDefinition } from '../../language/types.js';
import { EmbeddedEngine, type RunHandle } from './index.js';

const yaml = (timeout = '') => `name: approve-embedded
models:
  fast: { provider: mock, model: m }
outputs:
  decision: { type: string, value: "\${{ steps.review.output.decision }}" }
  by: { type: string, value: "\${{ steps.review.output.by }}" }
steps:
  - id: draft
    kind: llm
    model: fast
    prompt: draft a reply
  - id: review
    kind: approval
    prompt: "Send it?"
${timeout}`;

function definition(timeout = ''): WorkflowDefinition {
  const result = checkWorkflow(yaml(timeout));
  expect(result.diagnostics).toEqual([]);
  return result.definition!;
}

let dataDir: string;
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'weft-approval-'));
});
afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

function waitingFor(handle: RunHandle, key: string): Promise<void> {
  return new Promise((resolve) => {
    const stop = handle.onEvent((event) => {
      if (event.type === 'approval_requested' && event.key === key) {
        queueMicrotask(() => stop());
        resolve();
      }
    });
  });
}

describe('embedded engine: approval steps', () => {
  it('waits, exposes the pending approval, and completes with the decision', async () => {
    const engine = new EmbeddedEngine({ dataDir });
    const handle = engine.start(definition(), {});
    await waitingFor(handle, 'review');
    const waiting = await engine.getRun(handle.runId);
    expect(waiting?.status).toBe('running');
    expect(waiting?.approvals).toEqual([
      expect.objectContaining({ step: 'review', prompt: 'Send it?', decisions: ['approve', 'reject'] }),
    ]);
    expect(waiting?.approvals?.[0]?.decision).toBeUndefined();

    const wrong = await engine.decideApproval(handle.runId, 'review', { decision: 'maybe', by: 'ada' });
    expect(wrong).toMatchObject({ ok: false, reason: 'invalid_decision', decisions: ['approve', 'reject'] });
    expect(
      await engine.decideApproval(handle.runId, 'draft', { decision: 'approve', by: 'ada' }),
    ).toMatchObject({
      ok: false,
      reason: 'unknown_step',
    });
    const ok = await engine.decideApproval(handle.runId, 'review', {
      decision: 'approve',
      by: 'ada',
      comment: 'fine',
    });
    expect(ok).toMatchObject({
      ok: true,
      approval: { step: 'review', decision: 'approve', by: 'ada', comment: 'fine' },
    });
    const record = await handle.result;
    expect(record.status).toBe('succeeded');
    expect(record.outputs).toEqual({ decision: 'approve', by: 'ada' });
    const span = record.trace.find((s) => s.attributes['weft.step.key'] === 'review');
    expect(span?.attributes).toMatchObject({
      'weft.approval.decision': 'approve',
      'weft.approval.by': 'ada',
    });
    expect(
      await engine.decideApproval(handle.runId, 'review', { decision: 'reject', by: 'bob' }),
    ).toMatchObject({
      ok: false,
      reason: 'not_waiting',
      message: expect.stringMatching(/already decided \(approve by ada/),
    });
  });

  it('a run left waiting (process gone) is resumed by the decision and finishes', async () => {
    const first = new EmbeddedEngine({ dataDir });
    const handle = first.start(definition(), {}, { detachWhenWaiting: true });
    const left = await handle.result;
    expect(left.status).toBe('running');
    expect(left.approvals?.[0]).toMatchObject({ step: 'review' });

    const second = new EmbeddedEngine({ dataDir });
    const decided = await second.decideApproval(handle.runId, 'review', { decision: 'reject', by: 'bob' });
    expect(decided.ok).toBe(true);
    const record = await decided.handle!.result;
    expect(record.status).toBe('succeeded');
    expect(record.outputs).toEqual({ decision: 'reject', by: 'bob' });
  });

  it('the timeout decides on_timeout, timed from the journaled request across a restart', async () => {
    const first = new EmbeddedEngine({ dataDir });
    const handle = first.start(
      definition('    timeout: 1h\n    on_timeout: approve\n'),
      {},
      { detachWhenWaiting: true },
    );
    const left = await handle.result;
    expect(left.approvals?.[0]?.timeoutAt).toBe(
      new Date(Date.parse(left.approvals![0]!.requestedAt) + 3_600_000).toISOString(),
    );
    // two hours later: the deadline passed while no process drove the run
    const later = new EmbeddedEngine({ dataDir, now: () => new Date(Date.now() + 7_200_000) });
    const record = await later.resume(handle.runId).result;
    expect(record.status).toBe('succeeded');
    expect(record.outputs).toEqual({ decision: 'approve', by: 'timeout' });
    expect(record.approvals?.[0]).toMatchObject({ decision: 'approve', by: 'timeout', timedOut: true });
  });
});
