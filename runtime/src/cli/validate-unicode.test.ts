// `weft validate --format json` never prints half a character: a message quoting an emoji has the
// whole emoji (jq and other strict JSON readers reject a lone surrogate escape).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type BuiltCli, buildCli } from '../../test/support/cli.js';

let cli: BuiltCli;
let dir: string;

beforeAll(async () => {
  cli = await buildCli('cli-validate-unicode');
  dir = mkdtempSync(path.join(tmpdir(), 'weft-validate-unicode-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  cli.remove();
});

it('messages are cut and quoted on whole characters (emoji in an expression)', () => {
  const emoji = '😀'.repeat(40);
  writeFileSync(
    path.join(dir, 'emoji.yaml'),
    `name: emoji
inputs:
  m: { type: string }
models:
  f: { provider: mock, model: m }
steps:
  - id: a
    kind: llm
    model: f
    prompt: "\${{ inputs.m == ${emoji} }}"
`,
  );
  const r = cli.run(['validate', 'emoji.yaml', '--format', 'json'], { cwd: dir });
  expect(r.code).toBe(1);
  // no \\ud83d-style escape, and no raw lone surrogate either
  expect(r.stdout).not.toMatch(/\\u[dD][89a-fA-F][0-9a-fA-F]{2}/);
  const diagnostics = JSON.parse(r.stdout) as Array<{ code: string; message: string }>;
  const syntax = diagnostics.find((d) => d.code === 'expression-syntax');
  expect(syntax?.message).toContain('😀');
  for (const d of diagnostics) {
    expect(d.message).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/);
  }
});
