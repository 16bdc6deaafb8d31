// The `weft` task type (contributes.taskDefinitions in package.json): its definition, checked.
// Pure. In tasks.json:
//   { "type": "weft", "command": "up", "label": "weft: stack up" }   // usable as preLaunchTask
import { checkBackend, checkPort, type StackOptions } from './options.js';

export const TASK_TYPE = 'weft';
export const TASK_COMMANDS = ['up', 'down', 'restart'] as const;
export type TaskCommand = (typeof TASK_COMMANDS)[number];

export interface WeftTaskDefinition {
  type: typeof TASK_TYPE;
  command: TaskCommand;
  backend?: string;
  weftPort?: number;
  temporalPort?: number;
  temporalUiPort?: number;
  redisPort?: number;
  dataDir?: string;
  workflows?: string;
  timeout?: number;
  volumes?: boolean;
}

export interface ParsedTask {
  command: TaskCommand;
  /** Overrides of the weft.stack.* settings. */
  options: Partial<StackOptions>;
  volumes: boolean;
}

const KNOWN = new Set([
  'type',
  'command',
  'backend',
  'weftPort',
  'temporalPort',
  'temporalUiPort',
  'redisPort',
  'dataDir',
  'workflows',
  'timeout',
  'volumes',
  // VS Code adds these to definitions of tasks from tasks.json
  'label',
  'id',
  '_key',
]);

/** Checks a task definition; throws an error that names the task and the field to fix. */
export function parseTaskDefinition(definition: Record<string, unknown>, label = 'weft task'): ParsedTask {
  const where = (field: string) => `tasks.json "${label}": "${field}"`;
  const unknown = Object.keys(definition).filter((k) => !KNOWN.has(k));
  if (unknown.length)
    throw new Error(
      `${where(unknown[0]!)} is not a weft task property (known: command, backend, weftPort, temporalPort, temporalUiPort, redisPort, dataDir, workflows, timeout, volumes)`,
    );
  const command = definition.command ?? 'up';
  if (!TASK_COMMANDS.includes(command as TaskCommand))
    throw new Error(
      `${where('command')} is ${JSON.stringify(command)}: expected one of ${TASK_COMMANDS.join(', ')}`,
    );
  const text = (field: string): string | undefined => {
    const v = definition[field];
    if (v === undefined || v === null || v === '') return undefined;
    if (typeof v !== 'string') throw new Error(`${where(field)} must be a string (a path)`);
    return v;
  };
  const timeout = definition.timeout;
  if (timeout !== undefined && (typeof timeout !== 'number' || !(timeout > 0)))
    throw new Error(
      `${where('timeout')} is ${JSON.stringify(timeout)}: expected a number of seconds above 0`,
    );
  const volumes = definition.volumes ?? false;
  if (typeof volumes !== 'boolean') throw new Error(`${where('volumes')} must be true or false`);
  if (volumes && command === 'up')
    throw new Error(`${where('volumes')} applies to "down" and "restart" only`);
  return {
    command: command as TaskCommand,
    options: {
      backend: checkBackend(definition.backend, where('backend')),
      ports: {
        weft: checkPort(definition.weftPort, where('weftPort')),
        temporal: checkPort(definition.temporalPort, where('temporalPort')),
        temporalUi: checkPort(definition.temporalUiPort, where('temporalUiPort')),
        redis: checkPort(definition.redisPort, where('redisPort')),
      },
      dataDir: text('dataDir'),
      workflows: text('workflows'),
      timeoutSeconds: timeout as number | undefined,
    },
    volumes,
  };
}

/** The name a provided task shows ("weft: stack up" in the task list). */
export function taskName(command: TaskCommand): string {
  return `stack ${command}`;
}
