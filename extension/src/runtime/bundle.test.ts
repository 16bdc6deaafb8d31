// The runtime bundled into the extension (out/runtime, made by `npm run build`): its CLI answers on
// plain Node like it will on VS Code's, runs a workflow offline, and says what to do for the worker.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROTOCOL, selectRuntime } from './select.js';
import { shimFiles } from './shim.js';
import { writeShim } from './terminal.js';

const run = promisify(execFile);
const extensionPath = path.join(__dirname, '..', '..');
const bundled = path.join(extensionPath, 'out', 'runtime');
const runtimeVersion = JSON.parse(
  readFileSync(path.join(extensionPath, '..', 'runtime', 'package.json'), 'utf8'),
).version;

let dir: string;
beforeAll(() => {
  if (!existsSync(path.join(bundled, 'weft.mjs')))
    throw new Error(`${bundled}/weft.mjs is missing: run \`npm run build\` first`);
  dir = mkdtempSync(path.join(tmpdir(), 'weft-bundle-'));
  writeFileSync(
    path.join(dir, 'workflow.yaml'),
    'name: bundled\nmodels:\n  m:\n    provider: mock\n    model: mock-1\nsteps:\n  - id: hi\n    kind: llm\n    model: m\n    prompt: "Say hi"\n',
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const selection = () =>
  selectRuntime({ runtimePath: '', workspaceFolders: [dir], extensionPath, node: process.execPath });

describe('the bundled runtime', () => {
  it('is selected in a folder that pins nothing, with its version and protocol, lacking the native worker', () => {
    const s = selection();
    expect(s.ok && s.runtime).toMatchObject({
      origin: 'bundled',
      version: runtimeVersion,
      protocol: PROTOCOL,
      missing: ['@temporalio/worker'],
    });
  });

  it('answers --version, validates and runs a workflow offline through the terminal shim', async () => {
    const shim = await writeShim(path.join(dir, 'bin'), selection());
    expect(readFileSync(shim, 'utf8')).toContain('ELECTRON_RUN_AS_NODE=1 exec');
    const env = { ...process.env, WEFT_DATA_DIR: path.join(dir, '.weft') };
    expect((await run(shim, ['--version'], { env })).stdout.trim()).toBe(runtimeVersion);
    const validated = await run(shim, ['validate', 'workflow.yaml'], { cwd: dir, env });
    expect(`${validated.stdout}${validated.stderr}`).toContain('0 errors');
    const ran = await run(shim, ['run', 'workflow.yaml', '--json'], { cwd: dir, env });
    expect(JSON.parse(ran.stdout)).toMatchObject({ status: 'succeeded', outputs: {} });
  });

  it('says what to do when `weft worker` needs the native Temporal core', async () => {
    const failed = await run(process.execPath, [path.join(bundled, 'weft.mjs'), 'worker']).catch((e) => e);
    expect(failed.code).toBe(2);
    expect(failed.stderr).toMatch(/@temporalio\/worker's native core/);
    expect(failed.stderr).toMatch(/weft stack up --backend compose/);
    expect(failed.stderr).toMatch(/npm install --save-dev @weft\/runtime/);
  });

  it('has a shim that explains a refusal instead of running anything', () => {
    const files = shimFiles({ ok: false, origin: 'workspace', error: "it's refused" }, 'linux');
    expect(files.weft).toContain(`echo 'weft: it'\\''s refused' >&2\nexit 2`);
    expect(Object.keys(shimFiles(selection(), 'win32'))).toEqual(['weft', 'weft.cmd']);
  });
});
