// The check worker (out/check-worker.js): runs the runtime's checkWorkflow off the extension host's
// main thread. It loads the language bundle (out/language.js, kept external) next to it, answers
// one request at a time, in order, and keeps no state besides the checker's own caches. After its
// first answer it warms the JIT up on a synthetic workflow, a slice per turn of the event loop (a
// request that arrives meanwhile waits for one slice at most).
import { fileURLToPath } from 'node:url';
import { parentPort } from 'node:worker_threads';
import type { CheckAnswer, CheckRequest } from './check-protocol.js';
import type * as Service from './service.js';
import { warmUpWorkflow } from './warm-up.js';

const port = parentPort;
if (!port) throw new Error('check-worker.js runs as a worker thread');
const service = require('./language.js') as typeof Service;

const WARM_UP_SLICES = 4;
let warmedUp = 0;
function warmUp(): void {
  if (warmedUp >= WARM_UP_SLICES) return;
  try {
    service.checkWorkflow(warmUpWorkflow(8, `w${warmedUp}_`));
  } catch {
    // only a warm-up
  }
  warmedUp++;
  setImmediate(warmUp);
}

port.on('message', (request: CheckRequest) => {
  const { uri, version, text } = request;
  const t0 = performance.now();
  let answer: CheckAnswer;
  try {
    // a file's sub-workflows are read from disk, relative to it (saved text: an unsaved child is not seen)
    const options = uri.startsWith('file:')
      ? { file: fileURLToPath(uri), resolve: service.fileWorkflowResolver }
      : {};
    const result = service.checkWorkflow(text, options);
    answer = { uri, version, ms: performance.now() - t0, ...result };
  } catch (error) {
    answer = {
      uri,
      version,
      ms: performance.now() - t0,
      diagnostics: [],
      error: String((error as Error)?.stack ?? error),
    };
  }
  try {
    port.postMessage(answer);
  } catch {
    // a definition that does not clone: the diagnostics alone (the providers check for themselves)
    port.postMessage({ ...answer, definition: undefined });
  }
  if (warmedUp === 0) setImmediate(warmUp);
});
