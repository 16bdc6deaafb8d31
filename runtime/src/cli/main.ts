// The `weft` CLI entry: wires the commands, nothing else. Each command lives in commands/<name>.ts.
import { Command, CommanderError } from 'commander';
import packageJson from '../../package.json' with { type: 'json' };
import * as initDevcontainer from './commands/init-devcontainer.js';
import * as ratings from './commands/ratings.js';
import * as run from './commands/run.js';
import * as runs from './commands/runs.js';
import * as serve from './commands/serve.js';
import * as stack from './commands/stack.js';
import * as validate from './commands/validate.js';
import * as worker from './commands/worker.js';

/** Add new commands here (each exports `register(program)`). */
const commands: Array<{ register(program: Command): void }> = [
  validate,
  run,
  runs,
  ratings,
  serve,
  worker,
  initDevcontainer,
  stack,
];

export function createProgram(): Command {
  const program = new Command('weft')
    .description('Weft: AI agent workflows in workflow.yaml')
    .version(packageJson.version)
    .showHelpAfterError()
    .exitOverride();
  for (const command of commands) command.register(program);
  return program;
}

try {
  await createProgram().parseAsync(process.argv);
} catch (error) {
  // Usage errors exit 2 (the contract of every weft command); help and --version exit 0.
  if (error instanceof CommanderError) process.exit(error.exitCode === 0 ? 0 : 2);
  console.error(`weft: ${(error as Error)?.message ?? error}`);
  process.exit(2);
}
