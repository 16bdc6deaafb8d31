// What the feature's tests need on this machine, and one scenario run (run-in-rootfs.sh) as a result.
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readServicesEnv } from '../../runtime/test/support/services.js';

export const REPO = fileURLToPath(new URL('../../', import.meta.url));

/** The pristine debootstrap root (scripts/provision.sh: FEATURE_ROOTFS in .cache/services.env). */
export function featureRootfs(): string {
  return (
    process.env.FEATURE_ROOTFS ??
    readServicesEnv().FEATURE_ROOTFS ??
    join(REPO, '.cache/devcontainer-feature/rootfs-bookworm')
  );
}

/** The devcontainer CLI (scripts/provision.sh: DEVCONTAINER_CLI in .cache/services.env). */
export function devcontainerCli(): string {
  return (
    process.env.DEVCONTAINER_CLI ??
    readServicesEnv().DEVCONTAINER_CLI ??
    join(REPO, '.cache/devcontainers-cli/node_modules/@devcontainers/cli/devcontainer.js')
  );
}

const onPath = (name: string): boolean => spawnSync('sh', ['-c', `command -v ${name}`]).status === 0;

/** Why the root-based tests cannot run here, or undefined when they can. */
export function featureTools(): string | undefined {
  if (process.getuid?.() !== 0) return 'the feature tests need root (overlay mounts and unshare)';
  if (!existsSync(join(featureRootfs(), 'etc/debian_version')))
    return `no debootstrap root at ${featureRootfs()}; run: bash scripts/provision.sh`;
  for (const tool of ['unshare', 'ip', 'shellcheck', 'docker-registry']) {
    if (!onPath(tool)) return `${tool} is not installed; run: bash scripts/provision.sh`;
  }
  if (!existsSync(devcontainerCli()))
    return `no devcontainer CLI at ${devcontainerCli()}; run: bash scripts/provision.sh`;
  return undefined;
}

export interface ScenarioRun {
  status: number | null;
  output: string;
  figures: Record<string, number>;
}

/** One scenario in a fresh overlay of the root: install.sh with OPTIONS, container start, SCRIPT as USER. */
export function runScenario(
  script: string,
  user: string,
  options: string[],
  env: Record<string, string>,
): ScenarioRun {
  const run = spawnSync(
    'bash',
    [join(REPO, 'devcontainer-feature/test/run-in-rootfs.sh'), featureRootfs(), script, user, ...options],
    {
      encoding: 'utf8',
      env: { ...process.env, NPM_CACHE: join(REPO, '.cache/devcontainer-feature/npm-cache'), ...env },
      timeout: 600_000,
    },
  );
  const output = `${run.stdout ?? ''}\n${run.stderr ?? ''}`;
  const logs = process.env.WEFT_FEATURE_LOGS; // keep each run's output there for a look after a failure
  if (logs)
    writeFileSync(
      join(logs, `${script}-${options.join('_').replace(/[^\w=.-]/g, '_')}-${Date.now()}.log`),
      output,
    );
  const figures: Record<string, number> = {};
  for (const m of output.matchAll(/^== figure (\w+) ([\d.]+)$/gm)) figures[m[1]!] = Number(m[2]);
  return { status: run.status, output, figures };
}

/** Resolves once something accepts connections on 127.0.0.1:PORT (rejects after TIMEOUT ms). */
export async function waitForPort(port: number, timeout = 15_000): Promise<void> {
  const deadline = Date.now() + timeout;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => resolve(true)).once('error', () => resolve(false));
    }).catch(() => false);
    if (open) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on 127.0.0.1:${port} after ${timeout} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
