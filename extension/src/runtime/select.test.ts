import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findWeftCli } from '../runs/local-runtime.js';
import { bundledRoot, describeSelection, PROTOCOL, packageRootOf, selectRuntime } from './select.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'weft-select-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A runtime package folder as npm installs it (bin/weft.js + dist/cli.js) or as the extension bundles it. */
function makeRuntime(
  root: string,
  version: string,
  weft: Record<string, unknown> | undefined,
  bin = 'bin/weft.js',
) {
  mkdirSync(path.join(root, path.dirname(bin)), { recursive: true });
  writeFileSync(path.join(root, bin), '');
  if (bin === 'bin/weft.js') {
    mkdirSync(path.join(root, 'dist'), { recursive: true });
    writeFileSync(path.join(root, 'dist', 'cli.js'), '');
  }
  writeFileSync(
    path.join(root, 'package.json'),
    JSON.stringify({ name: '@weft/runtime', version, bin: { weft: bin }, ...(weft ? { weft } : {}) }),
  );
  return root;
}

const options = (extra: Partial<Parameters<typeof selectRuntime>[0]> = {}) => ({
  runtimePath: '',
  workspaceFolders: [path.join(dir, 'ws')],
  extensionPath: path.join(dir, 'ext'),
  node: '/vscode/node',
  ...extra,
});

describe('selectRuntime', () => {
  beforeEach(() => {
    mkdirSync(path.join(dir, 'ws'), { recursive: true });
    makeRuntime(
      bundledRoot(path.join(dir, 'ext')),
      '0.1.0',
      { protocol: PROTOCOL, nativeModulesMissing: ['@temporalio/worker'] },
      'weft.mjs',
    );
  });

  it('uses the bundled runtime when nothing is pinned, with what it lacks', () => {
    const s = selectRuntime(options());
    expect(s).toEqual({
      ok: true,
      runtime: {
        origin: 'bundled',
        root: path.join(dir, 'ext', 'out', 'runtime'),
        version: '0.1.0',
        protocol: PROTOCOL,
        cli: { command: '/vscode/node', args: [path.join(dir, 'ext', 'out', 'runtime', 'weft.mjs')] },
        missing: ['@temporalio/worker'],
      },
    });
    expect(describeSelection(s)).toMatch(/^@weft\/runtime 0\.1\.0 \(bundled, /);
  });

  it('prefers the runtime the workspace pins in node_modules', () => {
    const pinned = makeRuntime(path.join(dir, 'ws', 'node_modules', '@weft', 'runtime'), '0.1.7', {
      protocol: PROTOCOL,
    });
    const s = selectRuntime(options());
    expect(s.ok && s.runtime).toMatchObject({
      origin: 'workspace',
      root: pinned,
      version: '0.1.7',
      cli: { args: [path.join(pinned, 'bin', 'weft.js')] },
      missing: [],
    });
    expect(describeSelection(s)).toMatch(/0\.1\.7 \(pinned by the workspace/);
  });

  it('refuses a pinned runtime of another protocol, naming both and what to do', () => {
    makeRuntime(path.join(dir, 'ws', 'node_modules', '@weft', 'runtime'), '9.0.0', {
      protocol: PROTOCOL + 1,
    });
    const s = selectRuntime(options());
    expect(s.ok).toBe(false);
    if (s.ok) return;
    expect(s.origin).toBe('workspace');
    expect(s.error).toContain('(@weft/runtime 9.0.0) speaks protocol 2');
    expect(s.error).toContain(`this Weft extension speaks protocol ${PROTOCOL}`);
    expect(s.error).toContain('update the Weft extension');
    expect(s.error).toContain('remove the pin');
  });

  it('refuses a pinned runtime that declares no protocol', () => {
    makeRuntime(path.join(dir, 'ws', 'node_modules', '@weft', 'runtime'), '0.0.9', undefined);
    const s = selectRuntime(options());
    expect(!s.ok && s.error).toMatch(/declares no protocol .*npm install --save-dev @weft\/runtime@latest/);
  });

  it('takes weft.runtimePath first: a folder, or a (symlinked) file inside the package', () => {
    makeRuntime(path.join(dir, 'ws', 'node_modules', '@weft', 'runtime'), '0.1.7', { protocol: PROTOCOL });
    const global = makeRuntime(path.join(dir, 'global', 'lib', 'node_modules', '@weft', 'runtime'), '0.1.9', {
      protocol: PROTOCOL,
    });
    mkdirSync(path.join(dir, 'global', 'bin'));
    symlinkSync(path.join(global, 'bin', 'weft.js'), path.join(dir, 'global', 'bin', 'weft'));
    for (const runtimePath of [global, path.join(dir, 'global', 'bin', 'weft')]) {
      const s = selectRuntime(options({ runtimePath }));
      expect(s.ok && s.runtime).toMatchObject({ origin: 'setting', root: global, version: '0.1.9' });
    }
    expect(packageRootOf(path.join(dir, 'nowhere'))).toBeUndefined();
    const bad = selectRuntime(options({ runtimePath: path.join(dir, 'ws') }));
    expect(!bad.ok && bad.error).toMatch(/weft.runtimePath .* is not a @weft\/runtime folder/);
  });

  it('runs the Weft repository runtime from its sources through tsx when it is not built', () => {
    const repo = path.join(dir, 'ws');
    makeRuntime(path.join(repo, 'runtime'), '0.1.0', { protocol: PROTOCOL });
    rmSync(path.join(repo, 'runtime', 'dist'), { recursive: true });
    mkdirSync(path.join(repo, 'runtime', 'src', 'cli'), { recursive: true });
    writeFileSync(path.join(repo, 'runtime', 'src', 'cli', 'main.ts'), '');
    const unbuilt = selectRuntime(options());
    expect(!unbuilt.ok && unbuilt.error).toMatch(/has no built CLI: run `npm run build`/);
    mkdirSync(path.join(repo, 'node_modules', 'tsx'), { recursive: true });
    const s = selectRuntime(options());
    expect(s.ok && s.runtime.cli.args).toEqual([
      '--import',
      'tsx',
      path.join(repo, 'runtime', 'src', 'cli', 'main.ts'),
    ]);
  });

  it('findWeftCli (runs/local-runtime.ts) gives the same CLI, or throws the refusal', () => {
    const s = selectRuntime(options({ node: process.execPath }));
    expect(findWeftCli([path.join(dir, 'ws')], path.join(dir, 'ext'))).toEqual(s.ok && s.runtime.cli);
    makeRuntime(path.join(dir, 'ws', 'node_modules', '@weft', 'runtime'), '9.0.0', {
      protocol: PROTOCOL + 1,
    });
    expect(() => findWeftCli([path.join(dir, 'ws')], path.join(dir, 'ext'))).toThrow(/speaks protocol 2/);
  });

  it('says so when the bundled runtime is missing (a broken install)', () => {
    rmSync(path.join(dir, 'ext'), { recursive: true });
    const s = selectRuntime(options());
    expect(!s.ok && s.error).toMatch(
      /the runtime bundled with the extension is not a @weft\/runtime package/,
    );
  });
});

describe('protocol', () => {
  it('the runtime in this repository speaks the protocol of this extension', async () => {
    const pkg = await import('../../../runtime/package.json', { with: { type: 'json' } });
    expect(pkg.default.weft.protocol).toBe(PROTOCOL);
  });
});
