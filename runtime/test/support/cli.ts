// Builds the real `weft` CLI bundle for a test file and runs it as a separate process.
import { spawn, spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import { REPO_ROOT } from './services.js';

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface BuiltCli {
  file: string;
  run(args: string[], options?: { cwd?: string; env?: NodeJS.ProcessEnv }): CliResult;
  runAsync(args: string[], options?: { cwd?: string; env?: NodeJS.ProcessEnv }): Promise<CliResult>;
  remove(): void;
}

/** Built next to runtime/ so external packages resolve from node_modules; private to this test process. */
export async function buildCli(name: string): Promise<BuiltCli> {
  const runtimeDir = path.join(REPO_ROOT, 'runtime');
  const file = path.join(runtimeDir, 'dist', '.test', `${name}-${process.pid}.js`);
  await build({
    entryPoints: [path.join(runtimeDir, 'src/cli/main.ts')],
    outfile: file,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    logLevel: 'warning',
  });
  const env = (extra?: NodeJS.ProcessEnv) => ({ ...process.env, NO_COLOR: '1', ...extra });
  return {
    file,
    run(args, options = {}) {
      const r = spawnSync(process.execPath, [file, ...args], {
        cwd: options.cwd,
        env: env(options.env),
        encoding: 'utf8',
      });
      return { code: r.status, stdout: r.stdout, stderr: r.stderr };
    },
    runAsync(args, options = {}) {
      return new Promise((resolve, reject) => {
        const child = spawn(process.execPath, [file, ...args], { cwd: options.cwd, env: env(options.env) });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d) => {
          stdout += d;
        });
        child.stderr.on('data', (d) => {
          stderr += d;
        });
        child.on('error', reject);
        child.on('close', (code) => resolve({ code, stdout, stderr }));
      });
    },
    remove() {
      rmSync(file, { force: true });
    },
  };
}
