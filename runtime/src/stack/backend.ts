// What every backend offers, and the shapes `status` reports.
import type { Writable } from 'node:stream';
import type { BackendName, ServiceName, ServiceState } from './definition.js';

export interface ServiceStatus {
  name: ServiceName;
  state: ServiceState;
  url: string;
  /** temporal only: the web UI */
  uiUrl?: string;
  /** e.g. "pid 1234", "container weft-x-redis-1", "exited 137" */
  detail?: string;
}

export interface StackStatus {
  backend: BackendName | 'external' | 'none';
  services: ServiceStatus[];
}

/** One progress line (the CLI writes it to stderr). */
export type Progress = (line: string) => void;

export interface LogsOptions {
  follow: boolean;
  out: Writable;
  /** lines of history per service (default 200) */
  tail?: number;
  /** ends a --follow */
  signal?: AbortSignal;
}

export interface StackBackend {
  readonly name: BackendName;
  /** Preflight, start what is not running, wait until all are healthy. On failure, stops what it started and throws a StackError. */
  up(progress: Progress): Promise<void>;
  /** Stops exactly what this stack started; `volumes` also deletes its data. */
  down(options: { volumes: boolean }, progress: Progress): Promise<void>;
  status(): Promise<ServiceStatus[]>;
  /** True when something of this stack exists (a pid file, a container), running or not. */
  present(): Promise<boolean>;
  logs(service: ServiceName | undefined, options: LogsOptions): Promise<void>;
}
