// Shared by the e2e test files (bundled into each; not a test file itself).
import * as assert from 'node:assert';
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
