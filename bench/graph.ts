// Benchmark: the workflow graph view. Open -> graph drawn for a 10-step and a 1,000-step workflow,
// edit -> redraw on 1,000 steps (a prompt edit: layout reused; a new step: laid out again), and the
// webview bundle's size. The webview's own bundle (extension/out/graph/webview.js, its dagre layout in
// a web worker) runs in headless Chromium; the host side (the check, the model) runs here, as the
// extension host runs it. What is not measured: VS Code's message passing between the extension host
// and the webview (a few ms) and the webview panel's creation.
// Run: npm run bench:graph   (goals: open <= 300 ms / <= 1.5 s, edit -> redraw <= 200 ms)
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { graphHtml } from '../extension/src/graph/html.js';
import { graphModel, stepExtents } from '../extension/src/graph/model.js';
import type { FromWebview, GraphReport, ToWebview } from '../extension/src/graph/protocol.js';
import { checkWorkflow } from '../runtime/src/language/index.js';
import { generateWorkflow } from './lib/generate-workflow.js';
import { fmt, machineLine, median, table } from './lib/report.js';

const repo = fileURLToPath(new URL('..', import.meta.url));
const extension = path.join(repo, 'extension');
const bundle = path.join(extension, 'out', 'graph', 'webview.js');
const RUNS = Number(process.env.GRAPH_BENCH_RUNS ?? 5);

function chromiumPath(): string {
  const env = path.join(repo, '.cache', 'services.env');
  const fromEnv = existsSync(env) ? /^CHROMIUM_BIN=(.*)$/m.exec(readFileSync(env, 'utf8'))?.[1] : undefined;
  return process.env.CHROMIUM_BIN ?? fromEnv?.replace(/^["']|["']$/g, '') ?? '/usr/bin/chromium';
}

/** The host side of one redraw: the check the diagnostics use, then the model. */
function hostModel(text: string) {
  const t0 = performance.now();
  const { definition, diagnostics } = checkWorkflow(text);
  if (!definition) throw new Error('the generated workflow does not check');
  const model = graphModel(definition, diagnostics, stepExtents(text, definition));
  return { model, ms: performance.now() - t0 };
}

async function main() {
  execFileSync(process.execPath, ['esbuild.mjs'], { cwd: extension, stdio: 'inherit' });
  const browser = await chromium.launch({
    executablePath: chromiumPath(),
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run'],
  });
  const rows: (string | number)[][] = [];
  try {
    const page = await browser.newPage({ viewport: { width: 900, height: 800 } });
    page.on('console', (m) => m.type() === 'error' && console.error(`webview: ${m.text()}`));
    page.on('pageerror', (e) => console.error(`webview: ${e.message}`));
    let onReport: ((r: GraphReport) => void) | undefined;
    await page.exposeFunction('__weftFromWebview', (m: FromWebview) => {
      if (m.type === 'rendered') onReport?.(m.report);
      if (m.type === 'error') console.error(m.message);
    });
    // strings, not functions: tsx would wrap functions in helpers the page does not have
    await page.addInitScript({
      content: 'window.acquireVsCodeApi = () => ({ postMessage: (m) => window.__weftFromWebview(m) });',
    });
    await page.route('http://weft.bench/**', (route) =>
      route.request().url().endsWith('webview.js')
        ? route.fulfill({ contentType: 'text/javascript', body: readFileSync(bundle) })
        : route.fulfill({
            contentType: 'text/html',
            body: graphHtml({
              scriptUri: 'http://weft.bench/webview.js',
              cspSource: 'http://weft.bench',
              nonce: 'bench',
              title: 'bench',
            }),
          }),
    );

    /** Open (a new page each time) or edit: host model, post, wait for the webview's report. */
    const draw = async (text: string, fresh: boolean) => {
      if (fresh) await page.goto('http://weft.bench/graph.html');
      const t0 = performance.now();
      const { model, ms: hostMs } = hostModel(text);
      const drawn = new Promise<GraphReport>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error('the webview did not report a drawing in 60 s')),
          60_000,
        );
        onReport = (r) => {
          clearTimeout(timer);
          resolve(r);
        };
      });
      const message: ToWebview = { type: 'model', model, sentAt: t0 };
      await page.evaluate(`window.postMessage(${JSON.stringify(message)}, '*')`);
      const report = await drawn;
      return { total: performance.now() - t0, hostMs, report };
    };

    for (const steps of [10, 1000]) {
      const text = generateWorkflow(steps);
      await draw(text, true); // warm-up: the page's first load
      const samples = [];
      for (let i = 0; i < RUNS; i++) samples.push(await draw(text, true));
      const nodes = samples[0]!.report.nodes.length;
      const goal = steps <= 10 ? 300 : 1500;
      const total = median(samples.map((s) => s.total));
      rows.push([
        `open -> graph drawn, ${steps} steps (${nodes} nodes)`,
        fmt(median(samples.map((s) => s.hostMs))),
        fmt(median(samples.map((s) => s.report.layoutMs))),
        fmt(median(samples.map((s) => s.report.renderMs))),
        fmt(total),
        `${goal} ms: ${total <= goal ? 'met' : 'NOT met'}`,
      ]);
    }

    const big = generateWorkflow(1000);
    await draw(big, true);
    const promptEdits = [];
    for (let i = 0; i < RUNS; i++)
      promptEdits.push(await draw(big.replace('Step 500:', `Step 500 (edit ${i}):`), false));
    const reused = promptEdits.every((s) => s.report.layoutReused);
    const edit = median(promptEdits.map((s) => s.total));
    rows.push([
      `edit -> redraw, 1,000 steps, a prompt (layout ${reused ? 'reused' : 'redone'})`,
      fmt(median(promptEdits.map((s) => s.hostMs))),
      fmt(median(promptEdits.map((s) => s.report.layoutMs))),
      fmt(median(promptEdits.map((s) => s.report.renderMs))),
      fmt(edit),
      `200 ms: ${edit <= 200 ? 'met' : 'NOT met'}`,
    ]);
    const structural = [];
    for (let i = 0; i < Math.min(RUNS, 3); i++) {
      const added = `${big}  - id: extra${i}\n    kind: llm\n    model: fast\n    prompt: "\${{ steps.s998.output.text }}"\n`;
      structural.push(await draw(added, false));
    }
    const redo = median(structural.map((s) => s.total));
    rows.push([
      'edit -> redraw, 1,000 steps, a new step (layout redone)',
      fmt(median(structural.map((s) => s.hostMs))),
      fmt(median(structural.map((s) => s.report.layoutMs))),
      fmt(median(structural.map((s) => s.report.renderMs))),
      fmt(redo),
      `200 ms: ${redo <= 200 ? 'met' : 'NOT met'}`,
    ]);
  } finally {
    await browser.close();
  }

  const bytes = readFileSync(bundle);
  console.log(`\n${machineLine()}\n`);
  console.log(
    `Median of ${RUNS} runs. host = check + model in this process (the extension host's share); layout = dagre in the webview's worker; render = SVG markup into the page.\n`,
  );
  console.log(table(['what', 'host ms', 'layout ms', 'render ms', 'total ms', 'goal'], rows));
  console.log(
    `\nwebview bundle (extension/out/graph/webview.js, dagre and the layout worker inlined): ${(bytes.length / 1024).toFixed(0)} KiB, ${(gzipSync(bytes).length / 1024).toFixed(0)} KiB gzipped`,
  );
}

await main();
