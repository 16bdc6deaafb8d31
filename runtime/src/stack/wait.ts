// Waiting until services are healthy: probes every 250 ms, a progress line when each turns healthy
// and every few seconds while some are not; stops early when a service's process is gone.
import type { Progress } from './backend.js';
import type { ServiceName } from './definition.js';

export interface WaitTarget {
  name: ServiceName;
  probe(): Promise<boolean>;
  /** a reason when the service can no longer become healthy (its process exited), else undefined */
  gone?(): Promise<string | undefined>;
}

export type WaitOutcome = { ok: true } | { ok: false; service: ServiceName; why: string };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function waitHealthy(
  targets: WaitTarget[],
  deadline: number,
  progress: Progress,
  started = Date.now(),
): Promise<WaitOutcome> {
  const pending = new Set(targets.map((t) => t.name));
  const seconds = () => `${((Date.now() - started) / 1000).toFixed(1)}s`;
  let lastNote = Date.now();
  for (;;) {
    const results = await Promise.all(
      targets
        .filter((t) => pending.has(t.name))
        .map(async (t) => ({ t, ok: await t.probe(), gone: await t.gone?.() })),
    );
    for (const { t, ok, gone } of results) {
      if (ok) {
        pending.delete(t.name);
        progress(`  ✓ ${t.name} healthy (${seconds()})`);
      } else if (gone) {
        return { ok: false, service: t.name, why: gone };
      }
    }
    if (pending.size === 0) return { ok: true };
    if (Date.now() >= deadline) {
      const name = [...pending][0] as ServiceName;
      return {
        ok: false,
        service: name,
        why: `was not healthy after ${seconds()} (its health probe never passed)`,
      };
    }
    if (Date.now() - lastNote >= 5000) {
      lastNote = Date.now();
      progress(`  … waiting for ${[...pending].join(', ')} (${seconds()})`);
    }
    await sleep(250);
  }
}
