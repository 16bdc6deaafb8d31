import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BuiltCli, buildCli } from '../../test/support/cli.js';

let cli: BuiltCli;
let dir: string;

const VALID =
  'name: ok\nmodels: { fast: { provider: mock, model: m } }\nsteps:\n  - { id: a, kind: llm, model: fast, prompt: hi }\n';
const INVALID = 'name: bad\nsteps:\n  - { id: a, kind: llm, model: nope, prompt: hi }\n';
const WARNING = `${VALID}name: again\n`;

function weft(...args: string[]) {
  return cli.run(args, { cwd: dir });
}

beforeAll(async () => {
  cli = await buildCli('cli-validate');
  dir = mkdtempSync(path.join(tmpdir(), 'weft-validate-'));
  writeFileSync(path.join(dir, 'valid.yaml'), VALID);
  writeFileSync(path.join(dir, 'invalid.yaml'), INVALID);
  writeFileSync(path.join(dir, 'warning.yaml'), WARNING);
  mkdirSync(path.join(dir, 'flows/deep'), { recursive: true });
  writeFileSync(path.join(dir, 'flows/workflow.yaml'), VALID);
  writeFileSync(path.join(dir, 'flows/deep/b.workflow.yaml'), INVALID);
  writeFileSync(path.join(dir, 'flows/deep/notes.yaml'), 'not: a workflow\n');
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  cli.remove();
});

describe('weft validate', () => {
  it('exits 0 on a valid file, printing nothing on stdout', () => {
    const r = weft('validate', 'valid.yaml');
    expect(r).toMatchObject({ code: 0, stdout: '' });
    expect(r.stderr).toContain('1 file checked: 0 errors');
  });

  it('exits 1 with FILE:LINE:COL: error CODE: message lines', () => {
    const r = weft('validate', 'invalid.yaml', 'valid.yaml');
    expect(r.code).toBe(1);
    expect(r.stdout).toBe(
      'invalid.yaml:3:32: error unknown-model: unknown model `nope`; declare it under `models`\n',
    );
  });

  it('warnings alone keep exit 0', () => {
    const r = weft('validate', 'warning.yaml');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      'warning.yaml:5:1: warning yaml-syntax: duplicate key `name`; the last value wins\n',
    );
  });

  it('prints a JSON array with --format json', () => {
    const r = weft('validate', '--format', 'json', 'invalid.yaml', 'valid.yaml');
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toEqual([
      {
        file: 'invalid.yaml',
        line: 3,
        column: 32,
        endLine: 3,
        endColumn: 36,
        severity: 'error',
        code: 'unknown-model',
        message: 'unknown model `nope`; declare it under `models`',
      },
    ]);
    expect(JSON.parse(weft('validate', 'valid.yaml', '--format', 'json').stdout)).toEqual([]);
  });

  it('expands directories (workflow files only) and globs', () => {
    const r = weft('validate', 'flows');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^flows\/deep\/b\.workflow\.yaml:3:32: error unknown-model/);
    expect(r.stderr).toContain('2 files checked');
    const g = weft('validate', '*.yaml');
    expect(g.code).toBe(1);
    expect(g.stderr).toContain('3 files checked');
  });

  it('exits 2 on a missing file, a glob matching nothing, or a usage error', () => {
    const missing = weft('validate', 'valid.yaml', 'missing.yaml');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('missing.yaml: no such file or directory');
    expect(weft('validate', 'nothing/*.yaml').code).toBe(2);
    expect(weft('validate').code).toBe(2);
    expect(weft('validate', '--format', 'xml', 'valid.yaml').code).toBe(2);
    expect(weft('frobnicate').code).toBe(2);
  });

  it('prints the worst-case bound of each valid file on stderr (stdout keeps its contract)', () => {
    const r = weft('validate', 'valid.yaml');
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^valid\.yaml: worst case [\d,]+ tokens \(budget 100,000 tokens\)$/m);
  });

  it('warns when a declared budget is below the worst case', () => {
    writeFileSync(path.join(dir, 'tight.yaml'), `${VALID}budget: { max_tokens: 100 }\n`);
    const r = weft('validate', 'tight.yaml');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /^tight\.yaml:5:1: warning budget-worst-case: the worst case exceeds the budget/,
    );
  });
});

describe('weft schema', () => {
  it('prints the workflow schema, or writes it for editors and prints the modeline to use', () => {
    const printed = weft('schema');
    expect(printed.code).toBe(0);
    expect(JSON.parse(printed.stdout).$id).toBe('https://weft.dev/schemas/workflow.schema.json');
    const written = weft('schema', '--write', '.weft/');
    expect(written.code).toBe(0);
    const file = path.join(dir, '.weft', 'workflow.schema.json');
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(JSON.parse(printed.stdout));
    expect(written.stderr).toContain('# yaml-language-server: $schema=./.weft/workflow.schema.json');
    writeFileSync(path.join(dir, 'blocked'), '');
    const refused = weft('schema', '--write', 'blocked/x.json');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('cannot write the schema to');
  });
});
