// Sub-workflow steps on the embedded engine: the child is its own run, linked both ways, its usage counted in
// the parent's; a failing child fails the parent with its code; a crash while the child runs loses and repeats
// none of the child's finished steps; cancelling the parent cancels the child. Real journals on disk.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { scriptedModel } from '../../engine/testing/clients.js';
import { branch, decision, llm, subWorkflow, workflow } from '../../engine/testing/definitions.js';
import { EmbeddedEngine } from './index.js';

let dataDir: string;
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'weft-sub-workflow-'));
});
afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

const journalFile = (runId: string) => join(dataDir, 'runs', runId, 'journal.jsonl');

function scripted() {
  return scriptedModel((request) => {
    const text = request.messages.at(-1)?.content ?? '';
    if (text.startsWith('slow')) return { text, delayMs: 10_000 };
    return { text: `re: ${text}`, inputTokens: 10, outputTokens: 5 };
  });
}

const child = workflow(
  [llm('first', 'one ${{ inputs.text }}'), llm('second', 'two ${{ steps.first.output.text }}')],
  {
    name: 'child',
    inputs: { text: { schema: { type: 'string' }, required: true } },
    outputs: { result: { schema: { type: 'string' }, value: '${{ steps.second.output.text }}' } },
  },
);

const parent = workflow(
  [
    llm('draft', 'draft'),
    subWorkflow('sub', child, { text: '${{ steps.draft.output.text }}' }, { needs: ['draft'] }),
    llm('after', 'after ${{ steps.sub.output.result }}', { needs: ['sub'] }),
  ],
  {
    name: 'parent',
    outputs: { out: { schema: { type: 'string' }, value: '${{ steps.after.output.text }}' } },
  },
);

