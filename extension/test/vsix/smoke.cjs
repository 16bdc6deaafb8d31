#!/usr/bin/env node
'use strict';
// Smoke test of the packaged extension in a CLEAN VS Code: builds extension/weft-vscode.vsix
// (npm run package), installs it with the VS Code server's own CLI into a fresh extensions dir,
// starts that server (fresh user data, workspace trust left ON, no extensionDevelopmentPath) on a
// temp workspace holding a workflow.yaml with one known error, and drives the workbench in headless
// Chromium through the keyboard only, asserting from the DOM:
//   restricted mode (untrusted): the Weft activity-bar item exists, the extension activated, the
//     editor squiggles the error and the Problems panel lists `unknown-step`, and the command
//     palette does NOT offer "Weft: Run Workflow";
//     its Runs view explains why and offers workspace trust instead of a Run button; no Run CodeLens;
//   after trusting the workspace: the palette offers "Weft: Run Workflow".
// Then the runtime the .vsix carries (test/vsix/runtime-steps.cjs): with no weft on PATH, no Node
// project and no runtime/ folder, Run Workflow (input form) succeeds on the bundled runtime and the
// Runs and Trace views show it; the integrated terminal's `weft --version` prints the bundled version;
// a pinned runtime of another protocol is refused clearly, one of the same protocol is used.
// Restricted mode starts no runtime process. The .vsix is <= 3 MB and holds no native module.
//
// usage: node test/vsix/smoke.cjs [--no-package]   (--no-package: use the existing .vsix)
// Finds the server and Chromium like test/e2e/run.cjs (.cache/services.env, WEFT_CODE_SERVER_MAIN,
// CHROMIUM_BIN). Missing: a failure when CI=true, a loud skip otherwise.
// exit: 0 pass, 1 fail (assertion, timeout, runner error, or missing components under CI).
// Screenshots: artifacts/vsix-*.png; logs: artifacts/vsix/.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const {
  extDir,
  repo,
  findHost,
  writeUserSettings,
  isolatedHome,
  startServer,
  signalGroup,
  stopGroup,
  launchChromium,
  copyHostLogs,
} = require('../host.cjs');
const { pathWithoutWeft, weftProcesses, runtimeSteps } = require('./runtime-steps.cjs');

const TIMEOUT_MS = Number(process.env.WEFT_VSIX_TIMEOUT_MS || 180_000);
const T0 = Date.now();
const stamp = (msg) => console.log(`[vsix +${((Date.now() - T0) / 1000).toFixed(2)}s] ${msg}`);

const { serverMain, chromiumPath } = findHost('vsix smoke');

const artifacts = path.join(repo, 'artifacts');
const outDir = path.join(artifacts, 'vsix');
const vsix = path.join(extDir, 'weft-vscode.vsix');
const extensionId = 'weft.weft-vscode';
const WORKFLOW = `name: vsix-smoke
description: One known error for the .vsix smoke test.
version: 1.0.0

inputs:
  topic:
    type: string
    description: What to say hello about.

models:
  fast:
    provider: mock
    model: mock-1

steps:
  - id: hello
    kind: llm
    model: fast
    prompt: "Say hello about \${{ inputs.topic }}"
  - id: reply
    kind: llm
    model: fast
    needs: [nope]
    prompt: "Reply to \${{ steps.hello.output.text }}"
`;
const FIXED = WORKFLOW.replace('    needs: [nope]\n', '');

// cleanup state, shared with the exit handlers
let server = null;
let context = null;
let scratch = null;
function stopServer() {
  if (server && server.exitCode === null) signalGroup(server, 'SIGTERM');
}
process.on('exit', stopServer);

class Failure extends Error {}
const checks = [];
function check(ok, what) {
  checks.push({ ok: Boolean(ok), what });
  stamp(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) throw new Failure(what);
}

