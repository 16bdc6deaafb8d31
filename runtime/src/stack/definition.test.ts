import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectName, resolveStackConfig, StackUsageError, serviceUrls } from './definition.js';

describe('resolveStackConfig', () => {
  it('defaults: auto, .weft/stack, the standard ports, the folder when it has no workflow.yaml', () => {
    const dir = mkdtempSync(join(tmpdir(), 'weft-def-'));
    const config = resolveStackConfig({}, {}, dir);
    expect(config.backend).toBe('auto');
    expect(config.dataDir).toBe(join(dir, '.weft/stack'));
    expect(config.ports).toEqual({ weft: 8000, temporal: 7233, temporalUi: 8233, redis: 6379 });
    expect(config.workflows).toBe(dir);
    writeFileSync(join(dir, 'workflow.yaml'), 'name: x\n');
    expect(resolveStackConfig({}, {}, dir).workflows).toBe(join(dir, 'workflow.yaml'));
  });

  it('flags win over WEFT_STACK_* variables, which win over defaults; empty variables count as unset', () => {
    const env = { WEFT_STACK_BACKEND: 'compose', WEFT_STACK_WEFT_PORT: '9000', WEFT_STACK_REDIS_PORT: '' };
    const config = resolveStackConfig({ weftPort: '9100' }, env, '/w');
    expect(config.backend).toBe('compose');
    expect(config.ports.weft).toBe(9100);
    expect(config.ports.redis).toBe(6379);
    expect(resolveStackConfig({}, { WEFT_STACK_BACKEND: '' }, '/w').backend).toBe('auto');
    expect(resolveStackConfig({}, { WEFT_STACK_DATA_DIR: 'd' }, '/w').dataDir).toBe('/w/d');
  });

  it('refuses bad input with what was given', () => {
    expect(() => resolveStackConfig({ backend: 'k8s' }, {}, '/w')).toThrow(/got "k8s"/);
    expect(() => resolveStackConfig({ redisPort: '70000' }, {}, '/w')).toThrow(/--redis-port must be a port/);
    expect(() => resolveStackConfig({ weftPort: 7233 }, {}, '/w')).toThrow(/temporal ports are both 7233/);
    expect(() => resolveStackConfig({ project: 'Bad Name' }, {}, '/w')).toThrow(StackUsageError);
    expect(() => resolveStackConfig({ timeout: '0' }, {}, '/w')).toThrow(/--timeout/);
  });
});

describe('projectName', () => {
  it('is stable per folder, differs between folders with the same name, and is a valid compose name', () => {
    expect(projectName('/a/My App')).toBe(projectName('/a/My App'));
    expect(projectName('/a/app')).not.toBe(projectName('/b/app'));
    expect(projectName('/a/My App!')).toMatch(/^weft-my-app-[0-9a-f]{8}$/);
  });
});

describe('serviceUrls', () => {
  it('are on 127.0.0.1 at the configured ports', () => {
    const urls = serviceUrls({
      ports: { weft: 1, temporal: 2, temporalUi: 3, redis: 4 },
      namespace: 'default',
      taskQueue: 'weft',
    });
    expect(urls).toEqual({
      weft: 'http://127.0.0.1:1',
      temporal: '127.0.0.1:2',
      temporalUi: 'http://127.0.0.1:3',
      redis: 'redis://127.0.0.1:4',
      worker: 'http://127.0.0.1:3/namespaces/default/task-queues/weft',
    });
  });
});
