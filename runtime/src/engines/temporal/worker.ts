// Connecting to Temporal and running a Weft worker: the weftWorkflow (bundled once at start) and the
// executeStep activity on one task queue. Used by `weft worker`, by `weft run --engine temporal` when
// no worker is polling, and by tests.
import { existsSync } from 'node:fs';
import { Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { Connection } from '@temporalio/client';
import {
  bundleWorkflowCode,
  DefaultLogger,
  NativeConnection,
  Runtime,
  Worker,
  type WorkflowBundleWithSourceMap,
} from '@temporalio/worker';
import { type ActivityOptions, createActivities } from './activities.js';

export interface TemporalConfig {
  address: string;
  namespace: string;
  taskQueue: string;
}

/** TEMPORAL_ADDRESS (127.0.0.1:7233), TEMPORAL_NAMESPACE (default), TEMPORAL_TASK_QUEUE (weft). */
export function temporalConfig(env: Record<string, string | undefined> = process.env): TemporalConfig {
  const pick = (name: string, fallback: string) => {
    const value = env[name]?.trim();
    return value ? value : fallback;
  };
  return {
    address: pick('TEMPORAL_ADDRESS', '127.0.0.1:7233'),
    namespace: pick('TEMPORAL_NAMESPACE', 'default'),
    taskQueue: pick('TEMPORAL_TASK_QUEUE', 'weft'),
  };
}

export class TemporalUnreachableError extends Error {
  constructor(address: string, cause: unknown) {
    super(
      `cannot reach Temporal at ${address}: start one with \`temporal server start-dev\` or set TEMPORAL_ADDRESS` +
        ` (${(cause as Error)?.message ?? String(cause)})`,
    );
    this.name = 'TemporalUnreachableError';
  }
}

const CONNECT_TIMEOUT_MS = 5000;

/** Fails at once when nothing listens at host:port (gRPC would retry until its deadline). */
async function probe(address: string): Promise<void> {
  const match = /^(.*):(\d+)$/.exec(address);
  if (!match) return;
  const host = match[1]!.replace(/^\[(.*)\]$/, '$1');
  const port = Number(match[2]);
  await new Promise<void>((resolve, reject) => {
    const socket = new Socket();
    socket.setTimeout(CONNECT_TIMEOUT_MS, () => {
      socket.destroy();
      resolve(); // slow network: let the real connection decide
    });
    socket.once('error', (error) => {
      socket.destroy();
      reject(error);
    });
    socket.connect(port, host, () => {
      socket.destroy();
      resolve();
    });
  });
}

/** A client connection; fails with TemporalUnreachableError when nothing answers at the address. */
export async function connectClient(config: TemporalConfig): Promise<Connection> {
  try {
    await probe(config.address);
    const connection = await Connection.connect({
      address: config.address,
      connectTimeout: CONNECT_TIMEOUT_MS,
    });
    await connection.workflowService.getSystemInfo({});
    return connection;
  } catch (error) {
    throw new TemporalUnreachableError(config.address, error);
  }
}

export async function connectWorker(config: TemporalConfig): Promise<NativeConnection> {
  try {
    await probe(config.address);
    return await NativeConnection.connect({ address: config.address });
  } catch (error) {
    throw new TemporalUnreachableError(config.address, error);
  }
}

/**
 * The workflow module's source. Next to this file when running from sources (tests, tsx); from the
 * bundled CLI (dist/cli.js, dist/.test/*.js) the package's src/ folder.
 */
export function workflowsPath(): string {
  const candidates = [
    './workflows.ts',
    './workflows.js',
    '../src/engines/temporal/workflows.ts',
    '../../src/engines/temporal/workflows.ts',
  ].map((relative) => fileURLToPath(new URL(relative, import.meta.url)));
  const found = candidates.find((file) => existsSync(file));
  if (!found)
    throw new Error(`the Temporal workflow sources are missing (looked at ${candidates.join(', ')})`);
  return found;
}

const quiet = () => {};
const silentLogger = { log: quiet, trace: quiet, debug: quiet, info: quiet, warn: quiet, error: quiet };

let bundled: Promise<WorkflowBundleWithSourceMap> | undefined;

/** Bundles the workflow code once per process. */
export function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  bundled ??= bundleWorkflowCode({ workflowsPath: workflowsPath(), logger: silentLogger }).catch(
    (error: unknown) => {
      bundled = undefined;
      throw error;
    },
  );
  return bundled;
}

let runtimeInstalled = false;

/**
 * Installs the Temporal runtime for a CLI process: it logs warnings and errors only and leaves SIGINT
 * and SIGTERM to the caller (which shuts the worker down or cancels the run). Call before any worker.
 */
export function installCliRuntime(): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  Runtime.install({ logger: new DefaultLogger('WARN'), shutdownSignals: [] });
}

export interface WeftWorkerOptions extends ActivityOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  /** An identity shown in Temporal's UI. */
  identity?: string;
}

export async function createWeftWorker(options: WeftWorkerOptions): Promise<Worker> {
  const { connection, namespace, taskQueue, identity, ...activityOptions } = options;
  return Worker.create({
    connection,
    namespace,
    taskQueue,
    ...(identity ? { identity } : {}),
    workflowBundle: await workflowBundle(),
    activities: createActivities(activityOptions),
    // Heartbeats reach the server at least every second, so a cancelled step stops quickly.
    maxHeartbeatThrottleInterval: '1 second',
    shutdownGraceTime: '10 seconds',
  });
}

/** True when some worker polled the task queue for workflow tasks in the last 90 seconds. */
export async function hasWorkflowPoller(connection: Connection, config: TemporalConfig): Promise<boolean> {
  const response = await connection.workflowService.describeTaskQueue({
    namespace: config.namespace,
    taskQueue: { name: config.taskQueue, kind: 1 },
    taskQueueType: 1,
  });
  const recent = Date.now() - 90_000;
  return (response.pollers ?? []).some((poller) => {
    const seconds = Number(poller.lastAccessTime?.seconds ?? 0);
    return seconds === 0 || seconds * 1000 >= recent;
  });
}
