// weft worker: runs Weft's Temporal workflow and step activities on a task queue until SIGINT/SIGTERM.
// TEMPORAL_ADDRESS (127.0.0.1:7233), TEMPORAL_NAMESPACE (default), TEMPORAL_TASK_QUEUE (weft);
// model keys and tool secrets come from this process's environment, ratings go to WEFT_DATA_DIR.
import type { Command } from 'commander';

interface WorkerOptions {
  address?: string;
  namespace?: string;
  taskQueue?: string;
}

async function runWorker(options: WorkerOptions): Promise<number> {
  // Loaded on use: the Temporal worker's native core is not needed by any other command.
  const { connectWorker, createWeftWorker, installCliRuntime, temporalConfig } = await import(
    '../../engines/temporal/worker.js'
  );
  installCliRuntime();
  const config = temporalConfig({
    ...process.env,
    ...(options.address ? { TEMPORAL_ADDRESS: options.address } : {}),
    ...(options.namespace ? { TEMPORAL_NAMESPACE: options.namespace } : {}),
    ...(options.taskQueue ? { TEMPORAL_TASK_QUEUE: options.taskQueue } : {}),
  });
  const log = (line: string) => process.stderr.write(`${line}\n`);
  log(`connecting to Temporal at ${config.address} (namespace ${config.namespace})…`);
  const connection = await connectWorker(config);
  try {
    log('bundling workflows…');
    const worker = await createWeftWorker({
      connection,
      namespace: config.namespace,
      taskQueue: config.taskQueue,
    });
    let signals = 0;
    const onSignal = (signal: NodeJS.Signals) => {
      signals += 1;
      if (signals > 1) process.exit(130);
      log(`${signal}: shutting down (in-flight steps get up to 10 s; again to quit at once)…`);
      worker.shutdown();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    try {
      const running = worker.run();
      log(`worker ready on queue ${config.taskQueue}`);
      await running;
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
    log('worker stopped');
    return 0;
  } finally {
    await connection.close();
  }
}

export function register(program: Command): void {
  program
    .command('worker')
    .description(
      'Run workflows for `weft run --engine temporal` and the server on a Temporal task queue (until Ctrl-C)',
    )
    .option('--address <host:port>', 'Temporal frontend (default: $TEMPORAL_ADDRESS or 127.0.0.1:7233)')
    .option('--namespace <name>', 'namespace (default: $TEMPORAL_NAMESPACE or default)')
    .option('--task-queue <name>', 'task queue (default: $TEMPORAL_TASK_QUEUE or weft)')
    .action(async (options: WorkerOptions) => {
      process.exitCode = await runWorker(options);
    });
}
