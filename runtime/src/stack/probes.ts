// Health probes: each asks the service itself (HTTP /ready, Temporal's gRPC health service, Redis
// PING, the worker's poll on its task queue). Never log text. Each resolves true/false, never throws.
import { Socket } from 'node:net';
import { Connection } from '@temporalio/client';
import { Redis } from 'ioredis';
import type { ServiceName, StackConfig } from './definition.js';

const PROBE_TIMEOUT_MS = 2000;

/** True when something accepts a TCP connection on 127.0.0.1:port. */
export function tcpOpen(port: number, host = '127.0.0.1', timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    const finish = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => finish(false));
    socket.once('error', () => finish(false));
    socket.connect(port, host, () => finish(true));
  });
}

/** GET http://127.0.0.1:port/ready answers 2xx. */
export async function weftReady(port: number): Promise<boolean> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/ready`, {
      signal: AbortSignal.timeout(PROBE_TIMEOUT_MS),
    });
    await response.body?.cancel();
    return response.ok;
  } catch {
    return false;
  }
}

/** PING answers PONG. */
export async function redisPing(port: number): Promise<boolean> {
  if (!(await tcpOpen(port))) return false;
  const client = new Redis({
    host: '127.0.0.1',
    port,
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: PROBE_TIMEOUT_MS,
    retryStrategy: () => null,
  });
  client.on('error', () => {});
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

/** `7233` -> 127.0.0.1:7233; `temporal:7233` as it is. */
function address(target: number | string): { host: string; port: number; address: string } {
  if (typeof target === 'number') return { host: '127.0.0.1', port: target, address: `127.0.0.1:${target}` };
  const cut = target.lastIndexOf(':');
  return { host: target.slice(0, cut), port: Number(target.slice(cut + 1)), address: target };
}

async function withTemporal<T>(
  target: number | string,
  use: (connection: Connection) => Promise<T>,
): Promise<T | false> {
  const { host, port, address: where } = address(target);
  if (!(await tcpOpen(port, host))) return false;
  let connection: Connection | undefined;
  try {
    connection = await Connection.connect({ address: where, connectTimeout: PROBE_TIMEOUT_MS });
    return await use(connection);
  } catch {
    return false;
  } finally {
    await connection?.close().catch(() => {});
  }
}

/** grpc.health.v1 Check answers SERVING and the namespace exists (workflows can start). */
export async function temporalServing(target: number | string, namespace = 'default'): Promise<boolean> {
  const result = await withTemporal(target, async (connection) => {
    const health = await connection.healthService.check({});
    if (health.status !== 1) return false; // 1 = SERVING
    await connection.workflowService.describeNamespace({ namespace });
    return true;
  });
  return result === true;
}

/** A worker polled the task queue in the last `withinMs` (Temporal keeps pollers for 90 s). */
export async function workerPolling(
  target: number | string,
  namespace: string,
  taskQueue: string,
  withinMs = 90_000,
): Promise<boolean> {
  const result = await withTemporal(target, async (connection) => {
    const response = await connection.workflowService.describeTaskQueue({
      namespace,
      taskQueue: { name: taskQueue, kind: 1 },
      taskQueueType: 1,
    });
    const since = Date.now() - withinMs;
    return (response.pollers ?? []).some((poller) => {
      const seconds = Number(poller.lastAccessTime?.seconds ?? 0);
      return seconds === 0 || seconds * 1000 >= since;
    });
  });
  return result === true;
}

/** The probe of one service on the configured ports. */
export function probeService(
  config: Pick<StackConfig, 'ports' | 'namespace' | 'taskQueue'>,
  name: ServiceName,
) {
  switch (name) {
    case 'redis':
      return redisPing(config.ports.redis);
    case 'temporal':
      return temporalServing(config.ports.temporal, config.namespace);
    case 'weft':
      return weftReady(config.ports.weft);
    case 'worker':
      return workerPolling(config.ports.temporal, config.namespace, config.taskQueue);
  }
}
