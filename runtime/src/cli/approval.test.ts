// `weft run` without a terminal leaves a run that reaches an approval step waiting (exit 1, how to
// decide on stderr); `weft runs approve` on the data directory resumes it with the decision.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BuiltCli, buildCli } from '../../test/support/cli.js';
import { REPO_ROOT } from '../../test/support/services.js';

let cli: BuiltCli;
let dataDir: string;
const sample = path.join(REPO_ROOT, 'samples', 'approval', 'workflow.yaml');
// the data directory, whatever TEMPORAL_ADDRESS the environment has
const weft = (...args: string[]) =>
  cli.runAsync(args, { cwd: dataDir, env: { WEFT_DATA_DIR: dataDir, TEMPORAL_ADDRESS: '' } });

beforeAll(async () => {
  cli = await buildCli('cli-approval');
  dataDir = mkdtempSync(path.join(tmpdir(), 'weft-approval-cli-'));
});
afterAll(() => {
  cli.remove();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('weft run / weft runs approve|reject on the data directory', () => {
  it('leaves the run waiting without a terminal, then approve resumes it to success', async () => {
    const run = await weft('run', sample, '--json');
    expect(run.code).toBe(1);
    const { runId, status } = JSON.parse(run.stdout) as { runId: string; status: string };
    expect(status).toBe('running');
    expect(run.stderr).toContain(`weft runs approve ${runId} review`);

    const shown = await weft('runs', 'show', runId);
    expect(shown.stdout).toMatch(
      /approval {2}review: waiting \(approve \| reject; reject at .*\): Send this reply\?/,
    );

    const wrong = await weft('runs', 'approve', runId, 'review', '--decision', 'maybe');
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/allowed: approve, reject/);

    const approved = await weft(
      'runs',
      'approve',
      runId,
      'review',
      '--by',
      'ada',
      '--comment',
      'ok',
      '--json',
    );
    expect(approved.stderr).toMatch(/review of run .*: approve by ada/);
    expect(approved.code).toBe(0);
    expect(JSON.parse(approved.stdout)).toMatchObject({
      status: 'succeeded',
      outputs: { decision: 'approve', decided_by: 'ada' },
    });
    const again = await weft('runs', 'reject', runId, 'review');
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already decided \(approve by ada/);
  });

  it('reject holds the reply', async () => {
    const run = await weft('run', sample, '--json');
    const { runId } = JSON.parse(run.stdout) as { runId: string };
    const rejected = await weft('runs', 'reject', runId, 'review', '--json');
    expect(rejected.code).toBe(0);
    expect(JSON.parse(rejected.stdout)).toMatchObject({ outputs: { decision: 'reject', sent: 'held' } });
  });
});
