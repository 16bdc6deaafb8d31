// `weft run` in a terminal: each approval step the run reaches is asked on stdin, one at a time.
import { userInfo } from 'node:os';
import { createInterface } from 'node:readline/promises';
import type { EmbeddedEngine, RunHandle } from '../../engines/embedded/index.js';

/** Asks for every approval of `handle`'s run on the terminal until the run ends. */
export function askForApprovals(engine: EmbeddedEngine, handle: RunHandle): void {
  let queue = Promise.resolve();
  const stop = handle.onEvent((event) => {
    if (event.type !== 'approval_requested') return;
    const { key, decisions } = event;
    queue = queue
      .then(() => ask(engine, handle.runId, key, decisions))
      .catch((error: Error) => {
        process.stderr.write(`could not record the decision: ${error.message}\n`);
      });
  });
  void handle.result.finally(stop).catch(() => {});
}

async function ask(engine: EmbeddedEngine, runId: string, key: string, decisions: string[]): Promise<void> {
  const by = (() => {
    try {
      return userInfo().username || 'cli';
    } catch {
      return 'cli';
    }
  })();
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    for (;;) {
      const answer = (
        await rl.question(`  decide ${key} [${decisions.join('/')}] (optional ": comment"): `)
      ).trim();
      const [decision = '', ...rest] = answer.split(':');
      const comment = rest.join(':').trim();
      const result = await engine.decideApproval(runId, key, {
        decision: decision.trim(),
        by,
        ...(comment ? { comment } : {}),
      });
      if (result.ok) return;
      process.stderr.write(`  ${result.message}\n`);
      if (result.reason !== 'invalid_decision') return;
    }
  } finally {
    rl.close();
  }
}
