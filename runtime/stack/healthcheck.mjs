// Container healthchecks of the stack's compose file, light enough to run every second or two (the
// whole CLI takes seconds to load): `node healthcheck.mjs weft` asks GET /ready; `node healthcheck.mjs
// worker` asks Temporal whether a worker polled the task queue in the last 90 s. Exit 0 healthy, 1 not.
const [what] = process.argv.slice(2);
const fail = () => process.exit(1);

if (what === 'weft') {
  const port = process.env.WEFT_HEALTH_PORT || '8000';
  fetch(`http://127.0.0.1:${port}/ready`, { signal: AbortSignal.timeout(4000) }).then(
    (response) => process.exit(response.ok ? 0 : 1),
    fail,
  );
} else if (what === 'worker') {
  // a CommonJS module: its exports are the namespace, or its default export when bundled (dist/image/)
  const client = await import('@temporalio/client');
  const { Connection } = client.Connection ? client : client.default;
  const address = process.env.TEMPORAL_ADDRESS || '127.0.0.1:7233';
  try {
    const connection = await Connection.connect({ address, connectTimeout: 4000 });
    const response = await connection.workflowService.describeTaskQueue({
      namespace: process.env.TEMPORAL_NAMESPACE || 'default',
      taskQueue: { name: process.env.TEMPORAL_TASK_QUEUE || 'weft', kind: 1 },
      taskQueueType: 1,
    });
    await connection.close();
    const since = Date.now() - 90_000;
    const polled = (response.pollers ?? []).some((poller) => {
      const seconds = Number(poller.lastAccessTime?.seconds ?? 0);
      return seconds === 0 || seconds * 1000 >= since;
    });
    process.exit(polled ? 0 : 1);
  } catch {
    fail();
  }
} else {
  console.error('usage: node healthcheck.mjs weft|worker');
  process.exit(2);
}
