// Shared by the e2e test files (bundled into each; not a test file itself).
import * as assert from 'node:assert';
import { type ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { WeftApi } from '../../src/extension';

export const EXTENSION_ID = 'weft.weft-vscode';

export async function activate(): Promise<WeftApi> {
  const ext = vscode.extensions.getExtension<WeftApi>(EXTENSION_ID);
  assert.ok(ext, `${EXTENSION_ID} is not installed in the host`);
  return ext.activate();
}

export async function waitFor<T>(
  what: string,
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 10_000,
  everyMs = 50,
): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Asks the runner for a screenshot of the workbench (artifacts/NAME.png) and waits for it. */
export async function screenshot(name: string, settleMs = 600): Promise<void> {
  const dir = process.env.WEFT_E2E_SCREENSHOT_REQUESTS;
  if (!dir) return;
  await new Promise((r) => setTimeout(r, settleMs)); // let the workbench paint
  fs.writeFileSync(path.join(dir, `${name}.request`), '');
  await waitFor(
    `screenshot ${name}`,
    () => fs.existsSync(path.join(dir, `${name}.done`)) || undefined,
    15_000,
  );
}

/** Records a number in artifacts/e2e/metrics.json (merged into timings.json by the runner). */
export function metric(name: string, value: unknown): void {
  const file = process.env.WEFT_E2E_METRICS;
  if (!file) return;
  let all: Record<string, unknown> = {};
  try {
    all = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    // first metric
  }
  all[name] = value;
  fs.writeFileSync(file, JSON.stringify(all, null, 2));
}

export function workspaceUri(...segments: string[]): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'no workspace folder open');
  return vscode.Uri.joinPath(folder.uri, ...segments);
}

/** The repository (for the runtime's CLI): WEFT_E2E_REPO from the runner. */
export function repoDir(): string {
  const repo = process.env.WEFT_E2E_REPO;
  assert.ok(repo, 'WEFT_E2E_REPO is not set (run through test/e2e/run.cjs)');
  return repo;
}

/**
 * `weft serve --port 0` of this repository's runtime, as a user would start it, in `cwd` with `env` added;
 * resolves with the address it logs.
 */
export async function startWeftServe(
  cwd: string,
  env: Record<string, string>,
  args: string[] = [],
): Promise<{ url: string; child: ChildProcess }> {
  const weft = path.join(repoDir(), 'runtime', 'bin', 'weft.js');
  const child = spawn(process.execPath, [weft, 'serve', '--host', '127.0.0.1', '--port', '0', ...args], {
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1', ...env },
  });
  let seen = '';
  const url = await new Promise<string>((resolve, reject) => {
    const onData = (d: Buffer) => {
      seen += d.toString();
      const m = /"address":"(http:\/\/[^"]+)"/.exec(seen);
      if (m) resolve(m[1]!);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => reject(new Error(`weft serve exited with ${code}: ${seen}`)));
    setTimeout(() => reject(new Error(`weft serve did not listen within 30 s: ${seen}`)), 30_000);
  });
  return { url, child };
}

/** SIGTERM, then wait for the process to exit. */
export async function stopProcess(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}
