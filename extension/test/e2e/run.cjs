#!/usr/bin/env node
'use strict';
// Runs the extension's e2e tests (out/test/index.js, mocha) inside the real Node extension host of
// the VS Code server that the npm package code-server carries, with a headless Debian Chromium
// (playwright-core) as the workbench client. Adapted from /work/shared/reference/vscode-host.
//
// usage: node test/e2e/run.cjs [--timeout SEC] [--grep PATTERN]
// Finds the server and Chromium through .cache/services.env (scripts/provision.sh) or
// WEFT_CODE_SERVER_MAIN / CHROMIUM_BIN. Missing: a failure when CI=true, a loud skip otherwise.
// exit: 0 pass, 1 test failures or missing components under CI, 3 timeout, 4 runner error.
// Artefacts (logs, timings.json, results.json) go to artifacts/e2e/, screenshots to artifacts/.
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const extDir = path.resolve(__dirname, '..', '..');
const repo = path.resolve(extDir, '..');
const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : def;
};
const timeoutSec = Number(arg('timeout', '240'));

function servicesEnv() {
  const file = path.join(repo, '.cache', 'services.env');
  const env = {};
  if (fs.existsSync(file)) {
    for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
      const m = /^([A-Z_]+)=(.*)$/.exec(line.trim());
      if (m) env[m[1]] = m[2];
    }
  }
  return env;
}
const services = servicesEnv();
const serverMain =
  process.env.WEFT_CODE_SERVER_MAIN ||
  services.CODE_SERVER_SERVER_MAIN ||
  path.join(repo, '.cache/code-server/node_modules/code-server/lib/vscode/out/server-main.js');
const chromiumPath = process.env.CHROMIUM_BIN || services.CHROMIUM_BIN || '/usr/bin/chromium';
const testsPath = path.join(extDir, 'out', 'test', 'index.js');

const missing = [];
if (!fs.existsSync(serverMain)) missing.push(`VS Code server (code-server 4.100.3) at ${serverMain}`);
if (!fs.existsSync(chromiumPath)) missing.push(`Chromium at ${chromiumPath}`);
try {
  require.resolve('playwright-core');
} catch {
  missing.push('playwright-core (npm install)');
}
if (missing.length) {
  const msg = `e2e: missing ${missing.join('; ')}. Run: bash scripts/provision.sh`;
  if (process.env.CI === 'true') {
    console.error(`FAIL ${msg}`);
    process.exit(1);
  }
  console.error(`SKIPPED (not CI) ${msg}`);
  process.exit(0);
}
if (!fs.existsSync(testsPath)) {
  console.error(`no ${testsPath}: build first (node esbuild.mjs --tests)`);
  process.exit(4);
}

const artifacts = path.join(repo, 'artifacts');
const outDir = path.join(artifacts, 'e2e');
const T0 = Date.now();
const stamp = (msg) => console.log(`[e2e +${((Date.now() - T0) / 1000).toFixed(2)}s] ${msg}`);
const timings = {};

