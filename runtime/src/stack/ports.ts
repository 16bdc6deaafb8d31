// Is a port free, and if not, who holds it? The holder comes from /proc (Linux: the listening
// socket's inode, then the process whose fd points at it); elsewhere only the port is named.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { createServer } from 'node:net';

/** True when 127.0.0.1:port can be bound right now. */
export function portFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** Inodes of sockets listening on `port`, from the text of /proc/net/tcp or /proc/net/tcp6. */
export function listeningInodes(procNetTcp: string, port: number): string[] {
  const inodes: string[] = [];
  for (const line of procNetTcp.split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    const local = fields[1];
    const state = fields[3];
    const inode = fields[9];
    if (!local || state !== '0A' || !inode) continue; // 0A = LISTEN
    const hexPort = local.slice(local.lastIndexOf(':') + 1);
    if (Number.parseInt(hexPort, 16) === port) inodes.push(inode);
  }
  return inodes;
}

export interface PortHolder {
  pid: number;
  command: string;
}

const read = (file: string): string => {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
};

/** The process listening on `port`, where /proc tells (undefined otherwise, e.g. another user's). */
export function portHolder(port: number): PortHolder | undefined {
  if (process.platform !== 'linux') return undefined;
  const inodes = new Set([
    ...listeningInodes(read('/proc/net/tcp'), port),
    ...listeningInodes(read('/proc/net/tcp6'), port),
  ]);
  if (inodes.size === 0) return undefined;
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return undefined;
  }
  for (const pid of pids) {
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      let target: string;
      try {
        target = readlinkSync(`/proc/${pid}/fd/${fd}`);
      } catch {
        continue;
      }
      const match = /^socket:\[(\d+)\]$/.exec(target);
      if (match?.[1] && inodes.has(match[1])) {
        const command = read(`/proc/${pid}/cmdline`).split('\0').filter(Boolean).join(' ');
        return { pid: Number(pid), command: command || read(`/proc/${pid}/comm`).trim() };
      }
    }
  }
  return undefined;
}

/** "pid 123 (redis-server --port 6379)" or "" when unknown. */
export function describeHolder(holder: PortHolder | undefined): string {
  if (!holder) return '';
  const command = holder.command.length > 80 ? `${holder.command.slice(0, 77)}...` : holder.command;
  return `pid ${holder.pid} (${command})`;
}
