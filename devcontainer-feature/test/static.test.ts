// The feature's files checked without installing it: the spec's JSON schemas (feature metadata, this
// repository's devcontainer.json, `weft init devcontainer` output), shellcheck, the generated README,
// and `devcontainer features package` + `publish` to a local OCI registry, with the manifest read back.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ajv7 from 'ajv';
import Ajv2019 from 'ajv/dist/2019.js';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devcontainerConfig } from '../../runtime/src/cli/commands/init-devcontainer.js';
import { findFreePort } from '../../runtime/test/support/services.js';
import { devcontainerCli, featureTools, REPO, waitForPort } from './support.js';

const FEATURE = join(REPO, 'devcontainer-feature/src/weft');
const readJson = (file: string) => JSON.parse(readFileSync(file, 'utf8'));
const schema = (name: string) => readJson(join(REPO, 'devcontainer-feature/test/schemas', name));

describe('feature metadata and devcontainer.json against the spec schemas', () => {
  const featureSchema = addFormats(new Ajv7({ strict: false, allErrors: true })).compile(
    schema('devContainerFeature.schema.json'),
  );
  const devcontainerSchema = addFormats(new Ajv2019({ strict: false, allErrors: true })).compile(
    schema('devContainer.base.schema.json'),
  );

  it('devcontainer-feature.json is valid and has what the feature promises', () => {
    const meta = readJson(join(FEATURE, 'devcontainer-feature.json'));
    expect(featureSchema(meta), JSON.stringify(featureSchema.errors)).toBe(true);
    expect(meta.id).toBe('weft');
    expect(meta.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(Object.keys(meta.options)).toEqual(
      expect.arrayContaining([
        'version',
        'package',
        'temporal',
        'temporalVersion',
        'redis',
        'startStack',
        'weftPort',
      ]),
    );
    expect(Object.keys(meta.containerEnv)).toEqual([
      'TEMPORAL_ADDRESS',
      'REDIS_URL',
      'WEFT_URL',
      'WEFT_STACK_DATA_DIR',
    ]);
    expect(meta.mounts[0].source).toBe('weft-data-${devcontainerId}');
    expect(meta.installsAfter).toContain('ghcr.io/devcontainers/features/node');
    expect(meta.entrypoint).toBe('/usr/local/share/weft/entrypoint.sh');
    expect(meta.postStartCommand).toBe('/usr/local/share/weft/wait-healthy.sh');
  });

  it('the schema rejects a broken feature (the check can fail)', () => {
    expect(featureSchema({ id: 'weft', version: '1.0.0', options: { x: { type: 'number' } } })).toBe(false);
  });

  it(".devcontainer/devcontainer.json is valid and prebuild-friendly, using the repository's feature", () => {
    const config = readJson(join(REPO, '.devcontainer/devcontainer.json'));
    expect(devcontainerSchema(config), JSON.stringify(devcontainerSchema.errors)).toBe(true);
    expect(Object.keys(config.features)).toEqual(['./weft']);
    expect(readJson(join(REPO, '.devcontainer/weft/devcontainer-feature.json')).id).toBe('weft');
    expect(config.onCreateCommand).toContain('npm run build');
    expect(config.updateContentCommand).toContain('npm run build');
    expect(config.waitFor).toBe('postStartCommand');
    expect(Object.keys(config.secrets)).toEqual(['OPENAI_API_KEY', 'ANTHROPIC_API_KEY', 'GOOGLE_API_KEY']);
    expect(config.portsAttributes['8000'].label).toBe('Weft API');
    expect(config.portsAttributes['6379'].onAutoForward).toBe('silent');
  });

  it('weft init devcontainer writes a valid configuration with the ports it is given', () => {
    const config = devcontainerConfig({
      name: 'x',
      feature: 'ghcr.io/o/r/weft:0',
      image: 'mcr.microsoft.com/devcontainers/base:bookworm',
      ports: { weft: 9000, temporal: 7233, temporalUi: 8233, redis: 6380 },
    });
    expect(devcontainerSchema(config), JSON.stringify(devcontainerSchema.errors)).toBe(true);
    expect(config.features).toEqual({ 'ghcr.io/o/r/weft:0': { weftPort: '9000', redisPort: '6380' } });
    expect(config.remoteEnv).toMatchObject({
      WEFT_URL: 'http://127.0.0.1:9000',
      REDIS_URL: 'redis://127.0.0.1:6380',
    });
    expect(devcontainerSchema({ image: 'x', forwardPorts: ['not a port'] })).toBe(false);
  });
});

const missing = featureTools();
if (missing && process.env.CI === 'true')
  throw new Error(`${missing} (CI=true: a missing component is a failure)`);

describe.skipIf(Boolean(missing))('feature scripts, docs and publishing', () => {
  it('install.sh and the start-up scripts are POSIX sh and clean under shellcheck', () => {
    const files = [
      'install.sh',
      'scripts/entrypoint.sh',
      'scripts/start-stack.sh',
      'scripts/wait-healthy.sh',
    ];
    const run = spawnSync('shellcheck', ['-s', 'sh', ...files], { cwd: FEATURE, encoding: 'utf8' });
    expect(run.stdout + run.stderr).toBe('');
    expect(run.status).toBe(0);
    const tests = spawnSync(
      'shellcheck',
      ['-x', '-e', 'SC1091,SC2016', 'run-in-rootfs.sh', 'local-artifacts.sh'],
      {
        cwd: join(REPO, 'devcontainer-feature/test'),
        encoding: 'utf8',
      },
    );
    expect(tests.stdout + tests.stderr).toBe('');
  });

  it('README.md is what `devcontainer features generate-docs` makes from the JSON and NOTES.md', () => {
    const dir = mkdtempSync(join(tmpdir(), 'weft-feature-docs-'));
    try {
      cpSync(join(REPO, 'devcontainer-feature/src'), join(dir, 'devcontainer-feature/src'), {
        recursive: true,
      });
      rmSync(join(dir, 'devcontainer-feature/src/weft/README.md'));
      const gen = spawnSync(
        process.execPath,
        [
          devcontainerCli(),
          'features',
          'generate-docs',
          '-p',
          'devcontainer-feature/src',
          '-n',
          'weft-dev/weft',
          '--github-owner',
          'weft-dev',
          '--github-repo',
          'weft',
        ],
        { cwd: dir, encoding: 'utf8' },
      );
      expect(gen.status, gen.stderr).toBe(0);
      expect(readFileSync(join(dir, 'devcontainer-feature/src/weft/README.md'), 'utf8')).toBe(
        readFileSync(join(FEATURE, 'README.md'), 'utf8'),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  describe('package and publish to a local OCI registry', () => {
    let registry: ChildProcess | undefined;
    let port = 0;
    const dir = mkdtempSync(join(tmpdir(), 'weft-feature-oci-'));
    beforeAll(async () => {
      port = await findFreePort();
      writeFileSync(
        join(dir, 'config.yml'),
        `version: 0.1\nlog:\n  level: warn\nstorage:\n  filesystem:\n    rootdirectory: ${dir}/data\nhttp:\n  addr: 127.0.0.1:${port}\n`,
      );
      registry = spawn('docker-registry', ['serve', join(dir, 'config.yml')], { stdio: 'ignore' });
      await waitForPort(port);
    });
    afterAll(() => {
      if (registry?.pid) process.kill(registry.pid);
      rmSync(dir, { recursive: true, force: true });
    });

    it('`devcontainer features package` makes the tarball with every file the feature needs', () => {
      const out = join(dir, 'pkg');
      const run = spawnSync(
        process.execPath,
        [devcontainerCli(), 'features', 'package', join(REPO, 'devcontainer-feature/src'), '-o', out],
        {
          encoding: 'utf8',
        },
      );
      expect(run.status, run.stderr).toBe(0);
      const list = spawnSync('tar', ['-tf', join(out, 'devcontainer-feature-weft.tgz')], {
        encoding: 'utf8',
      }).stdout;
      for (const file of [
        'devcontainer-feature.json',
        'install.sh',
        'scripts/entrypoint.sh',
        'scripts/start-stack.sh',
        'scripts/wait-healthy.sh',
        'workflows/hello/workflow.yaml',
      ]) {
        expect(list).toContain(`./${file}`);
      }
      expect(readJson(join(out, 'devcontainer-collection.json')).features[0].id).toBe('weft');
    });

    it('`devcontainer features publish` pushes semver tags; the manifest has the devcontainers media types and metadata', async () => {
      const run = spawnSync(
        process.execPath,
        [
          devcontainerCli(),
          'features',
          'publish',
          join(REPO, 'devcontainer-feature/src'),
          '-r',
          `localhost:${port}`,
          '-n',
          'weft-dev/weft',
        ],
        { encoding: 'utf8' },
      );
      expect(run.status, run.stderr).toBe(0);
      const version = readJson(join(FEATURE, 'devcontainer-feature.json')).version as string;
      const [major, minor] = version.split('.');
      const base = `http://127.0.0.1:${port}/v2/weft-dev/weft/weft`;
      const tags = (await (await fetch(`${base}/tags/list`)).json()) as { tags: string[] };
      expect(tags.tags.sort()).toEqual([major, `${major}.${minor}`, version, 'latest'].sort());
      const manifest = (await (
        await fetch(`${base}/manifests/${version}`, {
          headers: { Accept: 'application/vnd.oci.image.manifest.v1+json' },
        })
      ).json()) as {
        mediaType: string;
        config: { mediaType: string };
        layers: Array<{ mediaType: string; annotations: Record<string, string> }>;
        annotations: Record<string, string>;
      };
      expect(manifest.mediaType).toBe('application/vnd.oci.image.manifest.v1+json');
      expect(manifest.config.mediaType).toBe('application/vnd.devcontainers');
      expect(manifest.layers[0]?.mediaType).toBe('application/vnd.devcontainers.layer.v1+tar');
      expect(manifest.layers[0]?.annotations['org.opencontainers.image.title']).toBe(
        'devcontainer-feature-weft.tgz',
      );
      const metadata = JSON.parse(manifest.annotations['dev.containers.metadata'] ?? '{}');
      expect(metadata).toMatchObject({
        id: 'weft',
        version,
        entrypoint: '/usr/local/share/weft/entrypoint.sh',
      });
      const collection = await fetch(`http://127.0.0.1:${port}/v2/weft-dev/weft/manifests/latest`, {
        headers: { Accept: 'application/vnd.oci.image.manifest.v1+json' },
      });
      expect(collection.status).toBe(200);
      expect(JSON.stringify(await collection.json())).toContain(
        'application/vnd.devcontainers.collection.layer.v1+json',
      );
    });
  });
});
