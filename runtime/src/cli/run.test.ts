import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BuiltCli, buildCli } from '../../test/support/cli.js';
import { REPO_ROOT } from '../../test/support/services.js';

let cli: BuiltCli;
let dataDir: string;
const sample = (name: string) => path.join(REPO_ROOT, 'samples', name, 'workflow.yaml');
const weft = (...args: string[]) => cli.runAsync(args, { cwd: dataDir, env: { WEFT_DATA_DIR: dataDir } });

beforeAll(async () => {
  cli = await buildCli('cli-run');
  dataDir = mkdtempSync(path.join(tmpdir(), 'weft-run-'));
});

afterAll(() => {
  cli.remove();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('weft run', () => {
  it('runs the sales sample offline: progress on stderr, the record on stdout, exit 0', async () => {
    const r = await weft(
      'run',
      sample('sales-inquiry'),
      '--input',
      'message=We want to buy 40 seats, sales please',
      '--json',
    );
    expect(r.code).toBe(0);
    const record = JSON.parse(r.stdout);
    expect(record).toMatchObject({ status: 'succeeded', outputs: { category: 'sales' } });
    expect(record.outputs.reply).toContain('sales reply');
    expect(record.usage.totalTokens).toBeGreaterThan(0);
    expect(record.runId).toMatch(/\S+/);
    expect(r.stderr).toMatch(/classify .*tokens/);
    expect(r.stderr).toMatch(/general_reply +skipped: its branch was not taken/);
    expect(r.stderr).toContain('✓ succeeded');
  });

  it('routes to the catch-all when the message is not about sales', async () => {
    const r = await weft(
      'run',
      sample('sales-inquiry'),
      '-i',
      'message=My invoice page shows an error (support)',
      '--json',
    );
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).outputs.category).toBe('support');
    expect(r.stderr).toContain('chose otherwise');
  });

  it('runs the research sample (map + parallel) with its default inputs', async () => {
    const r = await weft('run', sample('research'), '--json');
    expect(r.code).toBe(0);
    const { outputs } = JSON.parse(r.stdout);
    expect(outputs.summaries).toBe(3);
    expect(outputs.report).toContain('Merge into one report');
    expect(r.stderr).toContain('summarize[2]');
  });

  it('runs the debate sample and keeps Elo ratings across runs (weft ratings)', async () => {
    const first = await weft(
      'run',
      sample('debate'),
      '-i',
      'question=Is durable execution worth it?',
      '--json',
    );
    expect(first.code).toBe(0);
    const winner = JSON.parse(first.stdout).outputs.winner;
    expect(['optimist', 'skeptic']).toContain(winner);
    await weft('run', sample('debate'), '-i', 'question=Is durable execution worth it?');
    const ratings = await weft('ratings', '--json');
    const all = JSON.parse(ratings.stdout) as Record<string, Record<string, number>>;
    const [namespace] = Object.values(all);
    expect(namespace).toBeDefined();
    // Two wins for the same side move it further from 1500 than one would.
    expect(Math.abs(namespace![winner]! - 1500)).toBeGreaterThan(
      Math.abs(JSON.parse(first.stdout).outputs.ratings[winner] - 1500),
    );
  });

  it('calls an HTTP tool served on 127.0.0.1', async () => {
    const server: Server = createServer((req, res) => {
      const city = new URL(req.url ?? '/', 'http://x').searchParams.get('city');
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ city, temperature_c: 21.5, conditions: 'sunny' }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const r = await weft(
        'run',
        sample('http-tool'),
        '-i',
        'city=Lisbon',
        '-i',
        `weather_url=${url}`,
        '--json',
      );
      expect(r.code).toBe(0);
      const { outputs } = JSON.parse(r.stdout);
      expect(outputs.temperature).toBe(21.5);
      expect(outputs.forecast).toContain('21.5 C and sunny in Lisbon');
    } finally {
      server.close();
    }
  });

  it('exits 1 with no_branch_matched naming the decision step', async () => {
    const file = path.join(dataDir, 'nomatch.workflow.yaml');
    writeFileSync(
      file,
      [
        'name: nomatch',
        'models: { m: { provider: mock, model: m } }',
        'steps:',
        '  - { id: pick, kind: decision, branches: [{ when: "1 == 2", then: [never] }] }',
        '  - { id: never, kind: llm, model: m, prompt: hi }',
        '',
      ].join('\n'),
    );
    const r = await weft('run', file, '--json');
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({
      status: 'failed',
      error: { code: 'no_branch_matched', step: 'pick' },
    });
  });

  it('exits 1 with budget_exceeded and records the usage', async () => {
    const file = path.join(dataDir, 'budget.workflow.yaml');
    writeFileSync(
      file,
      [
        'name: budget',
        'models: { m: { provider: mock, model: m } }',
        'budget: { max_tokens: 30 }',
        'steps:',
        '  - { id: a, kind: llm, model: m, prompt: "a fairly long prompt that costs tokens to send to the model" }',
        '  - { id: b, kind: llm, model: m, needs: [a], prompt: "another long prompt that costs tokens again and again" }',
        '',
      ].join('\n'),
    );
    const r = await weft('run', file, '--json');
    expect(r.code).toBe(1);
    const record = JSON.parse(r.stdout);
    expect(record.error.code).toBe('budget_exceeded');
    // refused before the call: the first prompt alone does not fit 30 tokens, so nothing was spent
    expect(record.usage.totalTokens).toBeLessThanOrEqual(30);
    expect(r.stderr).toContain('refused before it was made');
  });

  it('exits 2 on an invalid workflow, with the diagnostics', async () => {
    const file = path.join(dataDir, 'broken.workflow.yaml');
    writeFileSync(file, 'name: broken\nsteps:\n  - { id: a, kind: llm, model: nope, prompt: hi }\n');
    const r = await weft('run', file);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${file}:3:`);
    expect(r.stderr).toContain('unknown-model');
  });

  it('exits 2 on inputs that break the input schema, naming the input', async () => {
    const missing = await weft('run', sample('sales-inquiry'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('input message: is required');
    const unknown = await weft('run', sample('sales-inquiry'), '-i', 'nope=1');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("no input named 'nope'");
  });

  it('lists runs and shows one with its trace tree', async () => {
    const r = await weft('run', sample('sales-inquiry'), '-i', 'message=buy, sales', '--json');
    const { runId } = JSON.parse(r.stdout);
    const list = await weft('runs');
    expect(list.stdout).toContain(runId);
    expect(list.stdout).toMatch(/sales-inquiry +succeeded/);
    const show = await weft('runs', 'show', runId);
    expect(show.code).toBe(0);
    expect(show.stdout).toContain(`run       ${runId}`);
    expect(show.stdout).toMatch(/step classify.*\n.*chat mock-1 .*tokens/);
    const missing = await weft('runs', 'show', 'no-such-run');
    expect(missing.code).toBe(2);
  });
});
