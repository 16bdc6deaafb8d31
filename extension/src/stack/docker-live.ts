// The live parts of the compose backend through dockerode: container state, container events and
// log streams of the stack's services, on the engine of the active docker context. Built into its
// own bundle (out/docker.js) and loaded only when the stack runs on compose (see docker.ts).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Docker from 'dockerode';
import { lineSplitter } from './cli.js';
import { type DockerEndpoint, stackServiceOf } from './docker-endpoint.js';

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

export interface ContainerState {
  service: string;
  project?: string;
  id: string;
  /** running, exited, restarting, ... */
  state: string;
  /** "Up 2 minutes (healthy)" */
  status: string;
}

function labelFilters(project: string | undefined): string[] {
  return project ? [`com.docker.compose.project=${project}`] : ['com.docker.compose.service'];
}

/** The stack's containers (any compose project, or the one named) and their state. */
export async function containerStates(
  docker: Docker,
  services: readonly string[],
  project?: string,
): Promise<ContainerState[]> {
  const list = await docker.listContainers({ all: true, filters: { label: labelFilters(project) } });
  return list.flatMap((c) => {
    const service = stackServiceOf(c.Labels, services);
    return service
      ? [
          {
            service,
            project: c.Labels['com.docker.compose.project'],
            id: c.Id,
            state: c.State,
            status: c.Status,
          },
        ]
      : [];
  });
}

export interface Watch {
  stop(): void;
}

/** Calls onEvent for each container event (start, die, health_status, ...) of the stack's services. */
export async function watchEvents(
  docker: Docker,
  services: readonly string[],
  onEvent: (service: string, action: string) => void,
  onEnd: (error?: Error) => void,
  project?: string,
): Promise<Watch> {
  const stream = (await docker.getEvents({
    filters: { type: ['container'], label: labelFilters(project) },
  })) as NodeJS.ReadableStream & { destroy?: () => void };
  const lines = lineSplitter((line) => {
    if (!line.trim()) return;
    try {
      const event = JSON.parse(line) as { Action?: string; Actor?: { Attributes?: Record<string, string> } };
      const service = stackServiceOf(event.Actor?.Attributes, services);
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

/** Streams the logs of one container (the last `tail` lines, then new ones) line by line. */
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
