// Starting a local `weft serve` for this window when weft.runtimeUrl is empty or unreachable (which
// runtime: src/runtime/select.ts).
// The process is ours: we stop it by pid when the extension deactivates.
import { type ChildProcess, spawn } from 'node:child_process';
import { selectRuntime } from '../runtime/select.js';

export interface LocalRuntime {
  url: string;
  /** What it serves (--workflows). */
  workflowsDir: string;
  process: ChildProcess;
  stop(): void;
}

/**
 * The `weft` CLI of the runtime that src/runtime/select.ts picks: a runtime the workspace pins, else the
 * one bundled with the extension; throws its refusal (a protocol mismatch, what to do). Prefer the
 * RuntimeService's cli(), which also honours weft.runtimePath and workspace trust.
 */
export function findWeftCli(
  workspaceFolders: string[],
  extensionPath: string,
  runtimePath = '',
): { command: string; args: string[] } {
  const selection = selectRuntime({ runtimePath, workspaceFolders, extensionPath, node: process.execPath });
  if (!selection.ok) throw new Error(selection.error);
  return selection.runtime.cli;
}

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error';

/** One line of `weft serve` output (pino JSON, or plain text) as a readable line and a level. */
export function formatLogLine(line: string): { level: LogLevel; text: string } {
  if (!line.startsWith('{')) return { level: 'info', text: line };
  try {
    const { level, time, pid, hostname, msg, ...rest } = JSON.parse(line) as Record<string, unknown>;
    const n = typeof level === 'number' ? level : 30;
    const mapped: LogLevel =
      n >= 50 ? 'error' : n >= 40 ? 'warn' : n >= 30 ? 'info' : n >= 20 ? 'debug' : 'trace';
    const extra = Object.keys(rest).length ? ` ${JSON.stringify(rest)}` : '';
    return { level: mapped, text: `${String(msg ?? '')}${extra}` };
  } catch {
    return { level: 'info', text: line };
  }
}

/**
 * Spawns `weft serve --host 127.0.0.1 --port 0 --workflows DIR` (runs kept in dataDir) and resolves
 * with the URL it prints. `log` receives its output line by line.
 */
export function startLocalRuntime(
  cli: { command: string; args: string[] },
  workflowsDir: string,
  dataDir: string,
  log: (line: string, level: LogLevel) => void,
  timeoutMs = 30_000,
): Promise<LocalRuntime> {
  const args = [...cli.args, 'serve', '--host', '127.0.0.1', '--port', '0', '--workflows', workflowsDir];
  log(`starting: ${cli.command} ${args.join(' ')}`, 'info');
  const child = spawn(cli.command, args, {
    cwd: workflowsDir,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1', FORCE_COLOR: '0', WEFT_DATA_DIR: dataDir },
  });
  const stop = () => {
    if (child.exitCode === null && child.pid) {
      try {
        child.kill('SIGTERM');
      } catch {
        // already gone
      }
    }
  };
  return new Promise((resolve, reject) => {
    let settled = false;
    let seen = '';
    let partial = '';
    const timer = setTimeout(() => {
      if (settled) return;
      settled = true;
      stop();
      reject(new Error(`weft serve did not report a URL within ${timeoutMs / 1000}s:\n${seen.slice(-2000)}`));
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      const text = chunk.toString();
      if (!settled) seen += text;
      const lines = (partial + text).split(/\r?\n/);
      partial = lines.pop() ?? '';
      for (const line of lines) {
        if (!line.trim()) continue;
        const { level, text: formatted } = formatLogLine(line);
        log(formatted, level);
      }
      // "Server listening at URL" (fastify) or {"address":"URL", ..., "msg":"weft serve listening"}
      const m = /(?:listening at |"address":")(https?:\/\/[^\s"]+)/.exec(seen);
      if (m && !settled) {
        settled = true;
        clearTimeout(timer);
        seen = '';
        resolve({ url: m[1]!, workflowsDir, process: child, stop });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('error', (error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      reject(new Error(`cannot start weft serve (${cli.command}): ${error.message}`));
    });
    child.on('exit', (code) => {
      log(`weft serve exited with ${code}`, code ? 'warn' : 'info');
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      reject(new Error(`weft serve exited with ${code} before listening:\n${seen.slice(-2000)}`));
    });
  });
}
