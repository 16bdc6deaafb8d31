import { describe, expect, it } from 'vitest';
import { checkPort, mergeOptions, type StackOptions, stackArgs, temporalUiPort } from './options.js';

const options: StackOptions = {
  backend: 'processes',
  ports: { weft: 18000, temporal: 17233, temporalUi: 18233, redis: 16379 },
  dataDir: '/w/.weft/stack',
  workflows: '/w',
  timeoutSeconds: 60,
};

describe('stackArgs', () => {
  it('up: backend, workflows, timeout, data dir, ports, --json', () => {
    expect(stackArgs('up', options)).toEqual([
      'stack',
      'up',
      '--backend',
      'processes',
      '--workflows',
      '/w',
      '--timeout',
      '60',
      '--data-dir',
      '/w/.weft/stack',
      '--weft-port',
      '18000',
      '--temporal-port',
      '17233',
      '--temporal-ui-port',
      '18233',
      '--redis-port',
      '16379',
      '--json',
    ]);
  });

  it('status, down and logs take only the port and folder flags', () => {
    const ports = [
      '--data-dir',
      '/w/.weft/stack',
      '--weft-port',
      '18000',
      '--temporal-port',
      '17233',
      '--temporal-ui-port',
      '18233',
      '--redis-port',
      '16379',
    ];
    expect(stackArgs('status', options)).toEqual(['stack', 'status', ...ports, '--json']);
    expect(stackArgs('down', options)).toEqual(['stack', 'down', ...ports]);
    expect(stackArgs('down', options, { volumes: true })).toEqual(['stack', 'down', ...ports, '--volumes']);
    expect(stackArgs('logs', options, { service: 'redis', follow: true })).toEqual([
      'stack',
      'logs',
      ...ports,
      'redis',
      '--follow',
    ]);
  });

  it('leaves unset options to the CLI (its defaults and WEFT_STACK_* variables)', () => {
    expect(stackArgs('up', { ports: {} })).toEqual(['stack', 'up', '--json']);
    expect(stackArgs('logs', { ports: { redis: 7000 } })).toEqual(['stack', 'logs', '--redis-port', '7000']);
  });
});

describe('mergeOptions', () => {
  it('set overrides win, unset ones keep the base', () => {
    const merged = mergeOptions(options, {
      backend: 'compose',
      ports: { weft: 9000, redis: undefined },
      dataDir: undefined,
    });
    expect(merged).toEqual({ ...options, backend: 'compose', ports: { ...options.ports, weft: 9000 } });
    expect(temporalUiPort(merged)).toBe(18233);
    expect(temporalUiPort({ ports: {} })).toBe(8233);
  });
});

describe('checkPort', () => {
  it('accepts 1-65535 and empty, rejects the rest naming the setting', () => {
    expect(checkPort(8000, 'x')).toBe(8000);
    expect(checkPort('8001', 'x')).toBe(8001);
    expect(checkPort(null, 'x')).toBeUndefined();
    expect(checkPort(0, 'x')).toBeUndefined();
    expect(() => checkPort(70000, 'setting weft.stack.redisPort')).toThrow(
      'setting weft.stack.redisPort is 70000: expected a port number from 1 to 65535, or empty',
    );
    expect(() => checkPort(80.5, 'x')).toThrow(/80.5/);
    expect(() => checkPort('http', 'x')).toThrow(/"http"/);
  });
});
