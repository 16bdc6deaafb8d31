// /ui in real Chromium (playwright-core): the runs list fills live and a run's waterfall shows
// tokens, latency and cost per step and model call. Saves artifacts/ui-waterfall.png.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findService, REPO_ROOT, requireService } from '../../test/support/services.js';
import { type ServeResult, startServe } from '../cli/commands/serve.js';
import { type TempDir, tempDir } from './test-support.js';

const missing = requireService('chromium'); // throws under CI=true when Chromium is missing

const PIPELINE = `name: triage
description: Classify, then draft a reply (offline mock model).
inputs:
  message: { type: string }
outputs:
  reply: { type: string, value: "\${{ steps.reply.output.text }}" }
models:
  fast:
    provider: mock
    model: mock-small
    pricing: { input_per_million: 0.15, output_per_million: 0.6 }
  strong:
    provider: mock
    model: mock-large
    pricing: { input_per_million: 3, output_per_million: 15 }
steps:
  - id: classify
    kind: llm
    model: fast
    prompt: "Classify: \${{ inputs.message }}"
    output_schema:
      type: object
      properties: { category: { type: string, enum: [sales, support] } }
      required: [category]
  - id: reply
    kind: llm
    model: strong
    prompt: "Reply to a \${{ steps.classify.output.category }} inquiry: \${{ inputs.message }}"
`;

describe.skipIf(missing)('/ui in Chromium', () => {
  let dir: TempDir;
  let data: TempDir;
  let server: ServeResult;
  beforeAll(async () => {
    dir = tempDir();
    data = tempDir('weft-data-');
    dir.write('triage.yaml', PIPELINE);
    const sink = new Writable({ write: (_c, _e, cb) => cb() });
    server = await startServe(
      { host: '127.0.0.1', port: 0, workflows: dir.path },
      { WEFT_DATA_DIR: data.path },
      sink,
    );
  });
  afterAll(async () => {
    await server?.close();
    dir?.remove();
    data?.remove();
  });

  it('lists runs live and draws the waterfall', async () => {
    const browser = await chromium.launch({
      executablePath: findService('chromium'),
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1400, height: 800 } });
      const consoleErrors: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error') consoleErrors.push(m.text());
      });
      await page.goto(`${server.url}/ui`);
      await page.waitForSelector('#live.on', { timeout: 10_000 });
      // a run started after the page loaded appears through the live stream
      const res = await fetch(`${server.url}/workflows/triage/run`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ message: 'We want 40 seats, what does it cost?' }),
      });
      expect(res.status).toBe(200);
      const { runId } = await res.json();
      await page.waitForSelector(`tr.run[data-run-id="${runId}"] .status.succeeded`, { timeout: 10_000 });
      await page.click(`tr.run[data-run-id="${runId}"]`);
      await page.waitForSelector('#waterfall tr.span.model_call', { timeout: 10_000 });
      const rows = await page.$$eval('#waterfall tbody tr', (trs) =>
        trs.map((tr) => Array.from(tr.querySelectorAll('td')).map((td) => td.textContent ?? '')),
      );
      const calls = rows.filter((r) => r[1] === 'model call');
      expect(calls.map((r) => r[0])).toEqual(['mock-small', 'mock-large']);
      for (const call of calls) {
        expect(call[3]).toMatch(/^\d/); // input tokens
        expect(call[4]).toMatch(/^\d/); // output tokens
        expect(call[5]).toMatch(/^\$/); // cost
        expect(call[2]).toMatch(/ms|s$/); // latency
      }
      const classify = rows.find((r) => (r[0] ?? '').includes('classify'));
      expect(classify?.[1]).toBe('step');
      expect(classify?.[3]).toBe(calls[0]?.[3]); // a step shows the tokens and cost of its model calls
      expect(classify?.[5]).toBe(calls[0]?.[5]);
      const bars = await page.$$eval('#waterfall .bar', (els) =>
        els.map((e) => (e as HTMLElement).style.width),
      );
      expect(bars.length).toBe(rows.length);
      mkdirSync(join(REPO_ROOT, 'artifacts'), { recursive: true });
      await page.screenshot({ path: join(REPO_ROOT, 'artifacts', 'ui-waterfall.png'), fullPage: true });
      expect(consoleErrors, consoleErrors.join('\n')).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 60_000);
});