describe('sub-workflow steps on the embedded engine', () => {
  it('runs the child as its own run, linked both ways, its outputs and usage in the parent', async () => {
    const model = scripted();
    const engine = new EmbeddedEngine({ dataDir, env: {}, modelClientFactory: model.factory });
    const record = await engine.start(parent, {}, { runId: 'p1' }).result;
    expect(record.status).toBe('succeeded');
    expect(record.outputs?.out).toBe('re: after re: two re: one re: draft');
    const childRecord = await engine.getRun('p1.sub');
    expect(childRecord).toMatchObject({
      status: 'succeeded',
      workflow: 'child',
      outputs: { result: 're: two re: one re: draft' },
    });
    expect(childRecord!.usage.totalTokens).toBe(30);
    expect(record.usage.totalTokens).toBe(60);
    const parentLines = (await readFile(journalFile('p1'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l).event);
    expect(parentLines.find((e) => e.type === 'step_completed' && e.key === 'sub')).toMatchObject({
      childRunId: 'p1.sub',
      output: { result: 're: two re: one re: draft' },
    });
    const childStart = JSON.parse((await readFile(journalFile('p1.sub'), 'utf8')).split('\n')[0]!).event;
    expect(childStart).toMatchObject({ type: 'run_started', parent: { runId: 'p1', stepKey: 'sub' } });
    // linked both ways in the records the API serves
    expect(childRecord!.parent).toEqual({ runId: 'p1', stepKey: 'sub' });
    expect(record.steps.find((s) => s.key === 'sub')?.childRunId).toBe('p1.sub');
    // the child's model calls are the step's (its trace has their spans under the step)
    expect(record.trace.filter((s) => s.kind === 'model_call').length).toBe(4);
    // getRun nests the child's trace under the step: one trace id, the child's run span under step `sub`
    const { trace } = (await engine.getRun('p1'))!;
    expect(new Set(trace.map((s) => s.traceId)).size).toBe(1);
    const sub = trace.find((s) => s.kind === 'step' && s.attributes['weft.step.key'] === 'sub')!;
    expect(sub.attributes['weft.child_run_id']).toBe('p1.sub');
    const childRun = trace.find((s) => s.kind === 'run' && s.parentSpanId === sub.spanId)!;
    expect(childRun.name).toBe('workflow child');
    const childSteps = trace.filter((s) => s.parentSpanId === childRun.spanId).map((s) => s.name);
    expect(childSteps).toEqual(['step first', 'step second']);
    const calls = trace.filter((s) => s.kind === 'model_call');
    expect(calls).toHaveLength(4);
    expect(calls.some((c) => c.parentSpanId === sub.spanId)).toBe(false);
  });

  it("a failing child fails the parent with the child's error code", async () => {
    const failing = workflow(
      [llm('a', 'x'), decision('route', [branch('steps.a.output.text == "never"', ['b'])]), llm('b', 'y')],
      { name: 'failing' },
    );
    const engine = new EmbeddedEngine({ dataDir, env: {}, modelClientFactory: scripted().factory });
    const record = await engine.start(workflow([subWorkflow('sub', failing)]), {}, { runId: 'p2' }).result;
    expect(record.status).toBe('failed');
    expect(record.error).toMatchObject({ code: 'no_branch_matched', step: 'sub' });
    expect(record.error?.message).toContain('route');
    expect((await engine.getRun('p2.sub'))?.error?.code).toBe('no_branch_matched');
  });

  it('a crash while the child runs: the parent resumes it, no finished child step runs again', async () => {
    const first = scripted();
    await new EmbeddedEngine({ dataDir, env: {}, modelClientFactory: first.factory }).start(
      parent,
      {},
      { runId: 'p3' },
    ).result;
    // Cut both journals as a crash would leave them: the parent inside step `sub`, the child after `first`.
    const cut = async (runId: string, keep: (event: { type: string; key?: string }) => boolean) => {
      const lines = (await readFile(journalFile(runId), 'utf8')).trim().split('\n');
      const at = lines.findIndex((l) => !keep(JSON.parse(l).event));
      await writeFile(journalFile(runId), `${lines.slice(0, at).join('\n')}\n`);
    };
    let seenSubStart = false;
    await cut('p3', (e) => {
      if (seenSubStart) return false;
      if (e.type === 'step_started' && e.key === 'sub') seenSubStart = true;
      return true;
    });
    await cut('p3.sub', (e) => !(e.type === 'step_started' && e.key === 'second'));

    const second = scripted();
    const engine = new EmbeddedEngine({ dataDir, env: {}, modelClientFactory: second.factory });
    const scan = await engine.recoveryScan();
    expect(scan.resumable).toEqual(['p3']);
    expect(await engine.incompleteRuns()).toEqual(['p3']);
    const record = await engine.resume('p3').result;
    expect(record.status).toBe('succeeded');
    expect(record.outputs?.out).toBe('re: after re: two re: one re: draft');
    // only the child's second step and the parent's last ran again
    expect(second.requests.map((r) => r.request.messages.at(-1)?.content)).toEqual([
      'two re: one re: draft',
      'after re: two re: one re: draft',
    ]);
    const childRecord = await engine.getRun('p3.sub');
    expect(childRecord?.status).toBe('succeeded');
    expect(childRecord?.steps.map((s) => [s.key, s.attempts])).toEqual([
      ['first', 1],
      ['second', 1],
    ]);
  });

  it('cancelling the parent cancels the child', async () => {
    const slow = workflow([llm('wait', 'slow')], { name: 'slow' });
    const engine = new EmbeddedEngine({ dataDir, env: {}, modelClientFactory: scripted().factory });
    const handle = engine.start(workflow([subWorkflow('sub', slow)]), {}, { runId: 'p4' });
    handle.onEvent((e) => {
      if (e.type === 'step_started' && e.key === 'sub')
        setTimeout(() => void engine.cancel('p4', 'test'), 200);
    });
    const record = await handle.result;
    expect(record.status).toBe('cancelled');
    expect((await engine.getRun('p4.sub'))?.status).toBe('cancelled');
    expect(record.steps.find((s) => s.key === 'sub')?.error?.code).toBe('cancelled');
  });

  it("the child gets only what is left of the parent's budget", async () => {
    const engine = new EmbeddedEngine({ dataDir, env: {}, modelClientFactory: scripted().factory });
    const capped = { ...parent, budget: { maxTokens: 40 } };
    const record = await engine.start(capped, {}, { runId: 'p7' }).result;
    const childStart = JSON.parse((await readFile(journalFile('p7.sub'), 'utf8')).split('\n')[0]!).event;
    // draft spent 15 of 40: the child's budget is the 25 left (its own is 100,000), too little for its 2 calls
    expect(childStart.definition.budget).toEqual({ maxTokens: 25 });
    expect(record.status).toBe('failed');
    expect(record.error?.code).toBe('budget_exceeded');
    expect(record.steps.find((st) => st.key === 'sub')?.error?.code).toBe('budget_exceeded');
    expect((await engine.getRun('p7.sub'))?.error?.code).toBe('budget_exceeded');
  });

  it("the step's timeout stops the child: the step times out with what the child spent", async () => {
    const slow = workflow([llm('quick', 'quick'), llm('wait', 'slow', { needs: ['quick'] })], {
      name: 'slow',
    });
    const engine = new EmbeddedEngine({ dataDir, env: {}, modelClientFactory: scripted().factory });
    const step = subWorkflow('sub', slow, {}, { timeoutMs: 300 });
    const record = await engine.start(workflow([step]), {}, { runId: 'p6' }).result;
    expect(record.status).toBe('failed');
    expect(record.error).toMatchObject({ code: 'timeout', step: 'sub' });
    expect(record.usage.totalTokens).toBe(15);
    expect((await engine.getRun('p6.sub'))?.status).toBe('cancelled');
  });

  it('a sub-workflow step whose child was never resolved fails with what to do', async () => {
    const unresolved = subWorkflow('sub', child, { text: 'x' });
    delete unresolved.definition;
    const engine = new EmbeddedEngine({ dataDir, env: {}, modelClientFactory: scripted().factory });
    const record = await engine.start(workflow([unresolved]), {}, { runId: 'p5' }).result;
    expect(record.status).toBe('failed');
    expect(record.error).toMatchObject({ code: 'workflow_unresolved', step: 'sub' });
    expect(record.error?.message).toContain('load it from its file');
  });
});
