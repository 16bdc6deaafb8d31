import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { assertSafeToStart, ConfigError, isLoopback, loadServerConfig, parseOtlpHeaders } from './config.js';
import { bearerToken, matchesKey } from './plugins/auth.js';
import { originAllowed } from './plugins/cors.js';
import { makeScrubber, secretValues } from './secrets.js';

const KEY = 'k'.repeat(32);

describe('server config (pure)', () => {
  it('defaults: loopback, port 8000, 30 s sync timeout, 1 MiB body, no rate limit, no CORS', () => {
    const c = loadServerConfig({});
    expect(c).toMatchObject({ host: '127.0.0.1', port: 8000, syncTimeoutMs: 30_000, bodyLimit: 1_048_576 });
    expect(c.rateLimit).toBeUndefined();
    expect(c.corsOrigins).toEqual([]);
    expect(c.trustProxy).toBe(false);
  });

  it('reads env and flags', () => {
    const c = loadServerConfig(
      {
        WEFT_SYNC_TIMEOUT_MS: '500',
        WEFT_API_KEYS: `${KEY}, other-key-0123456789`,
        WEFT_CORS_ORIGINS: 'https://a.example, https://b.example',
        WEFT_RATE_LIMIT: '10/minute,50/day',
        TRUST_PROXY: 'true',
        REDIS_URL: 'redis://127.0.0.1:6379',
      },
      { host: '0.0.0.0', port: 9000, workflows: 'samples' },
    );
    expect(c).toMatchObject({ host: '0.0.0.0', port: 9000, workflowsPath: 'samples', syncTimeoutMs: 500 });
    expect(c.apiKeys).toEqual([KEY, 'other-key-0123456789']);
    expect(c.corsOrigins).toEqual(['https://a.example', 'https://b.example']);
    expect(c.rateLimit?.map((w) => w.limit)).toEqual([10, 50]);
    expect(c.trustProxy).toBe(true);
    expect(loadServerConfig({ TRUST_PROXY: '10.0.0.0/8' }).trustProxy).toBe('10.0.0.0/8');
    expect(() => loadServerConfig({ WEFT_SYNC_TIMEOUT_MS: 'soon' })).toThrow(ConfigError);
    expect(() => loadServerConfig({ WEFT_RATE_LIMIT: '10/eon' })).toThrow(/WEFT_RATE_LIMIT/);
  });

  it('never allows * with credentials', () => {
    expect(() => loadServerConfig({ WEFT_CORS_ORIGINS: '*', WEFT_CORS_CREDENTIALS: 'true' })).toThrow(
      /cannot be combined/,
    );
  });

  it('refuses a non-loopback host without API keys, and short keys', () => {
    expect(isLoopback('127.0.0.1')).toBe(true);
    expect(isLoopback('::1')).toBe(true);
    expect(isLoopback('localhost')).toBe(true);
    expect(isLoopback('0.0.0.0')).toBe(false);
    expect(() => assertSafeToStart(loadServerConfig({}, { host: '0.0.0.0' }), {})).toThrow(/WEFT_API_KEYS/);
    expect(() =>
      assertSafeToStart(loadServerConfig({ WEFT_API_KEYS: 'short' }, { host: '0.0.0.0' }), {}),
    ).toThrow(/shorter than 16/);
    expect(() =>
      assertSafeToStart(loadServerConfig({ WEFT_API_KEYS: KEY }, { host: '0.0.0.0' }), {}),
    ).not.toThrow();
    // exposed servers get a rate limit unless told otherwise
    expect(loadServerConfig({ WEFT_API_KEYS: KEY }, { host: '0.0.0.0' }).rateLimit).toBeDefined();
    expect(loadServerConfig({ WEFT_RATE_LIMIT: 'off' }, { host: '0.0.0.0' }).rateLimit).toBeUndefined();
  });

  it('production identity guard: required env vars, unless SKIP_IDENTITY_CHECK=true', () => {
    const env = { WEFT_ENV: 'production', WEFT_REQUIRED_ENV: 'GOOGLE_CLOUD_PROJECT,MONGODB_DATABASE' };
    expect(() => assertSafeToStart(loadServerConfig(env), env)).toThrow(
      /GOOGLE_CLOUD_PROJECT, MONGODB_DATABASE/,
    );
    const ok = { ...env, GOOGLE_CLOUD_PROJECT: 'p', MONGODB_DATABASE: 'd' };
    expect(() => assertSafeToStart(loadServerConfig(ok), ok)).not.toThrow();
    const skip = { ...env, SKIP_IDENTITY_CHECK: 'true' };
    expect(() => assertSafeToStart(loadServerConfig(skip), skip)).not.toThrow();
  });

  it('OTLP headers', () => {
    expect(parseOtlpHeaders('api-key=a%3Db,x=1')).toEqual({ 'api-key': 'a=b', x: '1' });
  });
});

describe('auth, CORS and secrets (pure)', () => {
  it('bearer tokens match in constant time against every key', () => {
    const digests = [KEY, 'second-key-abcdefgh'].map((k) => createHash('sha256').update(k).digest());
    expect(matchesKey(KEY, digests)).toBe(true);
    expect(matchesKey('second-key-abcdefgh', digests)).toBe(true);
    expect(matchesKey(`${KEY}x`, digests)).toBe(false);
    expect(matchesKey('', digests)).toBe(false);
    expect(bearerToken(`Bearer ${KEY}`)).toBe(KEY);
    expect(bearerToken(`Basic ${KEY}`)).toBeUndefined();
    expect(bearerToken(undefined)).toBeUndefined();
  });

  it('CORS origins from the allowlist only', () => {
    expect(originAllowed('https://a.example', ['https://a.example'])).toBe(true);
    expect(originAllowed('https://evil.example', ['https://a.example'])).toBe(false);
    expect(originAllowed(undefined, ['*'])).toBe(false);
  });

  it('collects secret values from the environment and scrubs them', () => {
    const secrets = secretValues({
      WEFT_API_KEYS: `${KEY},another-key-123456`,
      OPENAI_API_KEY: 'sk-live-abcdef123456',
      REDIS_URL: 'redis://:p4ssw0rd@host:6379',
      HOME: '/root',
    });
    expect(secrets).toContain(KEY);
    expect(secrets).toContain('sk-live-abcdef123456');
    expect(secrets).toContain('p4ssw0rd');
    expect(secrets).not.toContain('/root');
    const scrub = makeScrubber(secrets);
    expect(scrub(`auth ${KEY} and sk-live-abcdef123456`)).toBe('auth [redacted] and [redacted]');
  });
});
