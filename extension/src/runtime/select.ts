// Which Weft runtime the extension starts, and whether it speaks the extension's protocol.
// In order: the `weft.runtimePath` setting, a runtime the workspace pins (its node_modules/@weft/runtime,
// or the runtime/ folder of the Weft repository itself), else the runtime bundled in the extension
// (out/runtime). A pinned runtime that does not match is refused, never silently replaced. No vscode
// import: unit-tested on real folders.
import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import * as path from 'node:path';

/** The version of the runtime's HTTP API and CLI that this extension speaks (runtime/package.json weft.protocol). */
export const PROTOCOL = 1;

export type RuntimeOrigin = 'setting' | 'workspace' | 'bundled';

export interface RuntimeInfo {
  origin: RuntimeOrigin;
  /** The runtime's package folder. */
  root: string;
  version: string;
  protocol: number;
  /** How to start its CLI on VS Code's Node: `command` is process.execPath. */
  cli: { command: string; args: string[] };
  /** Optional modules this runtime lacks (the bundled one: the Temporal worker's native core). */
  missing: string[];
}

export type Selection =
  | { ok: true; runtime: RuntimeInfo }
  | { ok: false; origin: RuntimeOrigin; error: string };

export interface SelectOptions {
  /** The weft.runtimePath setting ('' when unset). */
  runtimePath: string;
  workspaceFolders: string[];
  extensionPath: string;
  /** The Node that runs the CLI (process.execPath: VS Code's own, with ELECTRON_RUN_AS_NODE=1). */
  node: string;
}

interface RuntimePackage {
  name?: string;
  version?: string;
  bin?: string | Record<string, string>;
  weft?: { protocol?: unknown; nativeModulesMissing?: unknown };
}

const PACKAGE = '@weft/runtime';

function readPackage(root: string): RuntimePackage | undefined {
  try {
    return JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as RuntimePackage;
  } catch {
    return undefined;
  }
}

/** The package folder a weft.runtimePath points at: the folder itself, or a file inside it (bin/weft.js, a symlinked `weft`). */
export function packageRootOf(given: string): string | undefined {
  let at: string;
  try {
    at = realpathSync(given);
  } catch {
    return undefined;
  }
  if (!statSync(at).isDirectory()) at = path.dirname(at);
  for (let dir = at; ; dir = path.dirname(dir)) {
    if (readPackage(dir)?.name === PACKAGE) return dir;
    if (path.dirname(dir) === dir) return undefined;
  }
}

/** How to start a runtime package's CLI: its built bin, else (the Weft repository) its sources through tsx. */
function cliOf(root: string, pkg: RuntimePackage, node: string): RuntimeInfo['cli'] | undefined {
  const bin = typeof pkg.bin === 'string' ? pkg.bin : pkg.bin?.weft;
  const main = path.join(root, 'src', 'cli', 'main.ts');
  // the repository's bin/weft.js loads dist/cli.js, which `npm run build` makes
  const unbuilt = existsSync(main) && !existsSync(path.join(root, 'dist', 'cli.js'));
  if (bin && existsSync(path.join(root, bin)) && !unbuilt)
    return { command: node, args: [path.join(root, bin)] };
  const tsx = [path.join(root, 'node_modules', 'tsx'), path.join(root, '..', 'node_modules', 'tsx')].find(
    existsSync,
  );
  if (existsSync(main) && tsx) return { command: node, args: ['--import', 'tsx', main] };
  return undefined;
}

/** Describes the runtime at `root`, or says why it cannot be used. */
export function describeRuntime(root: string, origin: RuntimeOrigin, node: string): Selection {
  const where = origin === 'bundled' ? 'the runtime bundled with the extension' : `the runtime at ${root}`;
  const pkg = readPackage(root);
  if (!pkg || pkg.name !== PACKAGE)
    return { ok: false, origin, error: `${where} is not a ${PACKAGE} package (no package.json naming it)` };
  const version = pkg.version ?? '0.0.0';
  const cli = cliOf(root, pkg, node);
  if (!cli)
    return {
      ok: false,
      origin,
      error: `${where} (${PACKAGE} ${version}) has no built CLI: run \`npm run build\` in it, or reinstall it`,
    };
  const protocol = pkg.weft?.protocol;
  if (protocol !== PROTOCOL) {
    const theirs =
      typeof protocol === 'number'
        ? `speaks protocol ${protocol}`
        : 'declares no protocol (package.json weft.protocol)';
    const fix =
      typeof protocol === 'number' && protocol > PROTOCOL
        ? 'update the Weft extension'
        : `install a runtime that speaks protocol ${PROTOCOL} (\`npm install --save-dev ${PACKAGE}@latest\`)`;
    return {
      ok: false,
      origin,
      error: `${where} (${PACKAGE} ${version}) ${theirs}; this Weft extension speaks protocol ${PROTOCOL}. To fix: ${fix}, or remove the pin (${origin === 'setting' ? 'clear weft.runtimePath' : `delete ${root}`}) to use the bundled runtime.`,
    };
  }
  const missing = Array.isArray(pkg.weft?.nativeModulesMissing)
    ? pkg.weft.nativeModulesMissing.filter((m): m is string => typeof m === 'string')
    : [];
  return { ok: true, runtime: { origin, root, version, protocol, cli, missing } };
}

/** The folders a workspace may pin a runtime in, in order of preference. */
export function pinnedCandidates(workspaceFolders: string[]): string[] {
  return workspaceFolders.flatMap((folder) => [
    path.join(folder, 'node_modules', '@weft', 'runtime'),
    path.join(folder, 'runtime'), // the Weft repository itself
  ]);
}

export function bundledRoot(extensionPath: string): string {
  return path.join(extensionPath, 'out', 'runtime');
}

export function selectRuntime(options: SelectOptions): Selection {
  const { node } = options;
  const setting = options.runtimePath.trim();
  if (setting) {
    const root = packageRootOf(setting);
    if (!root)
      return {
        ok: false,
        origin: 'setting',
        error: `weft.runtimePath ${setting} is not a ${PACKAGE} folder, nor a file inside one (set it to the folder holding its package.json, or clear it to use the bundled runtime)`,
      };
    return describeRuntime(root, 'setting', node);
  }
  for (const root of pinnedCandidates(options.workspaceFolders)) {
    if (readPackage(root)?.name === PACKAGE) return describeRuntime(root, 'workspace', node);
  }
  return describeRuntime(bundledRoot(options.extensionPath), 'bundled', node);
}

/** One line for logs and the Runtime view: `@weft/runtime 0.1.0 (bundled)`. */
export function describeSelection(selection: Selection): string {
  if (!selection.ok) return `no usable runtime (${selection.origin}): ${selection.error}`;
  const r = selection.runtime;
  const origin =
    r.origin === 'bundled'
      ? 'bundled'
      : r.origin === 'setting'
        ? 'weft.runtimePath'
        : 'pinned by the workspace';
  return `${PACKAGE} ${r.version} (${origin}, ${r.root})`;
}
