// The Weft side: the embedded engine, in memory (durable: false) or with its durable journal on a tmp dir.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { JsonValue, WorkflowDefinition } from '../../runtime/src/language/types.js';

export type WeftMode = 'memory' | 'durable';

interface RunHandle {
  runId: string;
  result: Promise<unknown>;
}
interface Engine {
  start(definition: WorkflowDefinition, inputs: Record<string, JsonValue>): RunHandle;
  close?(): unknown;
}
type EngineClass = new (options: { dataDir: string; durable?: boolean }) => Engine;

let engineClass: EngineClass | undefined;

/** Loads EmbeddedEngine; undefined (with the reason) while the embedded engine has not landed. */
export async function loadEmbeddedEngine(): Promise<{ engine?: EngineClass; reason?: string }> {
  if (engineClass) return { engine: engineClass };
  const candidates = ['index.js', 'engine.js', 'embedded-engine.js'];
  const errors: string[] = [];
  for (const file of candidates) {
    try {
      const module = (await import(`../../runtime/src/engines/embedded/${file}`)) as {
        EmbeddedEngine?: EngineClass;
      };
      if (module.EmbeddedEngine) {
        engineClass = module.EmbeddedEngine;
        return { engine: engineClass };
      }
    } catch (error) {
      errors.push(`${file}: ${(error as Error).message.split('\n')[0]}`);
    }
  }
  return { reason: `EmbeddedEngine not found in runtime/src/engines/embedded (${errors.join('; ')})` };
}

/** Fails loudly when a run did not succeed, so a broken engine never shows up as a fast one. */
function assertSucceeded(record: unknown): void {
  const r = record as { status?: string; error?: unknown } | undefined;
  const status = r?.status;
  if (status !== undefined && !['succeeded', 'completed', 'success'].includes(status)) {
    throw new Error(`Weft run ended ${status}: ${JSON.stringify(r?.error ?? r).slice(0, 500)}`);
  }
}

export interface WeftRunner {
  run(): Promise<unknown>;
  /** Starts a run without waiting: for the concurrency measurements. */
  start(): Promise<unknown>;
  close(): Promise<void>;
  dataDir: string;
}

export async function weftRunner(
  definition: WorkflowDefinition,
  inputs: Record<string, JsonValue>,
  mode: WeftMode,
): Promise<WeftRunner> {
  const { engine: Engine, reason } = await loadEmbeddedEngine();
  if (!Engine) throw new Error(reason);
  const dataDir = mkdtempSync(path.join(os.tmpdir(), `weft-bench-${mode}-`));
  const engine = new Engine({ dataDir, durable: mode === 'durable' });
  const start = async () => {
    const record = await engine.start(definition, inputs).result;
    assertSucceeded(record);
    return record;
  };
  return {
    dataDir,
    run: start,
    start,
    async close() {
      await engine.close?.();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
