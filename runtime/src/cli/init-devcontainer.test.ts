// weft init devcontainer through the real CLI: writes the file, never replaces one without --force,
// refuses a bad port with exit 2.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BuiltCli, buildCli } from '../../test/support/cli.js';

describe('weft init devcontainer', () => {
  let cli: BuiltCli;
  const dir = mkdtempSync(join(tmpdir(), 'weft-init-'));
  beforeAll(async () => {
    cli = await buildCli('init-devcontainer');
  });
  afterAll(() => {
    cli?.remove();
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes .devcontainer/devcontainer.json with the feature, ports and secrets', () => {
    const r = cli.run([
      'init',
      'devcontainer',
      '--dir',
      dir,
      '--feature',
      'ghcr.io/acme/flows/weft:1',
      '--redis-port',
      '6380',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('devcontainer.json');
    const config = JSON.parse(readFileSync(join(dir, '.devcontainer/devcontainer.json'), 'utf8'));
    expect(config.features).toEqual({ 'ghcr.io/acme/flows/weft:1': { redisPort: '6380' } });
    expect(config.forwardPorts).toEqual([8000, 8233, 7233, 6380]);
    expect(config.portsAttributes['6380']).toEqual({ label: 'Redis', onAutoForward: 'silent' });
    expect(Object.keys(config.secrets)).toEqual(['OPENAI_API_KEY', 'ANTHROPIC_API_KEY', 'GOOGLE_API_KEY']);
    expect(config.waitFor).toBe('postStartCommand');
  });

  it('keeps an existing file unless --force, and says how to proceed', () => {
    const file = join(dir, '.devcontainer/devcontainer.json');
    writeFileSync(file, '{"name": "mine"}\n');
    const r = cli.run(['init', 'devcontainer', '--dir', dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('already exists; nothing was written. Use --force');
    expect(readFileSync(file, 'utf8')).toBe('{"name": "mine"}\n');
    expect(cli.run(['init', 'devcontainer', '--dir', dir, '--force']).code).toBe(0);
    expect(JSON.parse(readFileSync(file, 'utf8')).name).toBe('Weft workflows');
  });

  it('rejects a port out of range with exit 2', () => {
    const r = cli.run(['init', 'devcontainer', '--stdout', '--weft-port', '70000']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      "option '--weft-port <port>' argument '70000' is invalid. expected a port (1-65535)",
    );
  });
});
