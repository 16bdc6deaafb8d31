// The stack scenario every backend must pass, through the real `weft stack` CLI:
// up -> all healthy -> a sample runs on Temporal through the stack's server, its record in Redis ->
// kill -9 one service -> status reports it -> up repairs it -> down -> nothing left behind.
import { chmodSync, copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { Redis } from 'ioredis';
import { expect } from 'vitest';
import type { StackStatus } from '../../src/stack/index.js';
import { portFree } from '../../src/stack/ports.js';
import type { BuiltCli, CliResult } from '../support/cli.js';
import { findFreePort, REPO_ROOT } from '../support/services.js';

export interface StackPorts {
  weft: number;
  temporal: number;
  temporalUi: number;
  redis: number;
}

export async function freePorts(): Promise<StackPorts> {
  const taken = new Set<number>();
  const next = async () => {
    let port = await findFreePort();
    while (taken.has(port)) port = await findFreePort();
    taken.add(port);
    return port;
  };
  return { weft: await next(), temporal: await next(), temporalUi: await next(), redis: await next() };
}

export const portArgs = (p: StackPorts) => [
  '--weft-port',
  String(p.weft),
  '--temporal-port',
  String(p.temporal),
  '--temporal-ui-port',
  String(p.temporalUi),
  '--redis-port',
  String(p.redis),
];

/** A workspace folder holding the sales-inquiry sample as workflow.yaml. */
export function sampleWorkspace(): string {
  const dir = mkdtempSync(join(tmpdir(), 'weft-stack-'));
  chmodSync(dir, 0o755); // readable by the containers' non-root user, as a workspace folder usually is
  copyFileSync(join(REPO_ROOT, 'samples/sales-inquiry/workflow.yaml'), join(dir, 'workflow.yaml'));
  return dir;
}

export function parseStatus(result: CliResult): StackStatus {
  const line = result.stdout.trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(line) as StackStatus;
  } catch {
    throw new Error(`no JSON status on stdout (exit ${result.code}):\n${result.stdout}\n${result.stderr}`);
  }
}

export const stateOf = (status: StackStatus, name: string) =>
  status.services.find((s) => s.name === name)?.state;

/** POSTs the sample to the stack's server and checks the run went through Temporal and Redis. */
export async function runSampleThroughStack(ports: StackPorts): Promise<string> {
  const response = await fetch(`http://127.0.0.1:${ports.weft}/workflows/sales-inquiry/run`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ message: 'We would like 40 seats for our sales team. What does it cost?' }),
  });
  const body = (await response.json()) as { runId: string; status: string };
  expect(response.status, JSON.stringify(body)).toBe(200);
  expect(body.status).toBe('succeeded');

  const connection = await Connection.connect({ address: `127.0.0.1:${ports.temporal}` });
  try {
    const described = await new Client({ connection }).workflow.getHandle(body.runId).describe();
    expect(described.status.name).toBe('COMPLETED');
    expect(described.taskQueue).toBe('weft');
  } finally {
    await connection.close();
  }

  const redis = new Redis({ host: '127.0.0.1', port: ports.redis, lazyConnect: true });
  try {
    await redis.connect();
    const record = JSON.parse((await redis.get(`weft:run:${body.runId}`)) ?? 'null') as {
      status?: string;
    } | null;
    expect(record?.status).toBe('succeeded');
  } finally {
    redis.disconnect();
  }
  return body.runId;
}

export async function expectPortsFree(ports: StackPorts): Promise<void> {
  for (const [name, port] of Object.entries(ports)) {
    expect(await portFree(port), `${name} port ${port} still taken`).toBe(true);
  }
}

export interface ScenarioHooks {
  cli: BuiltCli;
  cwd: string;
  env: NodeJS.ProcessEnv;
  ports: StackPorts;
  backendArgs: string[];
  /** kill -9 the given service (its process or container) */
  kill(service: 'worker'): Promise<void>;
  /** while the stack is up and healthy */
  whileUp?(): Promise<void>;
  /** after down: assert no process/container of this stack is left */
  nothingLeft(): Promise<void>;
}

export async function runScenario(h: ScenarioHooks): Promise<void> {
  const cli = (args: string[]) => h.cli.runAsync(args, { cwd: h.cwd, env: h.env });
  const up = await cli(['stack', 'up', ...h.backendArgs, ...portArgs(h.ports), '--json', '--timeout', '180']);
  expect(up.code, up.stderr).toBe(0);
  const upStatus = parseStatus(up);
  expect(upStatus.services.map((s) => [s.name, s.state])).toEqual([
    ['redis', 'healthy'],
    ['temporal', 'healthy'],
    ['weft', 'healthy'],
    ['worker', 'healthy'],
  ]);
  expect(up.stderr).toMatch(/backend: \w+ \(/);

  await runSampleThroughStack(h.ports);
  await h.whileUp?.();

  await h.kill('worker');
  const broken = await cli(['stack', 'status', '--json']);
  expect(broken.code, broken.stderr).toBe(1);
  expect(stateOf(parseStatus(broken), 'worker')).not.toBe('healthy');
  expect(stateOf(parseStatus(broken), 'weft')).toBe('healthy');

  const repaired = await cli(['stack', 'up', '--json', '--timeout', '180']);
  expect(repaired.code, repaired.stderr).toBe(0);
  expect(parseStatus(repaired).services.every((s) => s.state === 'healthy')).toBe(true);
  const healthy = await cli(['stack', 'status', '--json']);
  expect(healthy.code, healthy.stdout).toBe(0);
  await runSampleThroughStack(h.ports);

  const down = await cli(['stack', 'down']);
  expect(down.code, down.stderr).toBe(0);
  await h.nothingLeft();
  await expectPortsFree(h.ports);
  const after = await cli(['stack', 'status', '--json']);
  expect(after.code).toBe(1);
  expect(parseStatus(after).backend).toBe('none');
}
