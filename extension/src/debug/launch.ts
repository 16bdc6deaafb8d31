// From launch arguments to a run the debugger can drive: the checked workflow, its inputs, and for a
// replay the recorded journal. Every refusal names what and where, and what to do.
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { allSpecs } from './keys.js';
import {
  checkWorkflow,
  decodeJournal,
  effectiveInputs,
  fileCheckOptions,
  type JournalEvent,
  type JsonValue,
  type WorkflowDefinition,
} from './runtime.js';
import { type StepMap, stepMapOf } from './step-map.js';

export interface LaunchArguments {
  /** The workflow file. */
  program?: string;
  inputs?: Record<string, JsonValue>;
  inputsFile?: string;
  stopOnEntry?: boolean;
  engine?: 'embedded' | 'temporal';
  /** A run id (in dataDir) or the path of a journal.jsonl: replay it with no model or tool call. */
  replay?: string;
  /** With replay: replay up to this step (id), then run it and the rest for real as a new run (fork). */
  forkFrom?: string;
  /** Where runs are kept; default env WEFT_DATA_DIR, else `.weft` in cwd. */
  dataDir?: string;
  cwd?: string;
  /** Added to the adapter's environment (API keys stay in the environment, not in launch.json). */
  env?: Record<string, string>;
}

export class LaunchError extends Error {}

export interface Recording {
  file: string;
  events: JournalEvent[];
  definition: WorkflowDefinition;
  inputs: Record<string, JsonValue>;
  workflowFile?: string;
  /** Something to tell the user (a torn last line that was left out). */
  note?: string;
}

export interface Prepared {
  program: string;
  text: string;
  /** What runs: the file's definition, or for a replay the recording's. */
  definition: WorkflowDefinition;
  /** The file's definition (what a fork runs). */
  fileDefinition: WorkflowDefinition;
  stepMap: StepMap;
  inputs: Record<string, JsonValue>;
  dataDir: string;
  env: Record<string, string | undefined>;
  recording?: Recording;
  /** The first step that differs between the recording's definition and the file, if any. */
  divergence?: string;
}

export function dataDirOf(args: LaunchArguments, env: Record<string, string | undefined>): string {
  if (args.dataDir) return resolve(args.cwd ?? process.cwd(), args.dataDir);
  if (env.WEFT_DATA_DIR?.trim()) return env.WEFT_DATA_DIR;
  return join(args.cwd ?? process.cwd(), '.weft');
}

/** Reads a recorded run: a run id in dataDir, or a journal file. */
export function readRecording(replay: string, dataDir: string, cwd: string): Recording {
  const looksLikePath = replay.includes('/') || replay.includes('\\') || replay.endsWith('.jsonl');
  const file = looksLikePath
    ? isAbsolute(replay)
      ? replay
      : resolve(cwd, replay)
    : join(dataDir, 'runs', replay, 'journal.jsonl');
  if (!existsSync(file)) {
    throw new LaunchError(
      looksLikePath
        ? `replay: no journal at ${file}`
        : `replay: no run ${replay} in ${dataDir} (looked for ${file}); give a run id from the Runs view or a journal path`,
    );
  }
  const decoded = decodeJournal(readFileSync(file, 'utf8'), file);
  if (decoded.problem?.kind === 'corrupt') {
    throw new LaunchError(
      `replay: the journal is damaged at ${file}:${decoded.problem.line}: ${decoded.problem.message}`,
    );
  }
  const started = decoded.events[0];
  if (started?.type !== 'run_started' || !started.definition) {
    throw new LaunchError(
      `replay: ${file}:1 does not start with run_started and the run's definition; it cannot be replayed`,
    );
  }
  return {
    file,
    events: decoded.events,
    definition: started.definition,
    inputs: started.inputs,
    ...(started.workflowFile ? { workflowFile: started.workflowFile } : {}),
    ...(decoded.problem ? { note: `${file}:${decoded.problem.line}: ${decoded.problem.message}` } : {}),
  };
}

const withoutRanges = (value: unknown): string =>
  JSON.stringify(value, (key, v) => (key === 'range' ? undefined : v));

/** The first step (in file order) that the recording's definition and the current one disagree on. */
export function firstDivergence(
  recorded: WorkflowDefinition,
  current: WorkflowDefinition,
): string | undefined {
  const before = new Map(allSpecs(recorded).map((s) => [s.id, withoutRanges(s)]));
  const now = allSpecs(current);
  for (const spec of now) {
    if (before.get(spec.id) !== withoutRanges(spec)) return spec.id;
    before.delete(spec.id);
  }
  return before.keys().next().value;
}

function readInputsFile(file: string): Record<string, JsonValue> {
  if (!existsSync(file)) throw new LaunchError(`inputsFile: ${file} does not exist`);
  try {
    const value = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw new LaunchError(`inputsFile: ${file} must hold a JSON object of input values`);
    }
    return value as Record<string, JsonValue>;
  } catch (error) {
    if (error instanceof LaunchError) throw error;
    throw new LaunchError(`inputsFile: ${file} is not valid JSON: ${(error as Error).message}`);
  }
}

export function prepareLaunch(args: LaunchArguments, baseEnv: Record<string, string | undefined>): Prepared {
  const cwd = args.cwd ?? process.cwd();
  const env = { ...baseEnv, ...(args.env ?? {}) };
  if (args.engine === 'temporal') {
    throw new LaunchError(
      'engine: temporal is not supported by the debugger yet: it drives the same interpreter in-process (engine: embedded). Remove `engine` or set it to "embedded".',
    );
  }
  const dataDir = dataDirOf(args, env);
  const recording = args.replay ? readRecording(args.replay, dataDir, cwd) : undefined;
  const programArg = args.program ?? recording?.workflowFile;
  if (!programArg) throw new LaunchError('program: give the workflow file to debug (for example "${file}")');
  const program = isAbsolute(programArg) ? programArg : resolve(cwd, programArg);
  if (!existsSync(program)) throw new LaunchError(`program: ${program} does not exist`);
  const text = readFileSync(program, 'utf8');
  const checked = checkWorkflow(text, fileCheckOptions(program));
  const first = checked.diagnostics.find((d) => d.severity === 'error');
  if (first || !checked.definition) {
    const where = first ? `${program}:${first.range.line}:${first.range.column}` : program;
    throw new LaunchError(
      `${where}: error ${first?.code ?? 'invalid'}: ${first?.message ?? 'the workflow could not be read'} (fix the workflow's errors before debugging it)`,
    );
  }
  const given = {
    ...(args.inputsFile ? readInputsFile(resolve(cwd, args.inputsFile)) : {}),
    ...(args.inputs ?? {}),
  };
  const inputs = recording ? recording.inputs : given;
  const definition = recording ? recording.definition : checked.definition;
  if (!recording) {
    const resolved = effectiveInputs(definition, inputs);
    const missing = Object.entries(definition.inputs)
      .filter(([name, spec]) => spec.required && resolved[name] === undefined)
      .map(([name]) => name);
    if (missing.length > 0) {
      throw new LaunchError(
        `inputs: missing required input(s) ${missing.join(', ')}; add them to "inputs" or "inputsFile"`,
      );
    }
  }
  const divergence = recording ? firstDivergence(recording.definition, checked.definition) : undefined;
  return {
    program,
    text,
    definition,
    fileDefinition: checked.definition,
    stepMap: stepMapOf(text),
    inputs,
    dataDir,
    env,
    ...(recording ? { recording } : {}),
    ...(divergence ? { divergence } : {}),
  };
}
