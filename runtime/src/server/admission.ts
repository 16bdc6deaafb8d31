// Run starts in turns of the event loop, so that one turn stays short under load.
//
// libuv (>= 1.45, Node 20) accepts one new connection per event-loop turn. Without this, a turn under
// load runs every request that arrived in it to completion (a run on the in-memory journal, with the
// mock or any quick model, finishes in microtasks), so a turn takes ~(connections) x (CPU per request)
// and a client that opens its connection while the server is busy waits that long per connection queued
// before it (50 connections: 1-5 s for the last one). Admitting a bounded number of run starts per turn
// (adapted so a busy turn lasts ~TARGET_TURN_MS) keeps turns short: new connections are accepted at once
// and requests are served in arrival order. Throughput is unchanged (the same work, in more turns).
import { performance } from 'node:perf_hooks';

/** How long a busy event-loop turn should last, ms. */
const TARGET_TURN_MS = 8;
const MAX_PER_TURN = 1024;

export class TurnAdmission {
  private readonly waiting: Array<() => void> = [];
  private scheduled = false;
  /** Run starts admitted per turn (adapted to the measured turn length). */
  private perTurn = 8;
  /** When the last drain started, if it left waiters behind (the loop stayed busy since). */
  private busySince: number | undefined;

  constructor(
    private readonly targetTurnMs = TARGET_TURN_MS,
    private readonly maxPerTurn = MAX_PER_TURN,
  ) {}

  /** Resolves when the caller may start its run (in a later phase of this turn, or a later turn). */
  turn(): Promise<void> {
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      this.schedule();
    });
  }

  get queued(): number {
    return this.waiting.length;
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(this.drain);
  }

  private readonly drain = (): void => {
    this.scheduled = false;
    const now = performance.now();
    if (this.busySince !== undefined) {
      // the whole previous turn (its admitted runs included): grow while short, halve when long
      const turnMs = now - this.busySince;
      if (turnMs > this.targetTurnMs) this.perTurn = Math.max(1, Math.floor(this.perTurn / 2));
      else this.perTurn = Math.min(this.maxPerTurn, this.perTurn + Math.max(1, this.perTurn >> 3));
    }
    const n = Math.min(this.perTurn, this.waiting.length);
    const admitted = this.waiting.splice(0, n);
    for (const resolve of admitted) resolve();
    if (this.waiting.length > 0) {
      this.busySince = now;
      // from the check phase: runs in the next turn, after its timers and I/O (new connections too)
      this.schedule();
    } else {
      this.busySince = undefined;
    }
  };
}
