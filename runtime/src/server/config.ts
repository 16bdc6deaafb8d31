// Server configuration from the environment (and CLI flags), plus the start-up safety checks.
// Pure: takes an env object, returns typed options or throws ConfigError with what to do.
import { parseRateLimit, type RateWindow } from './limiter.js';

/** WEFT_JOURNAL=memory: finished runs whose journal is kept, unless WEFT_MEMORY_RUNS says otherwise. */
export const DEFAULT_MEMORY_RUNS = 1000;

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export interface ServerConfig {
  host: string;
  port: number;
  workflowsPath: string;
  syncTimeoutMs: number;
  bodyLimit: number;
  /** WEFT_MAX_JSON_DEPTH: deepest nesting of a JSON body (default 64). */
  maxJsonDepth: number;
  apiKeys: string[];
  corsOrigins: string[];
  corsCredentials: boolean;
  rateLimit?: RateWindow[];
  trustProxy: boolean | string | number;
  redisUrl?: string;
  production: boolean;
  requiredEnv: string[];
  skipIdentityCheck: boolean;
  otlpEndpoint?: string;
  otlpHeaders: Record<string, string>;
  dataDir: string;
  /**
   * `durable` (default): run journals in dataDir, fsynced per event; runs survive a crash and resume.
   * `memory` (WEFT_JOURNAL=memory): journals in process memory; nothing survives the process (runs in
   * flight are lost, never resumed; without REDIS_URL every run record too). For dev, benchmarks, and
   * stateless replicas whose run records live in Redis.
   */
  journal: 'durable' | 'memory';
  /** WEFT_JOURNAL=memory: finished runs whose journal is kept (WEFT_MEMORY_RUNS, default 1000). */
  memoryRuns: number;
  logLevel: string;
  /** SSE heartbeat comment interval (default 15000). */
  heartbeatMs: number;
}

export function isLoopback(host: string): boolean {
  const h = host
    .trim()
    .toLowerCase()
    .replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h) || h === '::ffff:127.0.0.1';
}

function list(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

function positiveInt(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined || value.trim() === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0)
    throw new ConfigError(`${name} must be a positive integer (got "${value}")`);
  return n;
}

function trustProxy(value: string | undefined): boolean | string | number {
  const v = (value ?? '').trim();
  if (v === '' || v === 'false' || v === '0') return false;
  if (v === 'true') return true;
  if (/^\d+$/.test(v)) return Number(v); // hop count
  return v; // comma-separated addresses / CIDRs
}

/** `OTEL_EXPORTER_OTLP_HEADERS=k=v,k2=v2` (values URL-encoded per the OTel spec). */
export function parseOtlpHeaders(value: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of list(value)) {
    const i = pair.indexOf('=');
    if (i > 0) out[pair.slice(0, i).trim()] = decodeURIComponent(pair.slice(i + 1).trim());
  }
  return out;
}

export interface CliFlags {
  host?: string;
  port?: number;
  workflows?: string;
}

