// WEFT_JOURNAL=memory: the embedded engine with its run journals in this process's memory instead of
// fsynced files. Nothing survives the process: a crash or restart loses the runs in flight (they are
// never resumed) and, with the default embedded run store, every run record. Memory stays bounded:
// the journals of the last `maxFinishedRuns` finished runs are kept (older ones are forgotten, so
// GET /runs/{id} answers 404 for them); runs in flight are always kept.
import { EmbeddedEngine, type EmbeddedEngineOptions } from '../engines/embedded/index.js';
import { DEFAULT_MEMORY_RUNS } from './config.js';

/** The embedded engine with its journals in memory, the last `maxFinishedRuns` finished ones kept. */
export function memoryJournalEngine(options: Omit<EmbeddedEngineOptions, 'durable'>): EmbeddedEngine {
  const maxFinishedRuns = options.maxFinishedRuns ?? DEFAULT_MEMORY_RUNS;
  return new EmbeddedEngine({ ...options, maxFinishedRuns, durable: false });
}
