// weft init devcontainer [--dir DIR] [--feature REF] [--image IMAGE] [--force] [--stdout]: writes
// .devcontainer/devcontainer.json for a project of workflows: the weft Dev Container Feature (Weft,
// Temporal and Redis started at every container start, healthy before the first terminal opens),
// labelled ports, model-key secrets and the Weft extension. Never overwrites without --force.
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { type Command, InvalidArgumentError } from 'commander';

export const DEFAULT_FEATURE = 'ghcr.io/weft-dev/weft/weft:0';
export const DEFAULT_IMAGE = 'mcr.microsoft.com/devcontainers/base:bookworm';

export interface DevcontainerOptions {
  name: string;
  feature: string;
  image: string;
  ports?: { weft: number; temporal: number; temporalUi: number; redis: number };
}

const DEFAULT_PORTS = { weft: 8000, temporal: 7233, temporalUi: 8233, redis: 6379 };

const SECRETS = {
  OPENAI_API_KEY: {
    description:
      'OpenAI (or OpenAI-compatible) API key for models with provider openai; optional: the mock model runs offline.',
    documentationUrl: 'https://platform.openai.com/api-keys',
  },
  ANTHROPIC_API_KEY: {
    description: 'Anthropic API key for models with provider anthropic; optional.',
    documentationUrl: 'https://console.anthropic.com/settings/keys',
  },
  GOOGLE_API_KEY: {
    description: 'Google AI (Gemini) API key for models with provider gemini; optional.',
    documentationUrl: 'https://aistudio.google.com/app/apikey',
  },
};

/** The devcontainer.json for a workflows project (pure). */
export function devcontainerConfig(options: DevcontainerOptions): Record<string, unknown> {
  const ports = options.ports ?? DEFAULT_PORTS;
  const featureOptions: Record<string, string> = {};
  if (ports.weft !== DEFAULT_PORTS.weft) featureOptions.weftPort = String(ports.weft);
  if (ports.temporal !== DEFAULT_PORTS.temporal) featureOptions.temporalPort = String(ports.temporal);
  if (ports.temporalUi !== DEFAULT_PORTS.temporalUi) featureOptions.temporalUiPort = String(ports.temporalUi);
  if (ports.redis !== DEFAULT_PORTS.redis) featureOptions.redisPort = String(ports.redis);
  return {
    name: options.name,
    image: options.image,
    features: { [options.feature]: featureOptions },
    // the feature's postStartCommand returns once the stack is healthy: the first terminal can use it
    waitFor: 'postStartCommand',
    hostRequirements: { cpus: 2, memory: '4gb' },
    forwardPorts: [ports.weft, ports.temporalUi, ports.temporal, ports.redis],
    portsAttributes: {
      [ports.weft]: { label: 'Weft API', onAutoForward: 'notify' },
      [ports.temporalUi]: { label: 'Temporal UI', onAutoForward: 'notify' },
      [ports.temporal]: { label: 'Temporal gRPC', onAutoForward: 'silent' },
      [ports.redis]: { label: 'Redis', onAutoForward: 'silent' },
    },
    secrets: SECRETS,
    remoteEnv: {
      WEFT_URL: `http://127.0.0.1:${ports.weft}`,
      TEMPORAL_ADDRESS: `127.0.0.1:${ports.temporal}`,
      REDIS_URL: `redis://127.0.0.1:${ports.redis}`,
    },
    customizations: {
      vscode: {
        extensions: ['weft.weft-vscode', 'redhat.vscode-yaml'],
        settings: { 'weft.runtimeUrl': `http://127.0.0.1:${ports.weft}` },
      },
    },
  };
}

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new InvalidArgumentError('expected a port (1-65535)');
  return n;
}

interface CliOptions {
  dir: string;
  feature: string;
  image: string;
  name?: string;
  force?: boolean;
  stdout?: boolean;
  weftPort: number;
  temporalPort: number;
  temporalUiPort: number;
  redisPort: number;
}

async function initDevcontainer(options: CliOptions): Promise<number> {
  const dir = resolve(options.dir);
  const config = devcontainerConfig({
    name: options.name ?? 'Weft workflows',
    feature: options.feature,
    image: options.image,
    ports: {
      weft: options.weftPort,
      temporal: options.temporalPort,
      temporalUi: options.temporalUiPort,
      redis: options.redisPort,
    },
  });
  const text = `${JSON.stringify(config, null, 2)}\n`;
  if (options.stdout) {
    process.stdout.write(text);
    return 0;
  }
  const file = join(dir, '.devcontainer', 'devcontainer.json');
  if (existsSync(file) && !options.force) {
    process.stderr.write(
      `weft init devcontainer: ${file} already exists; nothing was written. Use --force to replace it, or --stdout to print the configuration and merge it yourself.\n`,
    );
    return 1;
  }
  await mkdir(join(dir, '.devcontainer'), { recursive: true });
  await writeFile(file, text);
  process.stderr.write(
    `wrote ${file}: Weft, Temporal and Redis start with the container (feature ${options.feature}); ports ${options.weftPort} (Weft API) and ${options.temporalUiPort} (Temporal UI) are forwarded\n`,
  );
  return 0;
}

export function register(program: Command): void {
  const init =
    program.commands.find((c) => c.name() === 'init') ??
    program.command('init').description('Set up a project');
  init
    .command('devcontainer')
    .description(
      'Write .devcontainer/devcontainer.json: the Weft stack in Codespaces or a local dev container',
    )
    .option('--dir <dir>', 'project folder', '.')
    .option('--feature <ref>', 'the weft Dev Container Feature to use', DEFAULT_FEATURE)
    .option('--image <image>', 'base image (Debian or Ubuntu)', DEFAULT_IMAGE)
    .option('--name <name>', 'name shown for the container')
    .option('--weft-port <port>', 'Weft API port', port, DEFAULT_PORTS.weft)
    .option('--temporal-port <port>', 'Temporal gRPC port', port, DEFAULT_PORTS.temporal)
    .option('--temporal-ui-port <port>', 'Temporal UI port', port, DEFAULT_PORTS.temporalUi)
    .option('--redis-port <port>', 'Redis port', port, DEFAULT_PORTS.redis)
    .option('--force', 'replace an existing devcontainer.json')
    .option('--stdout', 'print the configuration instead of writing it')
    .action(async (options: CliOptions) => {
      process.exitCode = await initDevcontainer(options);
    });
}
