import { describe, expect, it } from 'vitest';
import { parseTaskDefinition, taskName } from './task-definition.js';

describe('parseTaskDefinition', () => {
  it('defaults to up with no overrides', () => {
    expect(parseTaskDefinition({ type: 'weft' })).toEqual({
      command: 'up',
      options: {
        backend: undefined,
        ports: {},
        dataDir: undefined,
        workflows: undefined,
        timeoutSeconds: undefined,
      },
      volumes: false,
    });
  });

  it('reads every field of a tasks.json entry', () => {
    const parsed = parseTaskDefinition({
      type: 'weft',
      label: 'weft: stack up',
      command: 'restart',
      backend: 'processes',
      weftPort: 18000,
      temporalPort: 17233,
      temporalUiPort: 18233,
      redisPort: 16379,
      dataDir: '.weft/other',
      workflows: 'samples',
      timeout: 90,
      volumes: true,
    });
    expect(parsed).toEqual({
      command: 'restart',
      options: {
        backend: 'processes',
        ports: { weft: 18000, temporal: 17233, temporalUi: 18233, redis: 16379 },
        dataDir: '.weft/other',
        workflows: 'samples',
        timeoutSeconds: 90,
      },
      volumes: true,
    });
  });

  it('names the task and the field to fix', () => {
    const bad = (d: Record<string, unknown>) => () =>
      parseTaskDefinition({ type: 'weft', ...d }, 'start stack');
    expect(bad({ command: 'start' })).toThrow(
      'tasks.json "start stack": "command" is "start": expected one of up, down, restart',
    );
    expect(bad({ backend: 'docker' })).toThrow(
      'tasks.json "start stack": "backend" is "docker": expected one of auto, compose, processes',
    );
    expect(bad({ weftPort: -1 })).toThrow('"weftPort" is -1: expected a port number from 1 to 65535');
    expect(bad({ timeout: '30s' })).toThrow('"timeout" is "30s": expected a number of seconds above 0');
    expect(bad({ dataDir: 3 })).toThrow('"dataDir" must be a string (a path)');
    expect(bad({ volumes: 'yes' })).toThrow('"volumes" must be true or false');
    expect(bad({ volumes: true })).toThrow('"volumes" applies to "down" and "restart" only');
    expect(bad({ port: 8000 })).toThrow('"port" is not a weft task property');
  });

  it('names provided tasks "stack COMMAND"', () => {
    expect(taskName('up')).toBe('stack up');
  });
});
