// Approval steps through `weft serve` as a real process: the run waits, the server is killed with
// SIGKILL while it waits, a new server on the same data dir resumes it still waiting, and the decision
// (through the HTTP route and through `weft runs approve --server`) completes it. The route answers
// 404/409/400 as documented and needs the API key like every route.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type BuiltCli, buildCli } from '../../test/support/cli.js';
import { json, killAll, serve, waitFor } from './test-process.js';
import { type TempDir, tempDir } from './test-support.js';

const KEY = 'approval-test-key-0123456789abcdef';
const auth = { authorization: `Bearer ${KEY}` };

const WORKFLOW = `name: approve-server
inputs:
  topic: { type: string }
outputs:
  decision: { type: string, value: "\${{ steps.review.output.decision }}" }
  second: { type: string, value: "\${{ steps.again.output.decision }}" }
  reply: { type: string, value: "\${{ steps.send.output != null ? steps.send.output.text : 'not sent' }}" }
models:
  fast: { provider: mock, model: mock-1 }
steps:
  - id: draft
    kind: llm
    model: fast
    prompt: "Draft about \${{ inputs.topic }}"
  - id: review
    kind: approval
    prompt: "Send the draft about \${{ inputs.topic }}?"
    decisions: [approve, reject, revise]
  - id: again
    kind: approval
    needs: [review]
    prompt: "Really?"
  - id: send
    kind: llm
    model: fast
    if: steps.review.output.decision == "approve" && steps.again.output.decision == "approve"
    prompt: "Send it"
`;

interface Approval {
  step: string;
  prompt: string;
  decisions: string[];
  requestedAt: string;
  decision?: string;
  by?: string;
  comment?: string;
}
interface RunView {
  status: string;
  outputs?: Record<string, unknown>;
  approvals?: Approval[];
  trace: Array<{ attributes: Record<string, unknown> }>;
}

let cli: BuiltCli;
const dirs: TempDir[] = [];
beforeAll(async () => {
  cli = await buildCli('approval');
});
afterEach(killAll);
afterAll(() => {
  cli.remove();
  for (const dir of dirs) dir.remove();
});

function dir(prefix: string): TempDir {
  const made = tempDir(prefix);
  dirs.push(made);
  return made;
}

const post = (url: string, body: unknown, headers: Record<string, string> = auth) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });

describe('approval steps on weft serve (real processes)', () => {
  it('waits durably across kill -9; decided over HTTP and with weft runs approve --server; errors as documented', async () => {
    const workflows = dir('weft-wf-');
    const file = workflows.write('approve.yaml', WORKFLOW);
    const data = dir('weft-data-');
    const env = { WEFT_API_KEYS: KEY };

    const first = await serve(cli.file, file, data.path, env);
    const started = await json<{ runId: string; status: string }>(`${first.url}/run`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', prefer: 'respond-async', ...auth },
      body: JSON.stringify({ topic: 'pricing' }),
    });
    const runUrl = `${first.url}/runs/${started.runId}`;
    const waiting = await waitFor('the review approval', async () => {
      const run = await json<RunView>(runUrl, { headers: auth });
      return run.approvals?.length ? run : undefined;
    });
    expect(waiting.status).toBe('running');
    expect(waiting.approvals).toEqual([
      expect.objectContaining({
        step: 'review',
        prompt: 'Send the draft about pricing?',
        decisions: ['approve', 'reject', 'revise'],
      }),
    ]);

    // killed while it waits: nothing is lost
    first.proc.kill('SIGKILL');
    await first.exited;
    const second = await serve(cli.file, file, data.path, env);
    const base = `${second.url}/runs/${started.runId}`;
    const resumed = await json<RunView>(base, { headers: auth });
    expect(resumed.status).toBe('running');
    expect(resumed.approvals?.[0]).toMatchObject({ step: 'review' });
    expect(resumed.approvals?.[0]?.decision).toBeUndefined();

    // authenticated like every route
    expect((await post(`${base}/approvals/review`, { decision: 'approve' }, {})).status).toBe(401);
    // unknown run, unknown step, a step that is not waiting, a decision not allowed
    const unknownRun = await post(`${second.url}/runs/nope/approvals/review`, { decision: 'approve' });
    expect(unknownRun.status).toBe(404);
    expect((await post(`${base}/approvals/nothing`, { decision: 'approve' })).status).toBe(404);
    const notReached = await post(`${base}/approvals/again`, { decision: 'approve' });
    expect(notReached.status).toBe(409);
    expect(((await notReached.json()) as { error: { message: string } }).error.message).toMatch(
      /not reached/,
    );
    const bad = await post(`${base}/approvals/review`, { decision: 'maybe' });
    expect(bad.status).toBe(400);
    const badBody = (await bad.json()) as { error: { code: string; message: string; details: unknown } };
    expect(badBody.error).toMatchObject({
      code: 'invalid_decision',
      details: { decisions: ['approve', 'reject', 'revise'] },
    });
    expect(badBody.error.message).toMatch(/approve, reject, revise/);

    const decided = await post(`${base}/approvals/review`, {
      decision: 'approve',
      by: 'ada',
      comment: 'looks right',
    });
    expect(decided.status).toBe(200);
    expect(await decided.json()).toMatchObject({
      runId: started.runId,
      step: 'review',
      decision: 'approve',
      by: 'ada',
    });
    expect((await post(`${base}/approvals/review`, { decision: 'reject' })).status).toBe(409);

    // the second approval, through the CLI against the server
    await waitFor('the second approval', async () => {
      const run = await json<RunView>(base, { headers: auth });
      return run.approvals?.some((a) => a.step === 'again') ? run : undefined;
    });
    const cliResult = await cli.runAsync(
      ['runs', 'approve', started.runId, 'again', '--server', second.url, '--by', 'bob', '--comment', 'go'],
      { env: { WEFT_API_KEY: KEY } },
    );
    expect(cliResult.stderr).toMatch(/again of run .*: approve by bob/);
    expect(cliResult.code).toBe(0);

    const done = await waitFor('the run to finish', async () => {
      const run = await json<RunView>(base, { headers: auth });
      return run.status === 'running' ? undefined : run;
    });
    expect(done.status).toBe('succeeded');
    expect(done.outputs).toMatchObject({ decision: 'approve', second: 'approve' });
    expect(done.outputs?.reply).not.toBe('not sent');
    expect(done.approvals).toEqual([
      expect.objectContaining({ step: 'review', decision: 'approve', by: 'ada', comment: 'looks right' }),
      expect.objectContaining({ step: 'again', decision: 'approve', by: 'bob', comment: 'go' }),
    ]);
    const reviewSpan = done.trace.find((s) => s.attributes['weft.approval.decision'] !== undefined);
    expect(reviewSpan?.attributes).toMatchObject({ 'weft.approval.by': 'ada' });

    // the journal's events went out over SSE
    const events = await (await fetch(`${base}/events`, { headers: auth })).text();
    expect(events).toMatch(/"type":"approval.requested"/);
    expect(events).toMatch(/"type":"approval.decided".*"decision":"approve"/);
    const refused = await cli.runAsync(['runs', 'reject', started.runId, 'again', '--server', second.url], {
      env: { WEFT_API_KEY: KEY },
    });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/approval_not_waiting/);
  });
});