async function main() {
  fs.rmSync(outDir, { recursive: true, force: true });
  fs.mkdirSync(outDir, { recursive: true });
  for (const f of fs.readdirSync(artifacts)) if (/^vsix-.*\.png$/.test(f)) fs.rmSync(path.join(artifacts, f));

  // 1. the .vsix, as users get it
  if (!process.argv.includes('--no-package')) {
    fs.rmSync(vsix, { force: true });
    execFileSync('npm', ['run', 'package', '-w', 'extension'], {
      cwd: repo,
      stdio: ['ignore', fs.openSync(path.join(outDir, 'package.log'), 'w'), 'inherit'],
      timeout: 60_000,
    });
  }
  check(
    fs.existsSync(vsix),
    `packaged ${path.relative(repo, vsix)} (${fs.existsSync(vsix) ? fs.statSync(vsix).size : 0} bytes)`,
  );
  const vsixBytes = fs.statSync(vsix).size;
  check(vsixBytes <= 3 * 1024 * 1024, `the .vsix is <= 3 MB (${(vsixBytes / 1024 / 1024).toFixed(2)} MB)`);

  // 2. a clean VS Code: fresh extensions dir, user data, XDG dirs; gallery off
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'weft-vsix-'));
  const extensionsDir = path.join(scratch, 'extensions');
  const userDataDir = path.join(scratch, 'user-data');
  const serverDataDir = path.join(scratch, 'server-data');
  const workspace = path.join(scratch, 'workspace');
  fs.mkdirSync(workspace, { recursive: true });
  fs.writeFileSync(path.join(workspace, 'workflow.yaml'), WORKFLOW);
  // only noise off (telemetry, tips, welcome page, update checks); workspace trust stays at its default
  writeUserSettings(userDataDir);
  // a clean machine: no weft on PATH, the workspace in no Node project (a temp folder), no runtime/
  const env = {
    ...process.env,
    ...isolatedHome(scratch),
    PATH: pathWithoutWeft(process.env.PATH ?? ''),
    SHELL: '/bin/sh',
    EXTENSIONS_GALLERY: '{}',
  };
  const cli = (...args) =>
    execFileSync(
      process.execPath,
      [serverMain, '--server-data-dir', serverDataDir, '--user-data-dir', userDataDir, ...args],
      { env, encoding: 'utf8', timeout: 30_000, stdio: ['ignore', 'pipe', 'pipe'] },
    );
  const installOut = cli('--install-extension', vsix, '--extensions-dir', extensionsDir);
  fs.writeFileSync(path.join(outDir, 'install.log'), installOut);
  stamp(`install: ${installOut.trim().split('\n').pop()}`);
  const listed = cli('--list-extensions', '--show-versions', '--extensions-dir', extensionsDir).trim();
  const version = require(path.join(extDir, 'package.json')).version;
  check(
    listed.split('\n').includes(`${extensionId}@${version}`),
    `server CLI lists ${extensionId}@${version} in the fresh extensions dir (got: ${JSON.stringify(listed)})`,
  );
  const installed = path.join(extensionsDir, `${extensionId}-${version}`);
  const files = fs.readdirSync(installed, { recursive: true }).map(String);
  const native = files.filter((f) => f.endsWith('.node'));
  check(
    files.includes(path.join('out', 'runtime', 'weft.mjs')) && native.length === 0,
    `the installed extension carries the runtime (out/runtime/weft.mjs) and no native module (${native.join(', ') || 'none'})`,
  );

  // 3. the server: NO --disable-workspace-trust, NO extensionDevelopmentPath
  const { port } = await startServer({
    serverMain,
    serverDataDir,
    userDataDir,
    extensionsDir,
    env,
    logFile: path.join(outDir, 'server.log'),
    timeoutMs: 30_000,
    onSpawn: (child) => {
      server = child;
    },
  });
  stamp(`VS Code server pid ${server.pid} on 127.0.0.1:${port}`);

  // 4. headless Chromium, fresh profile
  let page;
  ({ context, page } = await launchChromium({
    chromiumPath,
    profileDir: path.join(scratch, 'chromium-profile'),
    env,
    consoleFile: path.join(outDir, 'browser-console.log'),
  }));
  const shot = async (name) => {
    const target = path.join(artifacts, `vsix-${name}.png`);
    await page.screenshot({ path: target });
    stamp(`screenshot ${path.relative(repo, target)}`);
  };

  await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}`);
  await page.waitForSelector('.monaco-workbench', { timeout: 30_000 });
  stamp('workbench visible');

  // 5. workspace trust: a clean VS Code asks; we answer "No" first (restricted mode)
  const trustDialog = page.locator('.monaco-dialog-box', { hasText: /trust the authors/i });
  await trustDialog.waitFor({ timeout: 20_000 });
  await shot('1-trust-prompt');
  check(true, 'the workspace trust prompt appears (trust is enabled by default)');
  await trustDialog.getByRole('button', { name: /No, I don.t trust/i }).click();
  await trustDialog.waitFor({ state: 'detached', timeout: 10_000 });
  await page
    .locator('.statusbar-item', { hasText: /Restricted Mode/i })
    .first()
    .waitFor({ timeout: 10_000 });
  check(true, 'declined trust: the status bar shows Restricted Mode');

  // 6. the extension is installed and active in restricted mode
  const weftItem = page.locator(
    '.activitybar .action-item a[aria-label^="Weft"], .activitybar .action-label[aria-label^="Weft"]',
  );
  await weftItem.first().waitFor({ timeout: 20_000 });
  check(true, 'the Weft activity-bar item exists');
  await weftItem.first().click();
  // the Workflows view lists the workspace's workflow by its name: only the activated extension does that
  await page.locator('.pane', { hasText: 'vsix-smoke' }).first().waitFor({ timeout: 20_000 });
  check(true, 'the activated extension lists workflow "vsix-smoke" in the Workflows view');
  await shot('2-weft-view-restricted');

  // 7. open the workflow with quick open and look for the diagnostic
  await page.keyboard.press('Control+P');
  await page.locator('.quick-input-widget input').waitFor({ timeout: 10_000 });
  await page.keyboard.type('workflow.yaml');
  await page
    .locator('.quick-input-list .monaco-list-row', { hasText: 'workflow.yaml' })
    .first()
    .waitFor({ timeout: 10_000 });
  await page.keyboard.press('Enter');
  await page.locator('.tab.active', { hasText: 'workflow.yaml' }).waitFor({ timeout: 10_000 });
  await page.locator('.monaco-editor .squiggly-error').first().waitFor({ timeout: 20_000 });
  check(true, 'the editor squiggles an error in workflow.yaml');
  await page.keyboard.press('Control+Shift+M');
  const markers = page.locator('.markers-panel');
  const problemRow = markers.locator('.monaco-list-row', { hasText: 'unknown-step' }).first();
  await problemRow.waitFor({ timeout: 10_000 });
  const problems = (await markers.locator('.monaco-list-row').allTextContents()).join(' | ');
  fs.writeFileSync(path.join(outDir, 'problems.txt'), `${problems}\n`);
  check(
    /unknown step .?nope/.test(problems) && /unknown-step/.test(problems),
    `Problems lists unknown-step: ${problems.slice(0, 200)}`,
  );
  await shot('3-problems-restricted');

  // 8. restricted mode: the palette does not offer Weft: Run Workflow (but offers other Weft commands)
  const paletteLabels = async (query) => {
    await page.keyboard.press('Control+Shift+P');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ timeout: 10_000 });
    await input.fill(`>${query}`);
    await page.waitForTimeout(500); // the list filters asynchronously
    await page
      .locator('.quick-input-list .monaco-list-row')
      .first()
      .waitFor({ timeout: 5_000 })
      .catch(() => {});
    const rows = await page.locator('.quick-input-list .monaco-list-row').allInnerTexts();
    return rows.map((r) => r.replace(/\s+/g, ' ').trim());
  };
  let rows = await paletteLabels('Weft: ');
  await shot('4-palette-restricted');
  await page.keyboard.press('Escape');
  check(
    rows.some((r) => r.includes('Weft: Refresh')),
    `restricted: palette offers Weft commands (${rows.join(' | ')})`,
  );
  check(
    !rows.some((r) => r.includes('Weft: Run Workflow')),
    'restricted: palette does NOT offer "Weft: Run Workflow"',
  );

  // the Runs view's welcome explains why nothing runs and offers trust, not a Run button; the
  // editor shows no Run | Debug CodeLens
  const runsPane = page.locator('.pane', { hasText: 'No runs yet.' });
  await runsPane.locator('text=only in a trusted workspace').first().waitFor({ timeout: 10_000 });
  const runButtons = await runsPane.locator('.monaco-button', { hasText: 'Run Workflow' }).count();
  check(runButtons === 0, `restricted: the Runs view offers no Run Workflow button (${runButtons})`);
  const trustButtons = await runsPane
    .locator('.monaco-button', { hasText: 'Manage Workspace Trust' })
    .count();
  check(trustButtons === 1, 'restricted: the Runs view offers Manage Workspace Trust instead');
  const lensCount = await page.locator('.codelens-decoration', { hasText: 'Run' }).count();
  check(lensCount === 0, `restricted: no Run | Debug CodeLens in the editor (${lensCount})`);
  await shot('5-runs-view-restricted');
  const started = weftProcesses(scratch);
  check(
    started.length === 0,
    `restricted: no Weft runtime process was started (${started.join('; ') || 'none'})`,
  );

  // 9. trust the workspace (Workspaces: Manage Workspace Trust -> Trust), then Run Workflow is offered
  rows = await paletteLabels('Manage Workspace Trust');
  check(
    rows.some((r) => /Manage Workspace Trust/.test(r)),
    'palette offers "Workspaces: Manage Workspace Trust"',
  );
  await page.keyboard.press('Enter');
  const trustButton = page.locator('.workspace-trust-editor .monaco-button', { hasText: /^Trust$/ });
  await trustButton.first().waitFor({ timeout: 10_000 });
  await shot('6-trust-editor');
  await trustButton.first().click();
  await page
    .locator('.statusbar-item', { hasText: /Restricted Mode/i })
    .first()
    .waitFor({ state: 'detached', timeout: 10_000 });
  check(true, 'trusted: the Restricted Mode status bar item is gone');
  rows = await paletteLabels('Weft: ');
  await shot('7-palette-trusted');
  await page.keyboard.press('Escape');
  check(
    rows.some((r) => r.includes('Weft: Run Workflow')),
    `trusted: palette offers "Weft: Run Workflow" (${rows.join(' | ')})`,
  );
  await page.keyboard.press('Escape');
  await page.locator('.tab', { hasText: 'workflow.yaml' }).first().click();
  const lens = page.locator('.codelens-decoration', { hasText: 'Run' });
  await lens.first().waitFor({ timeout: 10_000 });
  check(true, 'trusted: the editor shows the Run | Debug CodeLens');
  await shot('8-trusted-codelens');

  // 10. the runtime the .vsix carries
  const runtimeVersion = require(path.join(installed, 'out', 'runtime', 'package.json')).version;
  await runtimeSteps({ page, check, shot, stamp, workspace, fixed: FIXED, installed, runtimeVersion });
}

async function teardown() {
  try {
    if (context) await context.close();
  } catch {
    // browser gone
  }
  if (server) await stopGroup(server);
  if (scratch) {
    copyHostLogs(path.join(scratch, 'user-data'), outDir);
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

(async () => {
  let code = 0;
  const timer = new Promise((_, reject) =>
    setTimeout(() => reject(new Failure(`timed out after ${TIMEOUT_MS / 1000}s`)), TIMEOUT_MS).unref(),
  );
  try {
    await Promise.race([main(), timer]);
  } catch (e) {
    code = 1;
    console.error(`vsix smoke FAILED: ${e instanceof Failure ? e.message : e?.stack || e}`);
    if (context) {
      try {
        const page = context.pages()[0];
        if (page) await page.screenshot({ path: path.join(artifacts, 'vsix-failure.png') });
        stamp('screenshot artifacts/vsix-failure.png');
      } catch {
        // page gone
      }
    }
  }
  await teardown();
  fs.writeFileSync(path.join(outDir, 'checks.json'), JSON.stringify({ code, checks }, null, 2));
  stamp(
    `${code === 0 ? 'PASS' : 'FAIL'}: ${checks.filter((c) => c.ok).length}/${checks.length} checks passed; logs in ${path.relative(repo, outDir)}`,
  );
  process.exit(code);
})();
