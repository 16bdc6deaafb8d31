// Connecting to Temporal and running a Weft worker: the weftWorkflow (bundled once at start) and the
// executeStep activity on one task queue. Used by `weft worker`, by `weft run --engine temporal` when
// no worker is polling, and by tests.
import { existsSync, readFileSync } from 'node:fs';
import { Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { Connection, type TLSConfig } from '@temporalio/client';
import {
  bundleWorkflowCode,
  DefaultLogger,
  NativeConnection,
  Runtime,
  Worker,
  type WorkflowBundleOption,
  type WorkflowBundleWithSourceMap,
} from '@temporalio/worker';
import { type ActivityOptions, createActivities } from './activities.js';

export interface TemporalConfig {
  address: string;
  namespace: string;
  taskQueue: string;
  /** Temporal Cloud API key (TEMPORAL_API_KEY); turns TLS on unless TEMPORAL_TLS=false. */
  apiKey?: string;
  /** TLS settings from TEMPORAL_TLS* (see connectionSecurity). */
  tls?: TemporalTlsConfig;
}

export interface TemporalTlsConfig {
  clientCertPath?: string;
  clientKeyPath?: string;
  serverCaCertPath?: string;
  serverName?: string;
}

/**
 * TEMPORAL_ADDRESS (127.0.0.1:7233), TEMPORAL_NAMESPACE (default), TEMPORAL_TASK_QUEUE (weft), and
 * Temporal Cloud's settings under the names Temporal's own CLI and SDKs read: TEMPORAL_API_KEY,
 * TEMPORAL_TLS (true/false), TEMPORAL_TLS_CLIENT_CERT_PATH, TEMPORAL_TLS_CLIENT_KEY_PATH,
 * TEMPORAL_TLS_SERVER_CA_CERT_PATH, TEMPORAL_TLS_SERVER_NAME.
 */
export function temporalConfig(env: Record<string, string | undefined> = process.env): TemporalConfig {
  const value = (name: string) => {
    const v = env[name]?.trim();
    return v ? v : undefined;
  };
  const apiKey = value('TEMPORAL_API_KEY');
  const clientCertPath = value('TEMPORAL_TLS_CLIENT_CERT_PATH');
  const clientKeyPath = value('TEMPORAL_TLS_CLIENT_KEY_PATH');
  const serverCaCertPath = value('TEMPORAL_TLS_SERVER_CA_CERT_PATH');
  const serverName = value('TEMPORAL_TLS_SERVER_NAME');
  if ((clientCertPath === undefined) !== (clientKeyPath === undefined)) {
    throw new Error(
      'TEMPORAL_TLS_CLIENT_CERT_PATH and TEMPORAL_TLS_CLIENT_KEY_PATH go together (mTLS needs both): set both or neither',
    );
  }
  const tlsFlag = value('TEMPORAL_TLS')?.toLowerCase();
  if (tlsFlag !== undefined && !['true', 'false', '1', '0'].includes(tlsFlag)) {
    throw new Error(`TEMPORAL_TLS must be true or false, not "${env.TEMPORAL_TLS}"`);
  }
  const tlsSettings = clientCertPath || serverCaCertPath || serverName;
  const tlsOn =
    tlsFlag !== undefined ? tlsFlag === 'true' || tlsFlag === '1' : Boolean(apiKey || tlsSettings);
  return {
    address: value('TEMPORAL_ADDRESS') ?? '127.0.0.1:7233',
    namespace: value('TEMPORAL_NAMESPACE') ?? 'default',
    taskQueue: value('TEMPORAL_TASK_QUEUE') ?? 'weft',
    ...(apiKey ? { apiKey } : {}),
    ...(tlsOn
      ? {
          tls: {
            ...(clientCertPath ? { clientCertPath } : {}),
            ...(clientKeyPath ? { clientKeyPath } : {}),
            ...(serverCaCertPath ? { serverCaCertPath } : {}),
            ...(serverName ? { serverName } : {}),
          },
        }
      : {}),
  };
}

/** The SDK's connection options for the config's API key and TLS (files are read here, once). */
export function connectionSecurity(config: TemporalConfig): {
  apiKey?: string;
  tls?: TLSConfig | false;
} {
  const read = (path: string, what: string) => {
    try {
      return readFileSync(path);
    } catch (error) {
      throw new Error(`cannot read ${what} at ${path}: ${(error as Error).message}`);
    }
  };
  const tls = config.tls;
  return {
    ...(config.apiKey ? { apiKey: config.apiKey } : {}),
    tls: tls
      ? {
          ...(tls.serverName ? { serverNameOverride: tls.serverName } : {}),
          ...(tls.serverCaCertPath
            ? { serverRootCACertificate: read(tls.serverCaCertPath, 'TEMPORAL_TLS_SERVER_CA_CERT_PATH') }
            : {}),
          ...(tls.clientCertPath && tls.clientKeyPath
            ? {
                clientCertPair: {
                  crt: read(tls.clientCertPath, 'TEMPORAL_TLS_CLIENT_CERT_PATH'),
                  key: read(tls.clientKeyPath, 'TEMPORAL_TLS_CLIENT_KEY_PATH'),
                },
              }
            : {}),
        }
      : false,
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
  const security = connectionSecurity(config);
  try {
    await probe(config.address);
    const connection = await Connection.connect({
      address: config.address,
      connectTimeout: CONNECT_TIMEOUT_MS,
      ...security,
    });
    await connection.workflowService.getSystemInfo({});
    return connection;
  } catch (error) {
    throw new TemporalUnreachableError(config.address, error);
  }
}

export async function connectWorker(config: TemporalConfig): Promise<NativeConnection> {
  const security = connectionSecurity(config);
  try {
    await probe(config.address);
    return await NativeConnection.connect({ address: config.address, ...security });
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
    throw new Error(
      `the Temporal workflow sources are missing (looked at ${candidates.join(', ')}); a bundled runtime (dist/image/) needs WEFT_WORKFLOW_BUNDLE naming its prebuilt temporal-workflows.js`,
    );
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

/**
 * WEFT_WORKFLOW_BUNDLE: a workflow bundle prebuilt at image build (runtime/image-bundle.mjs), so the
 * image carries no bundler; else the code is bundled at start.
 */
async function workerBundle(): Promise<WorkflowBundleOption> {
  const prebuilt = process.env.WEFT_WORKFLOW_BUNDLE?.trim();
  if (!prebuilt) return workflowBundle();
  if (!existsSync(prebuilt))
    throw new Error(`WEFT_WORKFLOW_BUNDLE names ${prebuilt}, which does not exist: fix the path or unset it`);
  return { codePath: prebuilt };
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
    workflowBundle: await workerBundle(),
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
