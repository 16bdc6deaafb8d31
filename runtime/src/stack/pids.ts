// Detached daemons and their pid files: start a process in its own session with its output appended
// to a log file (so it outlives the CLI), know it again later (pid + start time, so a reused pid is
// never taken for ours), and stop its process group.
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export interface PidRecord {
  pid: number;
  /** /proc/PID/stat start time (clock ticks since boot), where /proc exists */
  startTime?: string;
  command: string;
  startedAt: string;
}

function procStat(pid: number): { state: string; startTime: string } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields after the command: [0]=state ... [19]=starttime (field 22 of the whole line)
    return { state: rest[0] ?? '', startTime: rest[19] ?? '' };
  } catch {
    return undefined;
  }
}

/** True while the recorded process runs (not a zombie, and the pid was not reused since). */
export function isAlive(record: PidRecord): boolean {
  try {
    process.kill(record.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const stat = procStat(record.pid);
  if (!stat) return process.platform !== 'linux';
  if (stat.state === 'Z' || stat.state === 'X') return false;
  return record.startTime === undefined || record.startTime === stat.startTime;
}

export function readPidFile(file: string): PidRecord | undefined {
  try {
    const record = JSON.parse(readFileSync(file, 'utf8')) as PidRecord;
    return Number.isInteger(record.pid) && record.pid > 0 ? record : undefined;
  } catch {
    return undefined;
  }
}

export function removePidFile(file: string): void {
  rmSync(file, { force: true });
}

export interface DaemonSpec {
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
  logFile: string;
  pidFile: string;
}

/** Starts a daemon: own session and process group, stdout+stderr appended to logFile, pid file written. */
export function startDaemon(spec: DaemonSpec): PidRecord {
  mkdirSync(dirname(spec.logFile), { recursive: true });
  mkdirSync(dirname(spec.pidFile), { recursive: true });
  const fd = openSync(spec.logFile, 'a');
  try {
    writeFileSync(fd, `--- ${new Date().toISOString()} starting: ${spec.command} ${spec.args.join(' ')}\n`);
    const child = spawn(spec.command, spec.args, {
      detached: true,
      stdio: ['ignore', fd, fd],
      env: spec.env,
      cwd: spec.cwd,
    });
    child.on('error', () => {}); // an ENOENT shows as a dead pid; preflight looked for the binary
    child.unref();
    if (child.pid === undefined) throw new Error(`could not start ${spec.command}`);
    const record: PidRecord = {
      pid: child.pid,
      startTime: procStat(child.pid)?.startTime,
      command: [spec.command, ...spec.args].join(' '),
      startedAt: new Date().toISOString(),
    };
    writeFileSync(spec.pidFile, `${JSON.stringify(record)}\n`);
    return record;
  } finally {
    closeSync(fd);
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function signalGroup(record: PidRecord, signal: NodeJS.Signals): void {
  try {
    process.kill(-record.pid, signal);
  } catch {
    try {
      process.kill(record.pid, signal);
    } catch {
      // gone
    }
  }
}

/** SIGTERM to the daemon's process group, SIGKILL after graceMs; resolves once it is gone. */
export async function stopDaemon(record: PidRecord, graceMs: number): Promise<void> {
  if (!isAlive(record)) return;
  signalGroup(record, 'SIGTERM');
  const killAt = Date.now() + graceMs;
  while (isAlive(record)) {
    if (Date.now() >= killAt) {
      signalGroup(record, 'SIGKILL');
      break;
    }
    await sleep(25);
  }
  while (isAlive(record)) await sleep(25);
  // children of the leader that outlived it
  try {
    process.kill(-record.pid, 'SIGKILL');
  } catch {
    // group empty
  }
}
