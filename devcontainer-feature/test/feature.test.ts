// The weft Dev Container Feature installed for real: each scenario of test/weft/scenarios.json (plus the
// default test.sh and duplicate.sh) in a fresh overlay of a debootstrap'ed Debian root, install.sh as
// root, then a container start (entrypoint, postStartCommand) and the scenario's script as the remote
// user. Local files replace every download: an `npm pack` of runtime/, this machine's node and the
// Temporal CLI from provisioning. Needs root, the cached root and Debian tools (scripts/provision.sh).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readServicesEnv } from '../../runtime/test/support/services.js';
import { featureTools, REPO, runScenario } from './support.js';

const missing = featureTools();
if (missing && process.env.CI === 'true')
  throw new Error(`${missing} (CI=true: a missing component is a failure)`);
if (missing) console.warn(`[feature] skipping: ${missing}`);

const scenarios = JSON.parse(
  readFileSync(join(REPO, 'devcontainer-feature/test/weft/scenarios.json'), 'utf8'),
) as Record<string, { remoteUser?: string; features: { weft: Record<string, string | boolean> } }>;

describe.skipIf(Boolean(missing))('weft feature in a fresh Debian root', () => {
  const env: Record<string, string> = {};
  let out = '';
  beforeAll(() => {
    out = mkdtempSync(join(tmpdir(), 'weft-feature-artifacts-'));
    const made = spawnSync('bash', [join(REPO, 'devcontainer-feature/test/local-artifacts.sh'), out], {
      encoding: 'utf8',
      env: { ...process.env, TEMPORAL_BIN: readServicesEnv().TEMPORAL_BIN ?? process.env.TEMPORAL_BIN ?? '' },
    });
    expect(made.status, made.stderr).toBe(0);
    for (const line of made.stdout.trim().split('\n')) {
      const [key, value] = line.split('=');
      if (key && value) env[key] = value;
    }
  }, 300_000);
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  // Three installs keep the time modest: remote_user_vscode (default options) is installed twice and
  // runs test.sh, its own script and duplicate.sh; stack_off and temporal_off each install once.
  for (const [name, scenario] of Object.entries(scenarios)) {
    it(`scenario ${name}`, () => {
      const options = Object.entries(scenario.features.weft).map(([k, v]) => `${k}=${v}`);
      const extra: Record<string, string> = {};
      let scripts = `${name}.sh`;
      if (name === 'remote_user_vscode') {
        scripts = `test.sh,${name}.sh,duplicate.sh`;
        extra.INSTALL_RUNS = '2';
      }
      // temporal_off also starts the container a second time with Redis's port taken
      if (name === 'temporal_off') extra.RESTART_BUSY_PORT = '6379';
      const run = runScenario(scripts, scenario.remoteUser ?? 'root', options, { ...env, ...extra });
      expect(run.status, run.output.slice(-6000)).toBe(0);
      expect(run.output.match(/Test Passed!/g)?.length).toBe(scripts.split(',').length);
      expect(run.output).toContain('healthy');
      if (name === 'remote_user_vscode') {
        expect(run.output).toContain('== install again (run 2)');
        expect(run.output).toMatch(/weft 0\.\d+\.\d+ already installed/);
        expect(run.output).toContain('temporal already installed');
        expect(run.output).toContain("Passed 'sample run on the Temporal engine'");
        expect(run.output).toContain('healthy after');
      }
      if (name === 'temporal_off') {
        expect(run.output).toContain('port 6379 (feature option redisPort) is already in use');
        expect(run.output).toContain('the stack did not start: port 6379 is in use');
        expect(run.output).toContain('== container running');
      }
    }, 900_000);
  }

  it('an unknown option value stops the install with the option, the value and what is allowed', () => {
    const bool = runScenario('test.sh', 'vscode', ['temporal=maybe'], env);
    expect(bool.status).not.toBe(0);
    expect(bool.output).toContain("option temporal: 'maybe' is not a boolean (use true or false)");
    expect(bool.output).toContain('failed to install');
    const node = runScenario('test.sh', 'vscode', ['nodeVersion=16'], env);
    expect(node.output).toContain("option nodeVersion: '16' is not supported (use 20, 22, 24 or none)");
    const port = runScenario('test.sh', 'vscode', ['weftPort=80000'], env);
    expect(port.output).toContain("option weftPort: '80000' is not a port number (1-65535)");
  }, 300_000);

  it('an unreachable download or a missing local file names it and the option that replaces it', () => {
    const url = 'http://127.0.0.1:9/temporal_cli.tar.gz';
    const down = runScenario('test.sh', 'vscode', [`temporalArchive=${url}`], env);
    expect(down.status).not.toBe(0);
    expect(down.output).toContain(`could not download ${url}`);
    expect(down.output).toContain('option temporalArchive or WEFT_TEMPORAL_ARCHIVE');
    expect(down.output).not.toContain('npm install -g'); // stopped before anything was installed
    const file = runScenario('test.sh', 'vscode', ['package=/nonexistent/weft.tgz'], env);
    expect(file.output).toContain(
      '/nonexistent/weft.tgz does not exist (set by option package or WEFT_PACKAGE',
    );
  }, 300_000);
});
