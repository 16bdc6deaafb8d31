// weft stack up|down|status|logs: the local stack (Temporal dev server, Redis, weft serve, weft worker)
// through Docker Compose or as local processes. Progress on stderr; --json puts the result on stdout.
// Exit 0 healthy / done, 1 failed, 2 usage.
import { type Command, Option } from 'commander';
import {
  SERVICES,
  type ServiceName,
  type ServiceStatus,
  StackError,
  type StackFlags,
  type StackStatus,
  StackUsageError,
  stackConfig,
  stackDown,
  stackLogs,
  stackStatus,
  stackUp,
} from '../../stack/index.js';

interface CommonOptions extends StackFlags {
  json?: boolean;
}

const progress = (line: string) => process.stderr.write(`${line}\n`);

/** `weft serve` and `weft worker` run as this very CLI (same Node, same entry file). */
const weftCommand = () => (process.argv[1] ? [process.execPath, process.argv[1]] : undefined);

function withCommonOptions(command: Command): Command {
  return command
    .addOption(
      new Option('--backend <backend>', 'auto | compose | processes (default: $WEFT_STACK_BACKEND or auto)'),
    )
    .option('--data-dir <dir>', 'pid files, logs and data of the processes backend (default: .weft/stack)')
    .option('--project <name>', 'compose project name (default: one per workspace folder)')
    .option('--weft-port <port>', 'weft serve port (default 8000, $WEFT_STACK_WEFT_PORT)')
    .option('--temporal-port <port>', 'Temporal gRPC port (default 7233, $WEFT_STACK_TEMPORAL_PORT)')
    .option('--temporal-ui-port <port>', 'Temporal UI port (default 8233, $WEFT_STACK_TEMPORAL_UI_PORT)')
    .option('--redis-port <port>', 'Redis port (default 6379, $WEFT_STACK_REDIS_PORT)');
}

function formatServices(services: ServiceStatus[]): string {
  const width = Math.max(...services.map((s) => s.name.length));
  return services
    .map((s) => {
      const ui = s.uiUrl ? ` (UI ${s.uiUrl})` : '';
      const detail = s.detail ? `  [${s.detail}]` : '';
      return `  ${s.name.padEnd(width)}  ${s.state.padEnd(9)}  ${s.url}${ui}${detail}`;
    })
    .join('\n');
}

/** Runs an action; StackError -> its message and fix on stderr, exit 1; usage errors exit 2. */
async function guarded(json: boolean | undefined, action: () => Promise<number>): Promise<void> {
  try {
    process.exitCode = await action();
  } catch (error) {
    if (error instanceof StackUsageError) {
      console.error(`weft stack: ${error.message}`);
      process.exitCode = 2;
      return;
    }
    const stackError = error instanceof StackError ? error : undefined;
    const message = stackError ? stackError.describe() : ((error as Error)?.message ?? String(error));
    console.error(`weft stack: ${message}`);
    if (json) {
      const body = {
        error: {
          code: stackError?.code ?? 'failed',
          message: (error as Error).message,
          fix: stackError?.fix,
        },
      };
      process.stdout.write(`${JSON.stringify(body)}\n`);
    }
    process.exitCode = 1;
  }
}

const printStatus = (status: StackStatus, json: boolean | undefined) => {
  if (json) process.stdout.write(`${JSON.stringify(status)}\n`);
  else process.stdout.write(`backend: ${status.backend}\n${formatServices(status.services)}\n`);
};

const allHealthy = (status: StackStatus) => status.services.every((s) => s.state === 'healthy');

function parseService(value: string | undefined): ServiceName | undefined {
  if (value === undefined) return undefined;
  if (!(SERVICES as readonly string[]).includes(value)) {
    throw new StackUsageError(`unknown service "${value}": one of ${SERVICES.join(', ')}`);
  }
  return value as ServiceName;
}

export function register(program: Command): void {
  const stack = program
    .command('stack')
    .description(
      'The local stack: Temporal dev server, Redis, weft serve and a worker (compose or processes)',
    );

  withCommonOptions(stack.command('up'))
    .description('Start the stack (or attach to a healthy one) and wait until every service is healthy')
    .option(
      '--workflows <path>',
      'a workflow.yaml or a folder of them for weft serve (default: ./workflow.yaml, else .)',
    )
    .option('--timeout <seconds>', 'how long to wait for every service to be healthy (default 120)')
    .option('--json', 'print the stack status as JSON on stdout')
    .action((options: CommonOptions) =>
      guarded(options.json, async () => {
        const config = stackConfig(options);
        const result = await stackUp(config, progress, { weftCommand: weftCommand() });
        const ok = allHealthy(result);
        if (options.json) printStatus({ backend: result.backend, services: result.services }, true);
        else {
          progress(ok ? 'stack is up:' : 'stack is up, but not every service is healthy:');
          progress(formatServices(result.services));
        }
        return ok ? 0 : 1;
      }),
    );

  withCommonOptions(stack.command('down'))
    .description("Stop what this folder's stack started (data is kept unless --volumes)")
    .option('--volumes', "also delete the stack's data (Temporal database, Redis AOF, run data)")
    .option('--json', 'print {"backend": ...} as JSON on stdout')
    .action((options: CommonOptions & { volumes?: boolean }) =>
      guarded(options.json, async () => {
        const backend = await stackDown(
          stackConfig(options),
          { volumes: options.volumes === true },
          progress,
        );
        if (options.json)
          process.stdout.write(`${JSON.stringify({ backend, stopped: backend !== 'none' })}\n`);
        else progress(backend === 'none' ? 'nothing was running' : 'stack stopped');
        return 0;
      }),
    );

  withCommonOptions(stack.command('status'))
    .description('Each service and its state; exit 0 only when all are healthy')
    .option('--json', 'print {"backend", "services": [{"name", "state", "url"}]} on stdout')
    .action((options: CommonOptions) =>
      guarded(options.json, async () => {
        const status = await stackStatus(stackConfig(options));
        printStatus(status, options.json);
        return allHealthy(status) ? 0 : 1;
      }),
    );

  withCommonOptions(stack.command('logs'))
    .description("Print the services' logs (all, or one: weft, worker, temporal, redis)")
    .argument('[service]', SERVICES.join(' | '))
    .option('--follow', 'keep printing new lines (Ctrl-C to stop)')
    .option('--tail <lines>', 'lines of history per service', '200')
    .action((service: string | undefined, options: CommonOptions & { follow?: boolean; tail: string }) =>
      guarded(false, async () => {
        const controller = new AbortController();
        process.once('SIGINT', () => controller.abort());
        process.once('SIGTERM', () => controller.abort());
        await stackLogs(stackConfig(options), parseService(service), {
          follow: options.follow === true,
          out: process.stdout,
          tail: Number(options.tail) || 200,
          signal: controller.signal,
        });
        return 0;
      }),
    );
}
