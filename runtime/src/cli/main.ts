// The `weft` CLI entry: wires the commands, nothing else. Each command lives in commands/<name>.ts and
// is loaded only when it runs (or for the full help), so `weft --version` or `weft validate` does not
// load the server, the model providers or Temporal.
import { Command, CommanderError } from 'commander';
import packageJson from '../../package.json' with { type: 'json' };

interface CommandModule {
  register(program: Command): void;
}

/** Add new commands here: the command's name and its module (which exports `register(program)`). */
const commands: Record<string, () => Promise<CommandModule>> = {
  validate: () => import('./commands/validate.js'),
  run: () => import('./commands/run.js'),
  runs: () => import('./commands/runs.js'),
  ratings: () => import('./commands/ratings.js'),
  serve: () => import('./commands/serve.js'),
  worker: () => import('./commands/worker.js'),
  schema: () => import('./commands/schema.js'),
  deploy: () => import('./commands/deploy.js'),
  stack: () => import('./commands/stack.js'),
};

/** The commands `argv` needs: the one it names, none for --version, else all (help, errors). */
export function commandsFor(argv: readonly string[]): string[] {
  const first = argv[2];
  if (first !== undefined && Object.hasOwn(commands, first)) return [first];
  if (first === '-V' || first === '--version') return [];
  return Object.keys(commands);
}

export async function createProgram(argv: readonly string[] = process.argv): Promise<Command> {
  const program = new Command('weft')
    .description('Weft: AI agent workflows in workflow.yaml')
    .version(packageJson.version)
    .showHelpAfterError()
    .exitOverride();
  const modules = await Promise.all(commandsFor(argv).map((name) => commands[name]!()));
  for (const module of modules) module.register(program);
  return program;
}

try {
  await (await createProgram()).parseAsync(process.argv);
} catch (error) {
  // Usage errors exit 2 (the contract of every weft command); help and --version exit 0.
  if (error instanceof CommanderError) process.exit(error.exitCode === 0 ? 0 : 2);
  console.error(`weft: ${(error as Error)?.message ?? error}`);
  process.exit(2);
}
