// Running `weft stack ...` (the CLI found like runs/local-runtime.ts finds it): one command to its
// end, or `logs --follow` until stopped. Node only, no VS Code API; every child is stopped by pid.
import { type ChildProcess, spawn } from 'node:child_process';

export interface WeftCli {
  command: string;
  args: string[];
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  cwd: string;
  env?: NodeJS.ProcessEnv;
  /** Each complete line of stderr (the CLI's progress), as it comes. */
  onLine?: (line: string) => void;
  signal?: AbortSignal;
}

export function cliEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  // ELECTRON_RUN_AS_NODE: process.execPath is Electron in desktop VS Code
  return { ...process.env, ELECTRON_RUN_AS_NODE: '1', FORCE_COLOR: '0', NO_COLOR: '1', ...extra };
}

/** Splits a byte stream into lines; the last partial line is kept until the stream ends. */
export function lineSplitter(onLine: (line: string) => void): {
  push(chunk: Buffer | string): void;
  end(): void;
} {
  let partial = '';
  return {
    push(chunk) {
      const lines = (partial + chunk.toString()).split(/\r?\n/);
      partial = lines.pop() ?? '';
      for (const line of lines) onLine(line);
    },
    end() {
      if (partial) onLine(partial);
      partial = '';
    },
  };
}

/** Runs `cli ...args` to its end. A failure to start rejects; a non-zero exit resolves with its code. */
export function runCli(cli: WeftCli, args: string[], options: RunOptions): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cli.command, [...cli.args, ...args], {
      cwd: options.cwd,
      env: options.env ?? cliEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    const lines = lineSplitter((line) => options.onLine?.(line));
    child.stdout!.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr!.on('data', (d: Buffer) => {
      stderr += d.toString();
      lines.push(d);
    });
    const abort = () => stop(child);
    options.signal?.addEventListener('abort', abort, { once: true });
    child.on('error', (error) => {
      options.signal?.removeEventListener('abort', abort);
      reject(
        new Error(
          `cannot run the weft CLI (${cli.command}${cli.args.length ? ` ${cli.args.join(' ')}` : ''}): ${error.message}. Install @weft/runtime (npm install -g @weft/runtime) or open the folder that contains it.`,
        ),
      );
    });
    child.on('close', (code, signal) => {
      options.signal?.removeEventListener('abort', abort);
      lines.end();
      resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr });
    });
  });
}

export interface LogFollower {
  readonly process: ChildProcess;
  stop(): void;
}

/** Starts `cli ...args` (a `logs --follow`), each output line to onLine, until stop(). */
export function followCli(
  cli: WeftCli,
  args: string[],
  options: RunOptions & { onExit?: (code: number | null) => void },
): LogFollower {
  const child = spawn(cli.command, [...cli.args, ...args], {
    cwd: options.cwd,
    env: options.env ?? cliEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out = lineSplitter((line) => options.onLine?.(line));
  const err = lineSplitter((line) => options.onLine?.(line));
  child.stdout!.on('data', (d: Buffer) => out.push(d));
  child.stderr!.on('data', (d: Buffer) => err.push(d));
  child.on('error', (error) => options.onLine?.(`cannot follow the stack's logs: ${error.message}`));
  child.on('close', (code) => {
    out.end();
    err.end();
    options.onExit?.(code);
  });
  return { process: child, stop: () => stop(child) };
}

function stop(child: ChildProcess): void {
  if (child.exitCode === null && child.signalCode === null && child.pid) {
    try {
      child.kill('SIGTERM');
    } catch {
      // already gone
    }
  }
}
