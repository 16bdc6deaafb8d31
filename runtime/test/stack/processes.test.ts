// The processes backend end to end with the real binaries (redis-server, temporal, weft serve/worker).
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAlive, type PidRecord, readPidFile } from '../../src/stack/pids.js';
import { type BuiltCli, buildCli } from '../support/cli.js';
import { findService, skipWithout } from '../support/services.js';
import { freePorts, parseStatus, portArgs, runScenario, sampleWorkspace } from './scenario.js';

const skip = skipWithout('redis', 'temporal');

describe.skipIf(skip)('weft stack: processes backend', () => {
  let cli: BuiltCli;
  let cwd: string;
  const env = () => ({
    TEMPORAL_BIN: findService('temporal'),
    REDIS_SERVER_BIN: findService('redis'),
    WEFT_STACK_BACKEND: '',
  });

  beforeAll(async () => {
    cli = await buildCli('stack-processes');
    cwd = sampleWorkspace();
  });
  afterAll(async () => {
    // safety net: a failed test must not leave daemons behind
    await cli.runAsync(['stack', 'down'], { cwd, env: env() });
    cli.remove();
    rmSync(cwd, { recursive: true, force: true });
  });

  it('up -> a run on Temporal with its record in Redis -> kill -9 -> status -> up repairs -> down', async () => {
    const ports = await freePorts();
    const pidFile = (service: string) => join(cwd, '.weft/stack/pids', `${service}.pid`);
    const recorded: PidRecord[] = [];
    await runScenario({
      cli,
      cwd,
      env: env(),
      ports,
      backendArgs: ['--backend', 'processes'],
      async whileUp() {
        // auto, from another folder: a healthy stack on the ports is attached to, nothing started
        const other = sampleWorkspace();
        try {
          const attach = await cli.runAsync(['stack', 'up', '--json', ...portArgs(ports)], {
            cwd: other,
            env: env(),
          });
          expect(attach.code, attach.stderr).toBe(0);
          expect(attach.stderr).toMatch(
            /backend: external \(a healthy stack already answers on ports .*: attaching to it, starting nothing\)/,
          );
          expect(parseStatus(attach).backend).toBe('external');
          expect(existsSync(join(other, '.weft/stack/pids'))).toBe(false);
          const status = await cli.runAsync(['stack', 'status', '--json', ...portArgs(ports)], {
            cwd: other,
            env: env(),
          });
          expect(parseStatus(status).backend).toBe('external');
        } finally {
          rmSync(other, { recursive: true, force: true });
        }
      },
      async kill(service) {
        const record = readPidFile(pidFile(service));
        if (!record) throw new Error(`no pid file for ${service}`);
        for (const name of ['redis', 'temporal', 'weft', 'worker']) {
          const r = readPidFile(pidFile(name));
          if (r) recorded.push(r);
        }
        process.kill(record.pid, 'SIGKILL');
        while (isAlive(record)) await new Promise((r) => setTimeout(r, 20));
      },
      async nothingLeft() {
        const after = ['redis', 'temporal', 'weft', 'worker'].map((s) => readPidFile(pidFile(s)));
        expect(after.every((r) => r === undefined)).toBe(true);
        for (const record of recorded) expect(isAlive(record), record.command).toBe(false);
        expect(readFileSync(join(cwd, '.weft/stack/logs/worker.log'), 'utf8')).toMatch(/worker ready/);
      },
    });
  }, 600_000);
});
