// The stack's options (from settings and task definitions) and the `weft stack` command lines they
// make. Pure. The flags follow the `weft stack` contract; an option left unset is not passed, so
// the CLI's defaults and its WEFT_STACK_* environment variables apply.

export const STACK_BACKENDS = ['auto', 'compose', 'processes'] as const;
export type StackBackendChoice = (typeof STACK_BACKENDS)[number];

export interface StackPorts {
  weft?: number;
  temporal?: number;
  temporalUi?: number;
  redis?: number;
}

export interface StackOptions {
  backend?: StackBackendChoice;
  ports: StackPorts;
  /** Where the processes backend keeps pid files, logs and data (the CLI's --data-dir). */
  dataDir?: string;
  /** What the stack's server serves (--workflows): a workflow.yaml or a folder of them. */
  workflows?: string;
  /** How long `up` waits for every service to be healthy, in seconds. */
  timeoutSeconds?: number;
}

export type StackVerb = 'up' | 'down' | 'status' | 'logs';

/** The ports the CLI uses when none is given (the contract's defaults). */
export const DEFAULT_PORTS: Required<StackPorts> = {
  weft: 8000,
  temporal: 7233,
  temporalUi: 8233,
  redis: 6379,
};

const PORT_FLAGS: Array<[keyof StackPorts, string]> = [
  ['weft', '--weft-port'],
  ['temporal', '--temporal-port'],
  ['temporalUi', '--temporal-ui-port'],
  ['redis', '--redis-port'],
];

/** The arguments after the CLI itself: `stack VERB ...flags`. */
export function stackArgs(
  verb: StackVerb,
  options: StackOptions,
  extra: { volumes?: boolean; service?: string; follow?: boolean } = {},
): string[] {
  const args = ['stack', verb];
  if (verb === 'up') {
    if (options.backend) args.push('--backend', options.backend);
    if (options.workflows) args.push('--workflows', options.workflows);
    if (options.timeoutSeconds) args.push('--timeout', String(options.timeoutSeconds));
  }
  if (options.dataDir) args.push('--data-dir', options.dataDir);
  for (const [key, flag] of PORT_FLAGS) {
    const port = options.ports[key];
    if (port !== undefined) args.push(flag, String(port));
  }
  if (verb === 'up' || verb === 'status') args.push('--json');
  if (verb === 'down' && extra.volumes) args.push('--volumes');
  if (verb === 'logs') {
    if (extra.service) args.push(extra.service);
    if (extra.follow) args.push('--follow');
  }
  return args;
}

/** `override`'s set fields win over `base`'s. */
export function mergeOptions(base: StackOptions, override: Partial<StackOptions>): StackOptions {
  const defined = <T extends object>(o: T): Partial<T> =>
    Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
  return {
    ...base,
    ...defined({ ...override, ports: undefined }),
    ports: { ...base.ports, ...defined(override.ports ?? {}) },
  };
}

/** The Temporal UI port this stack uses (the configured one, else the CLI's default). */
export function temporalUiPort(options: StackOptions): number {
  return options.ports.temporalUi ?? DEFAULT_PORTS.temporalUi;
}

/**
 * Checks a port setting: an integer 1-65535, or unset (null/undefined/0/empty). Returns the port,
 * undefined for unset, or throws naming the setting.
 */
export function checkPort(value: unknown, where: string): number | undefined {
  if (value === undefined || value === null || value === '' || value === 0) return undefined;
  const n = typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 65535)
    throw new Error(`${where} is ${JSON.stringify(value)}: expected a port number from 1 to 65535, or empty`);
  return n;
}

export function checkBackend(value: unknown, where: string): StackBackendChoice | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (!STACK_BACKENDS.includes(value as StackBackendChoice))
    throw new Error(`${where} is ${JSON.stringify(value)}: expected one of ${STACK_BACKENDS.join(', ')}`);
  return value as StackBackendChoice;
}
