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
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const {
  servicesEnv,
  extDir,
  repo,
  findHost,
  writeUserSettings,
  isolatedHome: isolatedHomeIn,
  startServer,
  signalGroup,
  stopGroup,
  launchChromium,
  copyHostLogs,
} = require('../host.cjs');

const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : def;
};
const timeoutSec = Number(arg('timeout', '480'));

const { serverMain, chromiumPath } = findHost('e2e');
const testsPath = path.join(extDir, 'out', 'test', 'index.js');

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
  writeUserSettings(userDataDir, {
    'security.workspace.trust.enabled': false,
    'workbench.colorTheme': 'Default Dark Modern',
    'window.commandCenter': false,
    'chat.commandCenter.enabled': false,
  });
  const isolatedHome = isolatedHomeIn(scratch);
  const resultsFile = path.join(outDir, 'results.json');

  // 1. the bare VS Code server (server-main.js honours the test payload with --enable-smoke-test-driver)
  let stopped = false;
  const stopServer = (child) => {
    if (stopped) return;
    stopped = true;
    signalGroup(child, 'SIGTERM');
  };
  const { child, port } = await startServer({
    serverMain,
    serverDataDir: path.join(scratch, 'server-data'),
    userDataDir,
    extensionsDir: path.join(scratch, 'extensions'),
    extraArgs: ['--enable-smoke-test-driver', '--disable-workspace-trust'],
    env: {
      ...process.env,
      ...isolatedHome,
      EXTENSIONS_GALLERY: '{}',
      EXT_TEST_RESULTS: resultsFile,
      WEFT_E2E_SCREENSHOT_REQUESTS: requestDir,
      WEFT_E2E_SCREENSHOTS: shotDir,
      WEFT_E2E_METRICS: path.join(outDir, 'metrics.json'),
      WEFT_E2E_REPO: repo,
      // the stack test's processes backend finds temporal and redis-server as provisioned
      ...Object.fromEntries(
        Object.entries(servicesEnv()).filter(([k]) => k === 'TEMPORAL_BIN' || k === 'REDIS_SERVER_BIN'),
      ),
      ...(arg('grep') ? { WEFT_E2E_GREP: arg('grep') } : {}),
    },
    logFile: path.join(outDir, 'server.log'),
    timeoutMs: 60000,
    onSpawn: (spawned) => process.on('exit', () => stopServer(spawned)),
  });
  timings.serverListening = (Date.now() - T0) / 1000;
  stamp(`VS Code server pid ${child.pid} listening on 127.0.0.1:${port}`);

  // 2. headless Chromium as the workbench client
  const { context, page, consoleLog } = await launchChromium({
    chromiumPath,
    profileDir: path.join(scratch, 'chromium-profile'),
    env: { ...process.env, ...isolatedHome },
    consoleFile: path.join(outDir, 'browser-console.log'),
  });
  timings.browserLaunched = (Date.now() - T0) / 1000;

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
  stopped = true;
  await stopGroup(child);
  copyHostLogs(userDataDir, outDir);
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
