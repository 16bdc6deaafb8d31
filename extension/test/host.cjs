'use strict';
// Shared machinery of test/e2e/run.cjs and test/vsix/smoke.cjs: find the VS Code server (from the npm
// package code-server) and Chromium, start the server in its own process group, launch headless
// Chromium as the workbench client, stop and reap the server, keep the host's logs.
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const extDir = path.resolve(__dirname, '..');
const repo = path.resolve(extDir, '..');

/** KEY=value lines of .cache/services.env (written by scripts/provision.sh), or {}. */
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

/**
 * The server's server-main.js and Chromium, from WEFT_CODE_SERVER_MAIN / CHROMIUM_BIN or
 * .cache/services.env. When something is missing: exit 1 under CI=true, else a loud skip (exit 0).
 */
function findHost(label) {
  const services = servicesEnv();
  const serverMain =
    process.env.WEFT_CODE_SERVER_MAIN ||
    services.CODE_SERVER_SERVER_MAIN ||
    path.join(repo, '.cache/code-server/node_modules/code-server/lib/vscode/out/server-main.js');
  const chromiumPath = process.env.CHROMIUM_BIN || services.CHROMIUM_BIN || '/usr/bin/chromium';
  const missing = [];
  if (!fs.existsSync(serverMain)) missing.push(`VS Code server (code-server 4.100.3) at ${serverMain}`);
  if (!fs.existsSync(chromiumPath)) missing.push(`Chromium at ${chromiumPath}`);
  try {
    require.resolve('playwright-core');
  } catch {
    missing.push('playwright-core (npm install)');
  }
  if (missing.length) {
    const msg = `${label}: missing ${missing.join('; ')}. Run: bash scripts/provision.sh`;
    if (process.env.CI === 'true') {
      console.error(`FAIL ${msg}`);
      process.exit(1);
    }
    console.error(`SKIPPED (not CI) ${msg}`);
    process.exit(0);
  }
  return { serverMain, chromiumPath };
}

/** Writes User/settings.json under userDataDir: the noise off (telemetry, tips, updates), plus `extra`. */
function writeUserSettings(userDataDir, extra = {}) {
  fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  const settings = {
    'workbench.startupEditor': 'none',
    'telemetry.telemetryLevel': 'off',
    'workbench.tips.enabled': false,
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'extensions.ignoreRecommendations': true,
    'update.mode': 'none',
    'git.enabled': false,
    ...extra,
  };
  fs.writeFileSync(path.join(userDataDir, 'User', 'settings.json'), JSON.stringify(settings, null, 2));
}

/** XDG dirs under scratch, so neither the server nor Chromium touches the real home. */
function isolatedHome(scratch) {
  return {
    XDG_DATA_HOME: path.join(scratch, 'xdg', 'data'),
    XDG_CONFIG_HOME: path.join(scratch, 'xdg', 'config'),
    XDG_CACHE_HOME: path.join(scratch, 'xdg', 'cache'),
  };
}

/**
 * Starts the bare VS Code server on 127.0.0.1 (port chosen by the OS) in its own process group (we
 * stop exactly what we started), its output to logFile. `onSpawn(child)` runs at once, before the
 * wait, so the caller can register cleanup. Resolves with { child, port } once it listens.
 */
async function startServer({
  serverMain,
  serverDataDir,
  userDataDir,
  extensionsDir,
  extraArgs = [],
  env,
  logFile,
  timeoutMs,
  onSpawn,
}) {
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
      '--disable-telemetry',
      ...extraArgs,
      '--server-data-dir',
      serverDataDir,
      '--user-data-dir',
      userDataDir,
      '--extensions-dir',
      extensionsDir,
    ],
    { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env },
  );
  if (onSpawn) onSpawn(child);
  const log = fs.openSync(logFile, 'w');
  const port = await new Promise((resolve, reject) => {
    let buf = '';
    const onData = (d) => {
      fs.writeSync(log, d);
      buf += d.toString();
      const m = buf.match(
        /Extension host agent listening on (\d+)|HTTP server listening on http:\/\/127\.0\.0\.1:(\d+)/,
      );
      if (m) resolve(Number(m[1] || m[2]));
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (c) => reject(new Error(`VS Code server exited early with ${c}\n${buf}`)));
    setTimeout(
      () => reject(new Error(`VS Code server did not start in ${timeoutMs / 1000}s\n${buf}`)),
      timeoutMs,
    ).unref();
  });
  return { child, port };
}

/** Sends `signal` to the child's process group; a group already gone is fine. */
function signalGroup(child, signal) {
  try {
    process.kill(-child.pid, signal);
  } catch {
    // gone
  }
}

/** SIGTERM to the group, up to 5s for it to go, then SIGKILL whatever is left. */
async function stopGroup(child) {
  signalGroup(child, 'SIGTERM');
  for (let i = 0; i < 50; i++) {
    try {
      process.kill(-child.pid, 0);
    } catch {
      return;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  signalGroup(child, 'SIGKILL');
}

/** Headless Chromium with a fresh profile, as the workbench client; its console goes to consoleFile. */
async function launchChromium({ chromiumPath, profileDir, env, consoleFile }) {
  const { chromium } = require('playwright-core');
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: chromiumPath,
    headless: true,
    env,
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
  const page = context.pages()[0] || (await context.newPage());
  const consoleLog = fs.openSync(consoleFile, 'w');
  page.on('console', (m) => fs.writeSync(consoleLog, `[${m.type()}] ${m.text()}\n`));
  page.on('pageerror', (e) => fs.writeSync(consoleLog, `[pageerror] ${e}\n`));
  return { context, page, consoleLog };
}

/** Copies the server's remoteagent.log, remoteexthost.log and the Weft output (Weft.log) from userDataDir/logs into outDir. */
function copyHostLogs(userDataDir, outDir) {
  try {
    const logsRoot = path.join(userDataDir, 'logs');
    for (const session of fs.readdirSync(logsRoot)) {
      for (const f of ['remoteagent.log', 'exthost1/remoteexthost.log']) {
        const p = path.join(logsRoot, session, f);
        if (fs.existsSync(p)) fs.copyFileSync(p, path.join(outDir, path.basename(f)));
      }
      for (const f of fs.readdirSync(path.join(logsRoot, session), { recursive: true }).map(String)) {
        if (path.basename(f) === 'Weft.log')
          fs.copyFileSync(path.join(logsRoot, session, f), path.join(outDir, 'Weft.log'));
      }
    }
  } catch {
    // no logs
  }
}

module.exports = {
  servicesEnv,
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
};
