// A user's project for the deploy tests: a workflow, the runtime packed from this repository
// (npm pack runs prepack: the CLI and dist/image/), weft.deploy.yaml naming that file, and the
// artifacts of `weft deploy generate`.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { BuiltCli } from '../support/cli.js';
import { REPO_ROOT } from '../support/services.js';

export interface DeployProject {
  dir: string;
  tarball: string;
}

/** `workflow`: the workflow.yaml text. Throws with npm's or weft's output when a step fails. */
export function deployProject(cli: BuiltCli, service: string, workflow: string): DeployProject {
  const dir = mkdtempSync(path.join(tmpdir(), `weft-${service}-`));
  writeFileSync(path.join(dir, 'workflow.yaml'), workflow);
  const pack = spawnSync('npm', ['pack', '--silent', '--pack-destination', dir], {
    cwd: path.join(REPO_ROOT, 'runtime'),
    encoding: 'utf8',
  });
  if (pack.status !== 0) throw new Error(`npm pack of runtime/ failed:\n${pack.stderr}`);
  const tarball = pack.stdout.trim().split('\n').pop() ?? '';
  writeFileSync(path.join(dir, 'weft.deploy.yaml'), `service: ${service}\nruntime: ./${tarball}\n`);
  const generated = cli.run(['deploy', 'generate'], { cwd: dir });
  if (generated.code !== 0) throw new Error(`weft deploy generate failed:\n${generated.stderr}`);
  return { dir, tarball };
}
