#!/usr/bin/env node
'use strict';
// Runs the same e2e suite (out/test/index.js, the one test index code-server's runner uses) in
// desktop VS Code through @vscode/test-electron, the standard runner. It downloads VS Code from
// update.code.visualstudio.com on first use: it needs the internet, so CI (which has none) runs the
// suite with code-server instead (npm run test:e2e). On Linux without a display, run it under xvfb-run.
//
// usage: node test/electron/run.cjs [--version stable|insiders|1.100.0] [--grep PATTERN]
// exit: 0 pass, 1 test failures, 4 runner error (no internet: VS Code could not be downloaded).
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const extDir = path.resolve(__dirname, '..', '..');
const repo = path.resolve(extDir, '..');
const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : def;
};

async function main() {
  const { runTests } = require('@vscode/test-electron');
  const testsPath = path.join(extDir, 'out', 'test', 'index.js');
  if (!fs.existsSync(testsPath)) throw new Error(`no ${testsPath}: build first (node esbuild.mjs --tests)`);
  // the runs tests start the runtime's built CLI: build it from the current sources first
  require('node:child_process').execFileSync(process.execPath, ['build.mjs'], {
    cwd: path.join(repo, 'runtime'),
    stdio: 'inherit',
  });
  // a throwaway workspace: the fixtures, copied, so tests may edit and save
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'weft-electron-'));
  const workspace = path.join(scratch, 'workspace');
  fs.cpSync(path.join(extDir, 'test', 'fixtures'), workspace, { recursive: true });
  const outDir = path.join(repo, 'artifacts', 'e2e-electron');
  fs.mkdirSync(outDir, { recursive: true });
  try {
    await runTests({
      version: arg('version', 'stable'),
      extensionDevelopmentPath: extDir,
      extensionTestsPath: testsPath,
      launchArgs: [
        workspace,
        '--disable-extensions',
        '--disable-workspace-trust',
        `--user-data-dir=${path.join(scratch, 'user-data')}`,
      ],
      extensionTestsEnv: {
        EXT_TEST_RESULTS: path.join(outDir, 'results.json'),
        WEFT_E2E_METRICS: path.join(outDir, 'metrics.json'),
        WEFT_E2E_REPO: repo,
        ...(arg('grep') ? { WEFT_E2E_GREP: arg('grep') } : {}),
      },
    });
    console.log(`e2e (electron) passed; results in ${path.relative(process.cwd(), outDir)}`);
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

main().catch((error) => {
  const offline = /ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ETIMEDOUT|getaddrinfo|download/i.test(
    String(error?.stack ?? error),
  );
  console.error(
    offline
      ? `@vscode/test-electron could not download VS Code (${error.message}). This runner needs the internet; without it, run the same suite on code-server: npm run test:e2e -w extension`
      : String(error?.stack ?? error),
  );
  process.exit(/Test run failed|tests failed/i.test(String(error)) ? 1 : 4);
});
