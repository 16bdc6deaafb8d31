// DATA_DIR/stack.json: which backend brought this stack up, on which ports (so `status`, `logs` and
// `down` find it without the flags `up` was given).
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BackendName, StackPorts } from './definition.js';

export interface StackState {
  backend: BackendName;
  project: string;
  ports: StackPorts;
  workflows: string;
  startedAt: string;
}

const file = (dataDir: string) => join(dataDir, 'stack.json');

export function readState(dataDir: string): StackState | undefined {
  try {
    const state = JSON.parse(readFileSync(file(dataDir), 'utf8')) as StackState;
    return state.backend === 'compose' || state.backend === 'processes' ? state : undefined;
  } catch {
    return undefined;
  }
}

export function writeState(dataDir: string, state: StackState): void {
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file(dataDir), `${JSON.stringify(state, null, 2)}\n`);
}

export function removeState(dataDir: string): void {
  rmSync(file(dataDir), { force: true });
}
