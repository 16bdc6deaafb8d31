import { describe, expect, it } from 'vitest';
import {
  cliError,
  overallState,
  parseStatus,
  type StackStatus,
  serverUrl,
  stackContainers,
  temporalUiUrl,
} from './status.js';

const healthy: StackStatus = {
  backend: 'processes',
  services: [
    { name: 'weft', state: 'healthy', url: 'http://127.0.0.1:8000' },
    { name: 'worker', state: 'healthy' },
    { name: 'temporal', state: 'healthy', url: '127.0.0.1:7233' },
    { name: 'redis', state: 'healthy', url: 'redis://127.0.0.1:6379' },
  ],
};
const withState = (name: string, state: string): StackStatus => ({
  ...healthy,
  services: healthy.services.map((s) => (s.name === name ? { ...s, state: state as never } : s)),
});

describe('parseStatus', () => {
  it('reads the contract shape', () => {
    expect(parseStatus(JSON.stringify(healthy))).toEqual(healthy);
  });

  it('takes the JSON after progress lines', () => {
    expect(parseStatus(`waiting for redis\nredis healthy\n${JSON.stringify(healthy, null, 2)}\n`)).toEqual(
      healthy,
    );
  });

  it('drops empty URLs and keeps unknown service names', () => {
    const status = parseStatus(
      '{"backend":"compose","services":[{"name":"extra","state":"stopped","url":""}]}',
    );
    expect(status).toEqual({ backend: 'compose', services: [{ name: 'extra', state: 'stopped' }] });
  });

  it('names what is wrong', () => {
    expect(() => parseStatus('')).toThrow(/printed no JSON: \(nothing\)/);
    expect(() => parseStatus('{"backend":')).toThrow(/invalid JSON/);
    expect(() => parseStatus('{"backend":"kubernetes","services":[]}')).toThrow(
      /"backend" is "kubernetes", expected one of compose,processes,external,none/,
    );
    expect(() => parseStatus('{"backend":"none"}')).toThrow(/"services" is not an array/);
    expect(() => parseStatus('{"backend":"none","services":[{"name":"redis","state":"up"}]}')).toThrow(
      /services\[0\] \(redis\) state is "up"/,
    );
    expect(() => parseStatus('{"backend":"none","services":[{"state":"up"}]}')).toThrow(/services\[0\].name/);
  });
});

describe('overallState', () => {
  it('is healthy only when every service is', () => {
    expect(overallState(healthy)).toBe('healthy');
    expect(overallState(withState('worker', 'starting'))).toBe('starting');
    expect(overallState(withState('redis', 'unhealthy'))).toBe('degraded');
    expect(overallState(withState('temporal', 'stopped'))).toBe('degraded');
  });

  it('is stopped when nothing runs, unknown when never read', () => {
    expect(overallState({ backend: 'none', services: [] })).toBe('stopped');
    expect(
      overallState({
        backend: 'processes',
        services: healthy.services.map((s) => ({ ...s, state: 'stopped' })),
      }),
    ).toBe('stopped');
    expect(overallState(undefined)).toBe('unknown');
  });
});

describe('serverUrl and temporalUiUrl', () => {
  it('gives the weft service URL only when it is healthy', () => {
    expect(serverUrl(healthy)).toBe('http://127.0.0.1:8000');
    expect(serverUrl(withState('weft', 'starting'))).toBeUndefined();
    expect(serverUrl(undefined)).toBeUndefined();
  });

  it('builds the Temporal UI URL from the temporal host and the UI port', () => {
    expect(temporalUiUrl(healthy, 18233)).toBe('http://127.0.0.1:18233');
    expect(temporalUiUrl(withState('temporal', 'stopped'), 8233)).toBeUndefined();
    const remote = {
      ...healthy,
      services: [{ name: 'temporal', state: 'healthy' as const, url: 'grpc://10.0.0.5:7233' }],
    };
    expect(temporalUiUrl(remote, 8233)).toBe('http://10.0.0.5:8233');
  });
});

describe('stackContainers and cliError', () => {
  it('lists the compose containers from the service details', () => {
    const status = parseStatus(
      JSON.stringify({
        backend: 'compose',
        services: [
          {
            name: 'redis',
            state: 'healthy',
            url: 'redis://127.0.0.1:6379',
            detail: 'container weft-w-1a2b-redis-1',
          },
          {
            name: 'weft',
            state: 'stopped',
            url: 'http://127.0.0.1:8000',
            detail: 'container weft-w-1a2b-weft-1 (exited 137)',
          },
          { name: 'worker', state: 'stopped', url: '' },
        ],
      }),
    );
    expect(stackContainers(status)).toEqual([
      { service: 'redis', container: 'weft-w-1a2b-redis-1' },
      { service: 'weft', container: 'weft-w-1a2b-weft-1' },
    ]);
    expect(
      stackContainers({
        backend: 'processes',
        services: [{ name: 'redis', state: 'healthy', detail: 'pid 12' }],
      }),
    ).toEqual([]);
  });

  it('reads the error object a failed --json command prints', () => {
    expect(
      cliError(
        '{"error":{"code":"port_taken","message":"port 8000 is taken by pid 42","fix":"stop it or set --weft-port"}}\n',
      ),
    ).toBe('port 8000 is taken by pid 42\nfix: stop it or set --weft-port');
    expect(cliError('{"error":{"message":"no engine"}}')).toBe('no engine');
    expect(cliError('{"backend":"none","services":[]}')).toBeUndefined();
    expect(cliError('')).toBeUndefined();
  });

  it('prefers the UI URL the CLI reports', () => {
    const status = parseStatus(
      '{"backend":"processes","services":[{"name":"temporal","state":"healthy","url":"127.0.0.1:7233","uiUrl":"http://127.0.0.1:18233"}]}',
    );
    expect(temporalUiUrl(status, 8233)).toBe('http://127.0.0.1:18233');
  });
});
