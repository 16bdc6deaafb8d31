// The compose backend end to end: a real dockerd (Debian docker.io), Compose v5 built from the Go
// proxy, the shipped compose file unchanged, with test images from a debootstrap root (no registry).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectName } from '../../src/stack/definition.js';
import { type BuiltCli, buildCli } from '../support/cli.js';
import { type DockerEngine, dockerMissing, ensureTestImages, startDockerd } from '../support/docker.js';
import { freePorts, portArgs, runScenario, type StackPorts, sampleWorkspace } from './scenario.js';

const portFlags = (p: StackPorts) => ({
  weftPort: p.weft,
  temporalPort: p.temporal,
  temporalUiPort: p.temporalUi,
  redisPort: p.redis,
});

describe.skipIf(dockerMissing())('weft stack: compose backend', () => {
  let engine: DockerEngine;
  let images: NodeJS.ProcessEnv;
  let cli: BuiltCli;
  let cwd: string;
  const env = () => ({ ...engine.env, ...images, WEFT_STACK_BACKEND: '' });

  beforeAll(async () => {
    cli = await buildCli('stack-compose');
    cwd = sampleWorkspace();
    engine = await startDockerd();
    images = ensureTestImages(engine);
  }, 1_800_000);
  afterAll(async () => {
    if (engine) {
      await cli.runAsync(['stack', 'down', '--volumes'], { cwd, env: env() });
      await engine.stop();
    }
    cli?.remove();
    rmSync(cwd, { recursive: true, force: true });
  }, 120_000);

  it('Compose missing: DOCKER_CONFIG without the plugin says how to install it', async () => {
    const config = mkdtempSync(join(tmpdir(), 'weft-docker-config-'));
    try {
      const r = await cli.runAsync(['stack', 'up', '--backend', 'compose', ...portArgs(await freePorts())], {
        cwd,
        env: { ...env(), DOCKER_CONFIG: config },
      });
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/`docker compose` \(Compose v2 or later\) is not installed/);
      expect(r.stderr).toMatch(/fix: install the Compose plugin/);
    } finally {
      rmSync(config, { recursive: true, force: true });
    }
  });

  it('auto chooses compose when the engine answers, and says why', async () => {
    const { chooseBackend, stackConfig } = await import('../../src/stack/index.js');
    const choice = await chooseBackend(
      stackConfig({ dataDir: join(cwd, 'unused'), ...portFlags(await freePorts()) }, env(), cwd),
      { env: env() },
    );
    expect(choice.backend).toBe('compose');
    expect(choice.reason).toMatch(
      /the Docker engine of DOCKER_HOST=unix:.* answers \(server 20\.10.*, Compose v?5\.6\.0\)/,
    );
  });

  it('up -> a run on Temporal with its record in Redis -> kill -9 -> status -> up repairs -> down', async () => {
    const project = projectName(cwd);
    const containers = () =>
      engine.docker(['ps', '-aq', '--filter', `label=com.docker.compose.project=${project}`]).stdout.trim();
    await runScenario({
      cli,
      cwd,
      env: env(),
      ports: await freePorts(),
      backendArgs: ['--backend', 'compose'],
      async kill(service) {
        const id = engine
          .docker([
            'ps',
            '-q',
            '--filter',
            `label=com.docker.compose.project=${project}`,
            '--filter',
            `label=com.docker.compose.service=${service}`,
          ])
          .stdout.trim();
        expect(id).not.toBe('');
        expect(engine.docker(['kill', '--signal', 'KILL', id]).code).toBe(0);
      },
      async nothingLeft() {
        expect(containers()).toBe('');
        // data is kept: the named volumes outlive `down` (and go with `down --volumes`)
        const volumes = engine.docker([
          'volume',
          'ls',
          '-q',
          '--filter',
          `label=com.docker.compose.project=${project}`,
        ]);
        expect(volumes.stdout.trim().split('\n').sort()).toEqual(
          [`${project}_redis-data`, `${project}_temporal-data`, `${project}_weft-data`].sort(),
        );
      },
    });
    const gone = await cli.runAsync(['stack', 'down', '--volumes', '--backend', 'compose'], {
      cwd,
      env: env(),
    });
    expect(gone.code, gone.stderr).toBe(0);
    expect(
      engine
        .docker(['volume', 'ls', '-q', '--filter', `label=com.docker.compose.project=${project}`])
        .stdout.trim(),
    ).toBe('');
  }, 900_000);
});
