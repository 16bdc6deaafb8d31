// `weft run` in a terminal: each approval step the run reaches is asked on stdin, one at a time.
import { userInfo } from 'node:os';
import { createInterface } from 'node:readline/promises';
import type { RunHandle } from '../../engines/embedded/index.js';

/** Records a decision for the run (its engine's decideApproval). */
export type Decide = (
  key: string,
  answer: { decision: string; by: string; comment?: string },
) => Promise<{ ok: true } | { ok: false; reason: string; message: string }>;

/** Asks for every approval of `handle`'s run on the terminal until the run ends. */
export function askForApprovals(decide: Decide, handle: Pick<RunHandle, 'onEvent' | 'result'>): void {
  let queue = Promise.resolve();
  const stop = handle.onEvent((event) => {
    if (event.type !== 'approval_requested') return;
    const { key, decisions } = event;
    queue = queue
      .then(() => ask(decide, key, decisions))
      .catch((error: Error) => {
        process.stderr.write(`could not record the decision: ${error.message}\n`);
      });
  });
  void handle.result.finally(stop).catch(() => {});
}

async function ask(decide: Decide, key: string, decisions: string[]): Promise<void> {
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
      const result = await decide(key, {
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