async function main() {
  fs.rmSync(outDir, { recursive: true, force: true });
  fs.mkdirSync(outDir, { recursive: true });
  // the runs tests start the runtime's built CLI (runtime/bin/weft.js -> runtime/dist/cli.js), as the
  // extension finds it: build it from the current sources first (esbuild, about a second)
  require('node:child_process').execFileSync(process.execPath, ['build.mjs'], {
    cwd: path.join(repo, 'runtime'),
    stdio: 'inherit',
  });
  timings.runtimeBuilt = (Date.now() - T0) / 1000;
  stamp('runtime/dist/cli.js built');
  // a throwaway workspace: the fixtures, copied, so tests may edit and save
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'weft-e2e-'));
  const workspace = path.join(scratch, 'workspace');
  fs.cpSync(path.join(extDir, 'test', 'fixtures'), workspace, { recursive: true });
  const shotDir = artifacts;
  const requestDir = path.join(scratch, 'screenshot-requests');
  fs.mkdirSync(requestDir, { recursive: true });

  const userDataDir = path.join(scratch, 'user-data');
  fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  fs.writeFileSync(
    path.join(userDataDir, 'User', 'settings.json'),
    JSON.stringify(
      {
        'extensions.autoCheckUpdates': false,
        'extensions.autoUpdate': false,
        'extensions.ignoreRecommendations': true,
        'workbench.startupEditor': 'none',
        'telemetry.telemetryLevel': 'off',
        'update.mode': 'none',
        'git.enabled': false,
        'workbench.tips.enabled': false,
        'security.workspace.trust.enabled': false,
        'workbench.colorTheme': 'Default Dark Modern',
        'window.commandCenter': false,
        'chat.commandCenter.enabled': false,
      },
      null,
      2,
    ),
  );
  const isolatedHome = {
    XDG_DATA_HOME: path.join(scratch, 'xdg', 'data'),
    XDG_CONFIG_HOME: path.join(scratch, 'xdg', 'config'),
    XDG_CACHE_HOME: path.join(scratch, 'xdg', 'cache'),
  };
  const serverLog = fs.openSync(path.join(outDir, 'server.log'), 'w');
  const resultsFile = path.join(outDir, 'results.json');

  // 1. the bare VS Code server (server-main.js honours the test payload with --enable-smoke-test-driver)
  const child = spawn(
    process.execPath,
    [
      serverMain,
      '--host',
      '127.0.0.1',
      '--port',
      '0',
      '--without-connection-token',
      '--accept-server-license-terms',
      '--enable-smoke-test-driver',
      '--disable-telemetry',
      '--disable-workspace-trust',
      '--server-data-dir',
      path.join(scratch, 'server-data'),
      '--user-data-dir',
      userDataDir,
      '--extensions-dir',
      path.join(scratch, 'extensions'),
    ],
    {
      detached: true, // own process group: we stop exactly what we started
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        ...isolatedHome,
        EXTENSIONS_GALLERY: '{}',
        EXT_TEST_RESULTS: resultsFile,
        WEFT_E2E_SCREENSHOT_REQUESTS: requestDir,
        WEFT_E2E_SCREENSHOTS: shotDir,
        WEFT_E2E_METRICS: path.join(outDir, 'metrics.json'),
        WEFT_E2E_REPO: repo,
        ...(arg('grep') ? { WEFT_E2E_GREP: arg('grep') } : {}),
      },
    },
  );
  let stopped = false;
  const stopServer = () => {
    if (stopped) return;
    stopped = true;
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      // gone
    }
  };
  process.on('exit', stopServer);
  const port = await new Promise((resolve, reject) => {
    let buf = '';
    const onData = (d) => {
      fs.writeSync(serverLog, d);
      buf += d.toString();
      const m = buf.match(
        /Extension host agent listening on (\d+)|HTTP server listening on http:\/\/127\.0\.0\.1:(\d+)/,
      );
      if (m) resolve(Number(m[1] || m[2]));
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (c) => reject(new Error(`VS Code server exited early with ${c}\n${buf}`)));
    setTimeout(() => reject(new Error(`VS Code server did not start in 60s\n${buf}`)), 60000);
  });
  timings.serverListening = (Date.now() - T0) / 1000;
  stamp(`VS Code server pid ${child.pid} listening on 127.0.0.1:${port}`);

  // 2. headless Chromium as the workbench client
  const { chromium } = require('playwright-core');
  const context = await chromium.launchPersistentContext(path.join(scratch, 'chromium-profile'), {
    executablePath: chromiumPath,
    headless: true,
    env: { ...process.env, ...isolatedHome },
    viewport: { width: 1400, height: 860 },
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
  timings.browserLaunched = (Date.now() - T0) / 1000;
  const page = context.pages()[0] || (await context.newPage());
  const consoleLog = fs.openSync(path.join(outDir, 'browser-console.log'), 'w');
  page.on('console', (m) => fs.writeSync(consoleLog, `[${m.type()}] ${m.text()}\n`));
  page.on('pageerror', (e) => fs.writeSync(consoleLog, `[pageerror] ${e}\n`));

  const done = new Promise((resolve) => {
    page.exposeFunction('codeAutomationLog', (type, args) => {
      fs.writeSync(consoleLog, `[automation ${type}] ${JSON.stringify(args)}\n`);
      if (type !== 'error' || !/ENOTFOUND|ERR_NAME_NOT_RESOLVED/.test(String(args))) {
        console.log(`  exthost> ${require('node:util').format(...(Array.isArray(args) ? args : [args]))}`);
      }
    });
    page.exposeFunction('codeAutomationExit', (code) => resolve(code));
  });

  // screenshots on request: a test writes NAME.request, we answer with artifacts/NAME.png
  let shooting = false;
  const shots = [];
  const shooter = setInterval(async () => {
    if (shooting) return;
    shooting = true;
    try {
      for (const f of fs.readdirSync(requestDir).filter((x) => x.endsWith('.request'))) {
        const name = f.replace(/\.request$/, '');
        const target = path.join(shotDir, `${name}.png`);
        try {
          await page.screenshot({ path: target });
          shots.push(target);
        } catch (e) {
          stamp(`screenshot ${name} failed: ${e.message}`);
        }
        fs.rmSync(path.join(requestDir, f), { force: true });
        fs.writeFileSync(path.join(requestDir, `${name}.done`), target);
      }
    } finally {
      shooting = false;
    }
  }, 150);

  const authority = `127.0.0.1:${port}`;
  const remote = (p) => `vscode-remote://${authority}${p}`;
  const payload = [
    ['extensionDevelopmentPath', remote(extDir)],
    ['extensionTestsPath', remote(testsPath)],
  ];
  const url = `http://${authority}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
  stamp(`opening the workbench on ${workspace}`);
  await page.goto(url);
  page
    .waitForSelector('.monaco-workbench', { timeout: 60000 })
    .then(() => {
      timings.workbenchVisible = (Date.now() - T0) / 1000;
      stamp('workbench visible');
    })
    .catch(() => {});

  const timer = new Promise((resolve) => setTimeout(() => resolve('timeout'), timeoutSec * 1000));
  const code = await Promise.race([done, timer]);
  timings.testsDone = (Date.now() - T0) / 1000;
  clearInterval(shooter);
  try {
    await page.screenshot({ path: path.join(outDir, 'final.png') });
  } catch {
    // the page may be gone
  }
  await context.close();
  stopServer();
  for (let i = 0; i < 50; i++) {
    try {
      process.kill(-child.pid, 0);
    } catch {
      break;
    }
    await new Promise((r) => setTimeout(r, 100));
    if (i === 49) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
  }
  try {
    const logsRoot = path.join(userDataDir, 'logs');
    for (const session of fs.readdirSync(logsRoot)) {
      for (const f of ['remoteagent.log', 'exthost1/remoteexthost.log']) {
        const p = path.join(logsRoot, session, f);
        if (fs.existsSync(p)) fs.copyFileSync(p, path.join(outDir, path.basename(f)));
      }
    }
  } catch {
    // no logs
  }
  fs.rmSync(scratch, { recursive: true, force: true });

  let results = null;
  try {
    results = JSON.parse(fs.readFileSync(resultsFile, 'utf8'));
  } catch {
    // none
  }
  let metrics = {};
  try {
    metrics = JSON.parse(fs.readFileSync(path.join(outDir, 'metrics.json'), 'utf8'));
  } catch {
    // none
  }
  fs.writeFileSync(path.join(outDir, 'timings.json'), JSON.stringify({ ...timings, ...metrics }, null, 2));
  stamp(`timings ${JSON.stringify(timings)}`);
  if (Object.keys(metrics).length) stamp(`metrics ${JSON.stringify(metrics)}`);
  for (const s of shots) stamp(`screenshot ${path.relative(repo, s)}`);
  if (code === 'timeout') {
    console.log(`timed out after ${timeoutSec}s; see ${outDir}`);
    process.exit(3);
  }
  if (results) console.log(results.summary);
  console.log(`e2e exit code ${code}; logs in ${path.relative(process.cwd(), outDir) || outDir}`);
  process.exit(code);
}

main().catch((e) => {
  console.error(e);
  process.exit(4);
});
