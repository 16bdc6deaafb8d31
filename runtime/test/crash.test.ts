// THE crash test: a real child process is killed with SIGKILL while step 2's model call is in
// flight; a new process resumes the run from the journal, and step 1's call is not made again.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunRecord } from '../src/engines/embedded/index.js';
import { type FakeServer, startFakeOpenAI } from '../src/models/testing/fake-openai.js';

const CHILD = fileURLToPath(new URL('./crash-child.ts', import.meta.url));

function prompt(body: { messages?: Array<{ content?: unknown }> }): string {
  return JSON.stringify(body?.messages ?? []);
}

let fake: FakeServer;
let slowCalls = 0;
let dataDir: string;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'weft-crash-'));
  fake = await startFakeOpenAI({
    script: (request) => {
      const text = prompt(request.body);
      if (text.includes('STEP ONE')) return { text: 'first answer' };
      if (text.includes('STEP TWO')) {
        // The first time step two is asked, answer too late: the child is killed before then.
        slowCalls += 1;
        return slowCalls === 1 ? { text: 'too late', delayMs: 60_000 } : { text: 'second answer' };
      }
      return { text: 'third answer' };
    },
  });
});

afterAll(async () => {
  await fake.close();
  await rm(dataDir, { recursive: true, force: true });
});

function child(
  mode: 'start' | 'resume',
  runId: string,
): { proc: ChildProcess; done: Promise<{ code: number | null; stdout: string; stderr: string }> } {
  const proc = spawn(process.execPath, ['--import', 'tsx', CHILD, mode, dataDir, runId, fake.url], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  proc.stdout!.on('data', (d) => {
    stdout += d;
  });
  proc.stderr!.on('data', (d) => {
    stderr += d;
  });
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    proc.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
  return { proc, done };
}

async function waitFor(condition: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('crash and resume (real processes)', () => {
  it('kill -9 during step 2, resume in a new process: finishes, and step 1 is not called again', async () => {
    const runId = 'crash-run';
    const first = child('start', runId);
    await waitFor(
      () => fake.requests.some((r) => prompt(r.body).includes('STEP TWO')),
      'step two to be in flight',
    );
    first.proc.kill('SIGKILL');
    const killed = await first.done;
    expect(killed.code).toBeNull();
    expect(killed.stdout).toBe('');

    const journal = await readFile(join(dataDir, 'runs', runId, 'journal.jsonl'), 'utf8');
    const events = journal
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l).event as { type: string; key?: string });
    expect(events.some((e) => e.type === 'step_completed' && e.key === 'one')).toBe(true);
    expect(events.some((e) => e.type === 'step_started' && e.key === 'two')).toBe(true);
    expect(events.some((e) => e.type === 'step_completed' && e.key === 'two')).toBe(false);

    const second = child('resume', runId);
    const resumed = await second.done;
    expect(resumed.code, resumed.stderr).toBe(0);
    const record = JSON.parse(resumed.stdout) as RunRecord;
    expect(record.status).toBe('succeeded');
    expect(record.outputs).toEqual({ final: 'third answer' });

    const calls = fake.requests.map((r) => prompt(r.body));
    expect(calls.filter((c) => c.includes('STEP ONE'))).toHaveLength(1);
    expect(calls.filter((c) => c.includes('STEP TWO'))).toHaveLength(2);
    expect(calls.filter((c) => c.includes('STEP THREE'))).toHaveLength(1);
    expect(fake.requests).toHaveLength(4);
    expect(record.steps.find((s) => s.key === 'one')).toMatchObject({ status: 'succeeded', attempts: 1 });
  }, 60_000);
});
