// What `weft stack status --json` reports, checked, and the one overall state the editor shows.
// Pure: no VS Code, no I/O.

export const SERVICE_NAMES = ['weft', 'worker', 'temporal', 'redis'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];
export const SERVICE_STATES = ['healthy', 'unhealthy', 'starting', 'stopped'] as const;
export type ServiceState = (typeof SERVICE_STATES)[number];
export const BACKENDS = ['compose', 'processes', 'external', 'none'] as const;
export type Backend = (typeof BACKENDS)[number];

export interface ServiceStatus {
  name: string;
  state: ServiceState;
  url?: string;
  /** temporal: its web UI */
  uiUrl?: string;
  /** e.g. "pid 1234", "container weft-x-redis-1 (exited 137)" */
  detail?: string;
}

export interface StackStatus {
  backend: Backend;
  services: ServiceStatus[];
}

/**
 * The editor's view of the stack: the CLI's states plus what the extension itself is doing
 * (`busy` while up/down/restart runs) and `unknown` (never asked, or the CLI failed).
 */
export type StackState = 'healthy' | 'degraded' | 'starting' | 'stopped' | 'busy' | 'unknown';

/** Parses the JSON that `weft stack status --json` (or `up --json`) prints; throws naming what is wrong. */
export function parseStatus(text: string): StackStatus {
  // the CLI may print progress before the JSON on the same stream: take the last JSON object
  const start = text.lastIndexOf('\n{') >= 0 ? text.lastIndexOf('\n{') + 1 : text.indexOf('{');
  if (start < 0) throw new Error(`weft stack status printed no JSON: ${excerpt(text)}`);
  let raw: unknown;
  try {
    raw = JSON.parse(text.slice(start));
  } catch (error) {
    throw new Error(`weft stack status printed invalid JSON (${(error as Error).message}): ${excerpt(text)}`);
  }
  if (!raw || typeof raw !== 'object') throw new Error('weft stack status: expected a JSON object');
  const { backend, services } = raw as { backend?: unknown; services?: unknown };
  if (!BACKENDS.includes(backend as Backend))
    throw new Error(
      `weft stack status: "backend" is ${JSON.stringify(backend)}, expected one of ${BACKENDS}`,
    );
  if (!Array.isArray(services)) throw new Error('weft stack status: "services" is not an array');
  return {
    backend: backend as Backend,
    services: services.map((s, i) => {
      const { name, state, url, uiUrl, detail } = (s ?? {}) as Record<string, unknown>;
      if (typeof name !== 'string' || !name)
        throw new Error(`weft stack status: services[${i}].name is missing`);
      if (!SERVICE_STATES.includes(state as ServiceState))
        throw new Error(
          `weft stack status: services[${i}] (${name}) state is ${JSON.stringify(state)}, expected one of ${SERVICE_STATES}`,
        );
      return {
        name,
        state: state as ServiceState,
        ...(typeof url === 'string' && url ? { url } : {}),
        ...(typeof uiUrl === 'string' && uiUrl ? { uiUrl } : {}),
        ...(typeof detail === 'string' && detail ? { detail } : {}),
      };
    }),
  };
}

/** One state for the whole stack: healthy only when every service is; stopped when none runs. */
export function overallState(status: StackStatus | undefined): StackState {
  if (!status) return 'unknown';
  const states = status.services.map((s) => s.state);
  if (status.backend === 'none' || states.length === 0 || states.every((s) => s === 'stopped'))
    return 'stopped';
  if (states.every((s) => s === 'healthy')) return 'healthy';
  if (states.some((s) => s === 'unhealthy' || s === 'stopped')) return 'degraded';
  return 'starting';
}

/** The URL of the stack's HTTP server (the `weft` service) when it is healthy. */
export function serverUrl(status: StackStatus | undefined): string | undefined {
  const weft = status?.services.find((s) => s.name === 'weft');
  return weft?.state === 'healthy' ? weft.url : undefined;
}

/** The Temporal Web UI: the URL the CLI reports, else the temporal host with the configured UI port. */
export function temporalUiUrl(status: StackStatus | undefined, uiPort: number): string | undefined {
  const temporal = status?.services.find((s) => s.name === 'temporal');
  if (!temporal || temporal.state === 'stopped') return undefined;
  if (temporal.uiUrl) return temporal.uiUrl;
  const host = hostOf(temporal.url) ?? '127.0.0.1';
  return `http://${host}:${uiPort}`;
}

function hostOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  const m = /^[a-z]+:\/\/([^/:]+)/i.exec(url) ?? /^([^/:]+):\d+$/.exec(url);
  return m?.[1];
}

/** The compose containers of the stack's services (from each service's detail, "container NAME ..."). */
export function stackContainers(
  status: StackStatus | undefined,
): Array<{ service: string; container: string }> {
  if (status?.backend !== 'compose') return [];
  return status.services.flatMap((s) => {
    const m = /^container (\S+)/.exec(s.detail ?? '');
    return m ? [{ service: s.name, container: m[1]! }] : [];
  });
}

/**
 * The error a failed `weft stack ... --json` printed on stdout (`{"error": {code, message, fix}}`),
 * as "message: fix"; undefined when there is none.
 */
export function cliError(stdout: string): string | undefined {
  for (const line of stdout.trim().split('\n').reverse()) {
    if (!line.startsWith('{')) continue;
    try {
      const { error } = JSON.parse(line) as { error?: { message?: string; fix?: string } };
      if (error?.message) return error.fix ? `${error.message}\nfix: ${error.fix}` : error.message;
    } catch {
      // not the error object
    }
  }
  return undefined;
}

/** True when two statuses would look the same to the user (avoids redrawing on every poll). */
export function sameStatus(a: StackStatus | undefined, b: StackStatus | undefined): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function excerpt(text: string): string {
  const t = text.trim();
  return t.length > 300 ? `…${t.slice(-300)}` : t || '(nothing)';
}
