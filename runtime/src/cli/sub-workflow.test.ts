// `weft validate` reports errors across files (a missing child, a child's errors, a cycle) at the parent's
// `workflow:` value; `weft run` runs a parent with its child, offline.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BuiltCli, buildCli } from '../../test/support/cli.js';
import { REPO_ROOT } from '../../test/support/services.js';

let cli: BuiltCli;
let dir: string;
const weft = (...args: string[]) => cli.runAsync(args, { cwd: dir, env: { WEFT_DATA_DIR: dir } });

const caller = (child: string) => `name: caller
models: { fast: { provider: mock, model: m } }
steps:
  - id: sub
    kind: workflow
    workflow: ${child}
`;

beforeAll(async () => {
  cli = await buildCli('cli-sub-workflow');
  dir = mkdtempSync(path.join(tmpdir(), 'weft-sub-workflow-'));
  writeFileSync(path.join(dir, 'missing.yaml'), caller('./nope.yaml'));
  writeFileSync(path.join(dir, 'broken.yaml'), caller('./broken-child.yaml'));
  writeFileSync(
    path.join(dir, 'broken-child.yaml'),
    'name: bad\nsteps:\n  - { id: a, kind: llm, model: nope, prompt: hi }\n',
  );
  writeFileSync(path.join(dir, 'a.yaml'), caller('./b.yaml'));
  writeFileSync(path.join(dir, 'b.yaml'), caller('./a.yaml'));
});

afterAll(() => {
  cli.remove();
  rmSync(dir, { recursive: true, force: true });
});

describe('sub-workflows in the CLI', () => {
  it('weft validate reports a missing child, a broken child and a cycle at the `workflow:` value', async () => {
    const r = await weft('validate', 'missing.yaml', 'broken.yaml', 'a.yaml');
    expect(r.code).toBe(1);
    expect(r.stdout.split('\n').filter(Boolean)).toEqual([
      'missing.yaml:6:15: error workflow-not-found: workflow file `./nope.yaml` not found (relative to missing.yaml); check the path',
      'broken.yaml:6:15: error workflow-invalid: broken-child.yaml:3:32 has 1 error: unknown model `nope`; declare it under `models`',
      'a.yaml:6:15: error workflow-cycle: b.yaml:6:15 has 1 error: workflows call each other in a cycle: a.yaml -> b.yaml -> a.yaml',
    ]);
  }, 60_000);

  it('weft run runs the sub-workflow sample: the child output reaches the parent, its run is linked', async () => {
    const r = await weft('run', path.join(REPO_ROOT, 'samples', 'sub-workflow', 'workflow.yaml'), '--json');
    expect(r.code).toBe(0);
    const record = JSON.parse(r.stdout);
    expect(record.status).toBe('succeeded');
    expect(record.outputs.summary).toContain('Summarize in 2 sentences');
    expect(r.stderr).toMatch(/summarize .*tokens/);
  }, 60_000);
});
