// The local stack from VS Code, in the real extension host, with the real `weft stack` CLI on the
// processes backend (temporal, redis-server, weft serve, weft worker as local processes) on free
// ports: Start Stack -> status bar healthy -> Run Workflow through the stack's server -> a service
// killed shows in the status bar, the `weft: stack up` task repairs it -> Stop Stack -> nothing left.
import * as assert from 'node:assert';
import * as net from 'node:net';
import * as vscode from 'vscode';
import type { RunsSnapshot } from '../../src/runs/controller';
import type { RunRecord } from '../../src/runtime-client/client';
import type { StackStatus } from '../../src/stack/status';
import { activate, metric, screenshot, waitFor, workspaceUri } from './helpers';

interface StackSnapshot {
  state: string;
  overall: string;
  status?: StackStatus;
  operation?: string;
  lastError?: string;
  followingLogs: boolean;
  statusBar: { text: string; tooltip: string; command?: string; background?: string };
}

const stackSnapshot = (refresh = true) =>
  vscode.commands.executeCommand<StackSnapshot>('weft.internal.stackSnapshot', { refresh });
const runsSnapshot = () => vscode.commands.executeCommand<RunsSnapshot>('weft.internal.runsSnapshot');

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const pidsOf = (status: StackStatus | undefined) =>
  (status?.services ?? []).flatMap((s) => {
    const m = /\bpid (\d+)/.exec(s.detail ?? '');
    return m ? [{ service: s.name, pid: Number(m[1]) }] : [];
  });

async function update(key: string, value: unknown): Promise<void> {
  await vscode.workspace.getConfiguration('weft').update(key, value, vscode.ConfigurationTarget.Workspace);
}

