import { describe, expect, it } from 'vitest';
import { composeArgs, composeEnv, parsePs, serviceState } from './compose.js';
import { resolveStackConfig } from './definition.js';
import { parseComposeVersion, supportsWait } from './docker.js';

const config = resolveStackConfig({ project: 'weft-x', weftPort: 9000, workflows: 'flows' }, {}, '/ws');

describe('compose arguments and environment', () => {
  it('one project per workspace, the shipped file, the ports and workflows the compose file reads', () => {
    expect(composeArgs(config, '/f/compose.yaml', ['up', '--wait'])).toEqual([
      'compose',
      '-p',
      'weft-x',
      '-f',
      '/f/compose.yaml',
      'up',
      '--wait',
    ]);
    const env = composeEnv(config, { WEFT_IMAGE: 'mine:1', DOCKER_HOST: 'ssh://h' });
    expect(env).toMatchObject({
      WEFT_IMAGE: 'mine:1',
      DOCKER_HOST: 'ssh://h',
      WEFT_PORT: '9000',
      TEMPORAL_PORT: '7233',
      TEMPORAL_UI_PORT: '8233',
      REDIS_PORT: '6379',
      WEFT_WORKFLOWS_DIR: '/ws',
      WEFT_WORKFLOWS_PATH: '/workflows/flows',
    });
  });
});

describe('docker compose ps', () => {
  it('reads one JSON object per line and the older single array', () => {
    const lines =
      '{"Service":"redis","State":"running","Health":"healthy"}\n{"Service":"weft","State":"exited","ExitCode":137}\n';
    expect(parsePs(lines).map((e) => e.Service)).toEqual(['redis', 'weft']);
    expect(parsePs('[{"Service":"redis"}]')).toEqual([{ Service: 'redis' }]);
    expect(parsePs('')).toEqual([]);
  });

  it('maps container state and health to service states', () => {
    expect(serviceState(undefined)).toBe('stopped');
    expect(serviceState({ State: 'exited', ExitCode: 137 })).toBe('stopped');
    expect(serviceState({ State: 'running', Health: 'healthy' })).toBe('healthy');
    expect(serviceState({ State: 'running', Health: 'starting' })).toBe('starting');
    expect(serviceState({ State: 'running', Health: 'unhealthy' })).toBe('unhealthy');
  });
});

describe('Compose version', () => {
  it('reads the version however Compose prints it', () => {
    expect(parseComposeVersion('v2.29.1')).toEqual([2, 29, 1]);
    expect(parseComposeVersion('2.20.2-desktop.1\n')).toEqual([2, 20, 2]);
    expect(parseComposeVersion('5.6.0')).toEqual([5, 6, 0]);
    expect(parseComposeVersion('dev')).toBeUndefined();
  });

  it('needs 2.1.1 or later for up --wait (compose too old otherwise)', () => {
    expect(supportsWait([1, 29, 2])).toBe(false);
    expect(supportsWait([2, 0, 1])).toBe(false);
    expect(supportsWait([2, 1, 0])).toBe(false);
    expect(supportsWait([2, 1, 1])).toBe(true);
    expect(supportsWait([2, 17, 0])).toBe(true);
    expect(supportsWait([5, 6, 0])).toBe(true);
  });
});