export function loadServerConfig(
  env: Record<string, string | undefined>,
  flags: CliFlags = {},
): ServerConfig {
  const host = flags.host ?? env.WEFT_HOST ?? '127.0.0.1';
  const port = flags.port ?? positiveInt('PORT', env.PORT, 8000);
  const corsOrigins = list(env.WEFT_CORS_ORIGINS);
  const corsCredentials = env.WEFT_CORS_CREDENTIALS === 'true';
  if (corsOrigins.includes('*') && corsCredentials) {
    throw new ConfigError(
      'WEFT_CORS_ORIGINS=* cannot be combined with WEFT_CORS_CREDENTIALS=true: list the allowed origins instead',
    );
  }
  let rateLimit: RateWindow[] | undefined;
  const rateSpec = env.WEFT_RATE_LIMIT?.trim();
  if (rateSpec && rateSpec !== 'off') {
    try {
      rateLimit = parseRateLimit(rateSpec);
    } catch (error) {
      throw new ConfigError(`WEFT_RATE_LIMIT: ${(error as Error).message}`);
    }
  }
  const journal = (env.WEFT_JOURNAL ?? '').trim() || 'durable';
  if (journal !== 'durable' && journal !== 'memory') {
    throw new ConfigError(`WEFT_JOURNAL must be "durable" (default) or "memory" (got "${journal}")`);
  }
  const config: ServerConfig = {
    host,
    port,
    workflowsPath: flags.workflows ?? env.WEFT_WORKFLOWS ?? 'workflow.yaml',
    syncTimeoutMs: positiveInt('WEFT_SYNC_TIMEOUT_MS', env.WEFT_SYNC_TIMEOUT_MS, 30_000),
    bodyLimit: positiveInt('WEFT_BODY_LIMIT', env.WEFT_BODY_LIMIT, 1_048_576),
    maxJsonDepth: positiveInt('WEFT_MAX_JSON_DEPTH', env.WEFT_MAX_JSON_DEPTH, 64),
    apiKeys: list(env.WEFT_API_KEYS),
    corsOrigins,
    corsCredentials,
    rateLimit,
    trustProxy: trustProxy(env.TRUST_PROXY),
    redisUrl: env.REDIS_URL?.trim() || undefined,
    production: env.WEFT_ENV === 'production',
    requiredEnv: list(env.WEFT_REQUIRED_ENV),
    skipIdentityCheck: env.SKIP_IDENTITY_CHECK === 'true',
    otlpEndpoint: env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim() || undefined,
    otlpHeaders: parseOtlpHeaders(env.OTEL_EXPORTER_OTLP_HEADERS),
    dataDir: env.WEFT_DATA_DIR ?? '.weft',
    journal,
    memoryRuns: positiveInt('WEFT_MEMORY_RUNS', env.WEFT_MEMORY_RUNS, DEFAULT_MEMORY_RUNS),
    logLevel: env.WEFT_LOG_LEVEL ?? env.LOG_LEVEL ?? 'info',
    heartbeatMs: positiveInt('WEFT_SSE_HEARTBEAT_MS', env.WEFT_SSE_HEARTBEAT_MS, 15_000),
  };
  if (config.rateLimit === undefined && rateSpec === undefined && !isLoopback(host)) {
    // off by default on loopback only; exposed servers get a conservative default
    config.rateLimit = parseRateLimit('60/minute,1000/day');
  }
  return config;
}

/** Refuse unsafe start-ups. Throws ConfigError naming the cause and the fix. */
export function assertSafeToStart(config: ServerConfig, env: Record<string, string | undefined>): void {
  // WEFT_PUBLISHED_ON_LOOPBACK=true: inside a container whose port is published on the host's
  // 127.0.0.1 only (the local stack's compose file), so it is as reachable as a loopback bind
  const loopbackOnly = isLoopback(config.host) || env.WEFT_PUBLISHED_ON_LOOPBACK === 'true';
  if (!loopbackOnly && config.apiKeys.length === 0) {
    throw new ConfigError(
      `refusing to listen on ${config.host} without API keys: set WEFT_API_KEYS=key1,key2 (bearer tokens clients must send), or bind 127.0.0.1`,
    );
  }
  const weak = config.apiKeys.filter((k) => k.length < 16);
  if (weak.length > 0 && !isLoopback(config.host)) {
    throw new ConfigError(
      `WEFT_API_KEYS: ${weak.length} key(s) shorter than 16 characters; use long random keys`,
    );
  }
  if (config.production && !config.skipIdentityCheck) {
    const missing = config.requiredEnv.filter((name) => !env[name]);
    if (missing.length > 0) {
      throw new ConfigError(
        `WEFT_ENV=production: identity guard: missing ${missing.join(', ')} (listed in WEFT_REQUIRED_ENV); set them, or SKIP_IDENTITY_CHECK=true to bypass`,
      );
    }
  }
}
