// Every sample under samples/ checks clean and runs to success on the embedded engine, offline
// (mock models; the HTTP tool sample against a local weather server).
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkWorkflow } from '../../language/index.js';
import type { JsonValue } from '../../language/types.js';
import { fileCheckOptions } from '../../workflow-files/resolver.js';
import { EmbeddedEngine } from './index.js';

const SAMPLES = fileURLToPath(new URL('../../../../samples/', import.meta.url));

let weather: Server;
let weatherUrl: string;
let dataDir: string;
beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'weft-samples-'));
  weather = createServer((req, res) => {
    const city = new URL(req.url!, 'http://x').searchParams.get('city');
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ city, temperature_c: 21, conditions: 'sunny' }));
  });
  await new Promise<void>((resolve) => weather.listen(0, '127.0.0.1', resolve));
  weatherUrl = `http://127.0.0.1:${(weather.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => weather.close(() => resolve()));
  await rm(dataDir, { recursive: true, force: true });
});

const inputs: Record<string, () => Record<string, JsonValue>> = {
  'sales-inquiry': () => ({ message: 'We would like to buy 40 seats for our sales team.' }),
  debate: () => ({ question: 'Should tests hit real services?' }),
  research: () => ({}),
  'http-tool': () => ({ city: 'Lisbon', weather_url: weatherUrl }),
  // waits for a person: the test approves like one (through the engine, as the server route does)
  approval: () => ({}),
  'sub-workflow': () => ({ topic: 'durable execution' }),
};

describe('samples on the embedded engine', () => {
  it.each(Object.keys(inputs))('%s runs to success', async (name) => {
    const file = join(SAMPLES, name, 'workflow.yaml');
    const { definition, diagnostics } = checkWorkflow(readFileSync(file, 'utf8'), fileCheckOptions(file));
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const engine = new EmbeddedEngine({ dataDir, env: {} });
    const handle = engine.start(definition!, inputs[name]!());
    handle.onEvent((event) => {
      if (event.type === 'approval_requested')
        void engine.decideApproval(handle.runId, event.key, { decision: 'approve', by: 'samples test' });
    });
    const record = await handle.result;
    expect(record.error).toBeUndefined();
    expect(record.status).toBe('succeeded');
    if (name === 'approval')
      expect(record.outputs).toMatchObject({ decision: 'approve', decided_by: 'samples test' });
    if (name === 'http-tool') expect(record.outputs?.temperature).toBe(21);
    if (name === 'research') expect(record.outputs?.summaries).toBe(3);
    if (name === 'sub-workflow') {
      // The child's output reached the parent (its mock reply quotes the prompt, with the parent's input).
      expect(record.outputs?.summary).toContain('Summarize in 2 sentences');
      expect(record.usage.totalTokens).toBeGreaterThan(record.steps.length);
    }
    if (name === 'debate') {
      // The winner and the ratings come from one verdict: the winner holds the top rating.
      const { winner, ratings } = record.outputs as { winner: string; ratings: Record<string, number> };
      expect(Math.max(...Object.values(ratings))).toBe(ratings[winner]);
      expect(ratings[winner]).toBeGreaterThan(1500);
    }
  });
});
