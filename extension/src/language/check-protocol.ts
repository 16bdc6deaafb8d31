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