describe('Weft stack from VS Code (processes backend)', function () {
  this.timeout(240_000);
  const ports = { weft: 0, temporal: 0, temporalUi: 0, redis: 0 };
  const seenPids = new Map<number, string>();
  const remember = (status: StackStatus | undefined) => {
    for (const { service, pid } of pidsOf(status)) seenPids.set(pid, service);
  };

  before(async () => {
    await activate();
    for (const key of Object.keys(ports) as Array<keyof typeof ports>) ports[key] = await freePort();
    await update('runtimeUrl', undefined);
    await update('stack.backend', 'processes');
    await update('stack.weftPort', ports.weft);
    await update('stack.temporalPort', ports.temporal);
    await update('stack.temporalUiPort', ports.temporalUi);
    await update('stack.redisPort', ports.redis);
    await update('stack.timeoutSeconds', 120);
  });

  after(async () => {
    // whatever happened above, leave nothing running
    const snap = await Promise.resolve(stackSnapshot()).catch(() => undefined);
    if (snap && snap.overall !== 'stopped') await vscode.commands.executeCommand('weft.stack.stop');
    for (const pid of seenPids.keys()) if (alive(pid)) process.kill(pid, 'SIGKILL');
    for (const key of [
      'stack.backend',
      'stack.weftPort',
      'stack.temporalPort',
      'stack.temporalUiPort',
      'stack.redisPort',
      'stack.timeoutSeconds',
    ])
      await update(key, undefined);
  });

  it('Start Stack on a taken port fails saying which port, who holds it and what to do; nothing is left', async () => {
    // a program that holds the port and answers nothing (its connections closed at the end)
    const sockets = new Set<net.Socket>();
    const holder = net.createServer((socket) => {
      sockets.add(socket);
      socket.on('error', () => {}).on('close', () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => holder.listen(ports.weft, '127.0.0.1', resolve));
    try {
      const ok = await vscode.commands.executeCommand<boolean>('weft.stack.start');
      assert.strictEqual(ok, false);
      const snap = await stackSnapshot();
      assert.match(
        snap.lastError ?? '',
        new RegExp(`port ${ports.weft} \\(weft serve\\) is already in use by pid ${process.pid}`),
      );
      assert.match(snap.lastError ?? '', /\nfix: stop that program/);
      assert.strictEqual(snap.overall, 'stopped');
      assert.strictEqual(snap.statusBar.text, '$(error) Weft stack: failed');
      assert.strictEqual(snap.statusBar.background, 'statusBarItem.errorBackground');
      assert.match(snap.statusBar.tooltip, /Last error: port/);
      for (const port of [ports.temporal, ports.temporalUi, ports.redis])
        assert.ok(!(await answers(port)), `port ${port} answers after a failed start`);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => holder.close(() => resolve()));
    }
  });

  it('Start Stack brings every service up; the status bar says healthy, per service in its tooltip', async () => {
    const t0 = Date.now();
    const ok = await vscode.commands.executeCommand<boolean>('weft.stack.start');
    metric('stackStartMs', Date.now() - t0);
    const snap = await stackSnapshot();
    remember(snap.status);
    assert.ok(ok, `Start Stack failed: ${snap.lastError}`);
    assert.strictEqual(snap.overall, 'healthy', JSON.stringify(snap.status));
    assert.strictEqual(snap.status?.backend, 'processes');
    assert.deepStrictEqual(snap.status?.services.map((s) => s.name).sort(), [
      'redis',
      'temporal',
      'weft',
      'worker',
    ]);
    assert.strictEqual(
      snap.status?.services.find((s) => s.name === 'weft')?.url,
      `http://127.0.0.1:${ports.weft}`,
    );
    assert.strictEqual(snap.statusBar.text, '$(check) Weft stack');
    assert.strictEqual(snap.statusBar.command, 'weft.stack.actions');
    for (const name of ['weft', 'worker', 'temporal', 'redis'])
      assert.match(snap.statusBar.tooltip, new RegExp(`\\*\\*${name}\\*\\* healthy`));
    assert.match(snap.statusBar.tooltip, /processes backend/);
    assert.strictEqual(pidsOf(snap.status).length, 4, 'a pid per service');
    for (const { port } of [{ port: ports.weft }, { port: ports.temporal }, { port: ports.redis }])
      assert.ok(await answers(port), `nothing answers on ${port}`);
    await waitFor(
      'the stack logs in the Weft Stack channel',
      async () => (await stackSnapshot(false)).followingLogs,
    );
    await vscode.commands.executeCommand('weft.stack.showLogs');
    await screenshot('weft-stack-healthy', 1500);
  });

  it('Run Workflow goes through the stack server (no local weft serve of its own)', async () => {
    const stackUrl = `http://127.0.0.1:${ports.weft}`;
    await waitFor(
      'the Runs view on the stack',
      async () => (await runsSnapshot()).runtimeUrl === stackUrl || undefined,
    );
    const t0 = Date.now();
    const run = await vscode.commands.executeCommand<RunRecord | undefined>('weft.runWorkflow', {
      uri: workspaceUri('hello', 'workflow.yaml'),
      inputs: { topic: 'stacks' },
    });
    metric('stackRunWorkflowMs', Date.now() - t0);
    assert.ok(run, 'Run Workflow returned no run (see the Weft output channel)');
    assert.strictEqual(run.status, 'succeeded', JSON.stringify(run.error));
    const snap = await runsSnapshot();
    assert.strictEqual(snap.runtimeUrl, stackUrl);
    // the stack's server has the run (served by the stack's weft, executed by its worker on Temporal)
    const res = await fetch(`${stackUrl}/runs/${encodeURIComponent(run.runId)}`);
    assert.strictEqual(res.status, 200);
    const record = (await res.json()) as RunRecord;
    assert.strictEqual(record.status, 'succeeded');
    assert.strictEqual(record.workflow, 'hello');
  });

  it('Open Temporal UI opens the stack’s Temporal web UI', async () => {
    const url = await vscode.commands.executeCommand<string | undefined>('weft.stack.openTemporalUi');
    assert.ok(url, 'no URL opened');
    // asExternalUri: the port itself, or (VS Code server, Codespaces) its forwarded address
    assert.match(url, new RegExp(`(:${ports.temporalUi}\\b|/proxy/${ports.temporalUi}/)`));
    const res = await fetch(`http://127.0.0.1:${ports.temporalUi}/`);
    assert.strictEqual(res.status, 200);
  });

  it('a killed service shows in the status bar; the `weft: stack up` task repairs it and ends when healthy', async () => {
    const tasks = await vscode.tasks.fetchTasks({ type: 'weft' });
    assert.deepStrictEqual(tasks.map((t) => t.name).sort(), ['stack down', 'stack restart', 'stack up']);

    const redis = pidsOf((await stackSnapshot()).status).find((p) => p.service === 'redis');
    assert.ok(redis, 'no redis pid in the status');
    process.kill(redis.pid, 'SIGKILL');
    const degraded = await waitFor(
      'the status bar to show redis down',
      async () => {
        const s = await stackSnapshot();
        return s.overall === 'degraded' ? s : undefined;
      },
      30_000,
      500,
    );
    // weft's /ready needs Redis too, so it may be named with it
    assert.match(degraded.statusBar.text, /^\$\(warning\) Weft stack: (.+, )?redis(, .+)? (is|are) down$/);
    assert.strictEqual(degraded.statusBar.background, 'statusBarItem.warningBackground');
    await screenshot('weft-stack-degraded');

    const up = tasks.find((t) => t.name === 'stack up')!;
    const ended = new Promise<void>((resolve) => {
      const sub = vscode.tasks.onDidEndTask((e) => {
        if (e.execution.task.name === 'stack up') {
          sub.dispose();
          resolve();
        }
      });
    });
    const t0 = Date.now();
    await vscode.tasks.executeTask(up);
    await ended;
    metric('stackTaskRepairMs', Date.now() - t0);
    // the task ends only once the CLI's health probes pass: healthy at once, no waiting here
    const snap = await stackSnapshot();
    remember(snap.status);
    assert.strictEqual(snap.overall, 'healthy', `${JSON.stringify(snap.status)} ${snap.lastError ?? ''}`);
    assert.strictEqual(snap.statusBar.text, '$(check) Weft stack');
    assert.ok(await answers(ports.redis));
  });

  it('Stop Stack stops every process and frees every port', async () => {
    const before = await stackSnapshot();
    remember(before.status);
    const ok = await vscode.commands.executeCommand<boolean>('weft.stack.stop');
    const snap = await stackSnapshot();
    assert.ok(ok, `Stop Stack failed: ${snap.lastError}`);
    assert.strictEqual(snap.overall, 'stopped', JSON.stringify(snap.status));
    assert.strictEqual(snap.statusBar.text, '$(circle-outline) Weft stack: stopped');
    assert.ok(!snap.followingLogs, 'still following the logs');
    for (const [pid, service] of seenPids) assert.ok(!alive(pid), `${service} (pid ${pid}) still runs`);
    for (const [name, port] of Object.entries(ports))
      assert.ok(!(await answers(port)), `${name} port ${port} still answers`);
    // the Runs view no longer points at the stack
    const runs = await runsSnapshot();
    assert.notStrictEqual(runs.runtimeUrl, `http://127.0.0.1:${ports.weft}`);
  });
});
