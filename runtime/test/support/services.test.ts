import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Connection } from '@temporalio/client';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import {
  findFreePort,
  isPidAlive,
  MissingServiceError,
  readServicesEnv,
  requireService,
  skipWithout,
  startRedis,
  startTemporal,
} from './services.js';

describe('findFreePort', () => {
  it('returns a port that can be bound on 127.0.0.1', async () => {
    const port = await findFreePort();
    expect(port).toBeGreaterThan(0);
    await new Promise<void>((resolve, reject) => {
      const server = createServer();
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => server.close(() => resolve()));
    });
  });
});

describe('requireService', () => {
  const keys = ['CI', 'PATH', 'REDIS_SERVER_BIN', 'WEFT_SERVICES_ENV'] as const;
  const saved = Object.fromEntries(keys.map((k) => [k, process.env[k]]));
  afterEach(() => {
    for (const k of keys) {
      const v = saved[k];
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });
  const hideRedis = () => {
    delete process.env.REDIS_SERVER_BIN;
    process.env.WEFT_SERVICES_ENV = '/nonexistent/services.env';
    process.env.PATH = '/nonexistent';
  };

  it('throws under CI=true when a component is missing (never a skip)', () => {
    hideRedis();
    process.env.CI = 'true';
    expect(() => requireService('redis')).toThrow(MissingServiceError);
    expect(() => skipWithout('redis')).toThrow(/CI=true/);
  });

  it('returns a reason outside CI when a component is missing', () => {
    hideRedis();
    delete process.env.CI;
    expect(requireService('redis')).toMatch(/redis is not installed.*provision\.sh/);
  });

  it('finds a binary named by the environment variable', () => {
    hideRedis();
    process.env.REDIS_SERVER_BIN = '/bin/sh';
    expect(requireService('redis')).toBeUndefined();
  });

  it('reads KEY=VALUE lines of services.env', () => {
    const dir = mkdtempSync(join(tmpdir(), 'weft-services-env-'));
    const file = join(dir, 'services.env');
    writeFileSync(file, '# comment\nTEMPORAL_BIN=/x/temporal\nEMPTY=\n');
    expect(readServicesEnv(file)).toEqual({ TEMPORAL_BIN: '/x/temporal' });
    rmSync(dir, { recursive: true, force: true });
  });
});

describe.skipIf(skipWithout('redis'))('startRedis', () => {
  it('starts redis-server on a free port, answers PING, stops by pid', async () => {
    const redis = await startRedis();
    const client = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
    try {
      expect(redis.url).toBe(`redis://127.0.0.1:${redis.port}`);
      expect(isPidAlive(redis.pid)).toBe(true);
      await client.connect();
      expect(await client.ping()).toBe('PONG');
      await client.set('k', 'v');
      expect(await client.get('k')).toBe('v');
    } finally {
      client.disconnect();
      await redis.stop();
    }
    expect(isPidAlive(redis.pid)).toBe(false);
  });

  it('keeps data across a crash and restart with the append-only file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'weft-redis-aof-'));
    const redis = await startRedis({ appendOnlyDir: dir });
    try {
      const write = new Redis(redis.url, { maxRetriesPerRequest: 1 });
      await write.set('durable', '1');
      write.disconnect();
      const firstPid = redis.pid;
      await redis.restart?.({ hard: true });
      expect(isPidAlive(firstPid)).toBe(false);
      expect(redis.pid).not.toBe(firstPid);
      const read = new Redis(redis.url, { maxRetriesPerRequest: 1 });
      expect(await read.get('durable')).toBe('1');
      read.disconnect();
    } finally {
      await redis.stop();
      rmSync(dir, { recursive: true, force: true });
    }
    expect(isPidAlive(redis.pid)).toBe(false);
  });
});

describe.skipIf(skipWithout('temporal'))('startTemporal', () => {
  it('starts the dev server, the default namespace answers, stops by pid', async () => {
    const temporal = await startTemporal();
    try {
      expect(temporal.address).toBe(`127.0.0.1:${temporal.port}`);
      expect(isPidAlive(temporal.pid)).toBe(true);
      const connection = await Connection.connect({ address: temporal.address });
      try {
        const res = await connection.workflowService.describeNamespace({ namespace: temporal.namespace });
        expect(res.namespaceInfo?.name).toBe('default');
      } finally {
        await connection.close();
      }
    } finally {
      await temporal.stop();
    }
    expect(isPidAlive(temporal.pid)).toBe(false);
  }, 90_000);
});
