// The Weft side: the embedded engine, in memory (durable: false) or with its durable journal on a tmp dir.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EmbeddedEngine, type RunRecord } from '../../runtime/src/engines/embedded/index.js';
import type { JsonValue, WorkflowDefinition } from '../../runtime/src/language/types.js';

export type WeftMode = 'memory' | 'durable';

/** Fails loudly when a run did not succeed, so a broken engine never shows up as a fast one. */
function assertSucceeded(record: RunRecord): void {
  if (record.status !== 'succeeded') {
    throw new Error(
      `Weft run ended ${record.status}: ${JSON.stringify(record.error ?? record).slice(0, 300)}`,
    );
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
  const dataDir = mkdtempSync(path.join(os.tmpdir(), `weft-bench-${mode}-`));
  const engine = new EmbeddedEngine({ dataDir, durable: mode === 'durable' });
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
      await (engine as { close?: () => unknown }).close?.();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
