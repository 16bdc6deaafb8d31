// The messages between the diagnostics controller (extension host main thread) and the check
// worker (out/check-worker.js). Plain data: they cross threads by structured clone.
import type { Diagnostic, WorkflowDefinition } from './runtime.js';

export interface CheckRequest {
  uri: string;
  version: number;
  text: string;
}

export interface CheckAnswer {
  uri: string;
  version: number;
  /** How long checkWorkflow took in the worker. */
  ms: number;
  diagnostics: Diagnostic[];
  /** The checked definition, when there is one (the providers reuse it for this version). */
  definition?: WorkflowDefinition;
  /** The checker threw: its stack; diagnostics is empty then. */
  error?: string;
}

/**
 * The check worker's young generation (V8's nursery). A full check of a 1,000-step file keeps its
 * parse trees (~10 MB) alive while it allocates; with the default nursery every check pays for
 * scavenges that copy those trees, with this one most checks pay for none (bench/check.ts measures
 * both, in a worker thread as the extension runs it).
 */
export const CHECK_WORKER_YOUNG_GENERATION_MB = 64;
