// The live parts of the compose backend through dockerode: container events and log streams of the
// stack's containers, on the engine of the active docker context. Built into its
// own bundle (out/docker.js) and loaded only when the stack runs on compose (see docker.ts).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Docker from 'dockerode';
import { lineSplitter } from './cli.js';
import type { DockerEndpoint } from './docker-endpoint.js';

export function connect(endpoint: DockerEndpoint): Docker {
  switch (endpoint.kind) {
    case 'socket':
      return new Docker({ socketPath: endpoint.socketPath });
    case 'ssh':
      return new Docker({
        protocol: 'ssh',
        host: endpoint.host,
        port: endpoint.port,
        ...(endpoint.username ? { username: endpoint.username } : {}),
      });
    case 'tcp': {
      const tls = endpoint.tlsDir
        ? {
            ca: readFileSync(join(endpoint.tlsDir, 'ca.pem')),
            cert: readFileSync(join(endpoint.tlsDir, 'cert.pem')),
            key: readFileSync(join(endpoint.tlsDir, 'key.pem')),
          }
        : {};
      return new Docker({ protocol: endpoint.protocol, host: endpoint.host, port: endpoint.port, ...tls });
    }
  }
}

export interface Watch {
  stop(): void;
}

/**
 * Calls onEvent for each event (start, die, health_status, ...) of the stack's containers, named as
 * `weft stack status` reports them.
 */
export async function watchEvents(
  docker: Docker,
  containers: Array<{ service: string; container: string }>,
  onEvent: (service: string, action: string) => void,
  onEnd: (error?: Error) => void,
): Promise<Watch> {
  const byName = new Map(containers.map((c) => [c.container, c.service]));
  const stream = (await docker.getEvents({
    filters: { type: ['container'], container: [...byName.keys()] },
  })) as NodeJS.ReadableStream & { destroy?: () => void };
  const lines = lineSplitter((line) => {
    if (!line.trim()) return;
    try {
      const event = JSON.parse(line) as { Action?: string; Actor?: { Attributes?: Record<string, string> } };
      const service = byName.get(event.Actor?.Attributes?.name ?? '');
      if (service && event.Action) onEvent(service, event.Action);
    } catch {
      // not an event line
    }
  });
  let stopped = false;
  stream.on('data', (chunk: Buffer) => lines.push(chunk));
  stream.on('error', (error: Error) => !stopped && onEnd(error));
  stream.on('end', () => !stopped && onEnd());
  return {
    stop() {
      stopped = true;
      stream.destroy?.();
    },
  };
}

/** Streams the logs of one container (by name or id: the last `tail` lines, then new ones) line by line. */
export async function followContainerLogs(
  docker: Docker,
  id: string,
  onLine: (line: string) => void,
  tail = 100,
): Promise<Watch> {
  const container = docker.getContainer(id);
  const info = await container.inspect();
  const stream = (await container.logs({
    follow: true,
    stdout: true,
    stderr: true,
    tail,
  })) as NodeJS.ReadableStream & { destroy?: () => void };
  const out = lineSplitter(onLine);
  if (info.Config.Tty) stream.on('data', (chunk: Buffer) => out.push(chunk));
  else {
    // without a TTY the engine multiplexes stdout and stderr into one framed stream
    const err = lineSplitter(onLine);
    const sink = (split: { push(c: Buffer): void }) =>
      ({
        write: (chunk: Buffer) => {
          split.push(chunk);
          return true;
        },
      }) as unknown as NodeJS.WritableStream;
    docker.modem.demuxStream(stream, sink(out), sink(err));
  }
  return { stop: () => stream.destroy?.() };
}
