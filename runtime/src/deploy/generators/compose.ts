// One-host production Compose (nginx the only published port, SSE unbuffered) and its Swarm variant.
import { stringify } from 'yaml';
import type { DeployContext } from '../context.js';
import { readyCommand } from './image.js';

export const IMAGES = {
  nginx: 'nginx:1.27.3-alpine',
  redis: 'redis:7.4.1-alpine',
  temporal: 'temporalio/temporal:1.1.2',
} as const;

const weftHealth = (port: number) => ({
  test: ['CMD', ...readyCommand(port)],
  interval: '10s',
  timeout: '3s',
  retries: 5,
  start_period: '15s',
});

function runtimeEnvironment(ctx: DeployContext): Record<string, string> {
  const env: Record<string, string> = {
    REDIS_URL: 'redis://redis:6379',
    TEMPORAL_ADDRESS: '${TEMPORAL_ADDRESS:-temporal:7233}',
    TEMPORAL_NAMESPACE: '${TEMPORAL_NAMESPACE:-default}',
    TEMPORAL_TASK_QUEUE: '${TEMPORAL_TASK_QUEUE:-weft}',
    TRUST_PROXY: '1',
  };
  for (const [name, value] of Object.entries(ctx.profile.env)) env[name] = String(value);
  // secrets come from the host's environment or .env (never written here)
  for (const name of Object.keys(ctx.profile.secrets)) env[name] = `\${${name}:?set ${name} in .env}`;
  return env;
}

export function composeFile(ctx: DeployContext): string {
  const { profile } = ctx;
  const image = `\${WEFT_IMAGE:-${profile.service}:local}`;
  const doc = {
    name: profile.service,
    services: {
      nginx: {
        image: `\${NGINX_IMAGE:-${IMAGES.nginx}}`,
        ports: ['${PUBLISH_ADDRESS:-0.0.0.0}:${PUBLISH_PORT:-8080}:8080'],
        volumes: ['./nginx.conf:/etc/nginx/conf.d/default.conf:ro'],
        depends_on: { weft: { condition: 'service_healthy' } },
        healthcheck: {
          test: ['CMD', 'wget', '-q', '-O', '/dev/null', 'http://127.0.0.1:8080/health'],
          interval: '10s',
          timeout: '3s',
          retries: 3,
        },
        restart: 'unless-stopped',
      },
      weft: {
        build: { context: '../..', dockerfile: 'Dockerfile' },
        image,
        environment: {
          ...runtimeEnvironment(ctx),
          PORT: String(profile.port),
          // embedded: runs execute in this container; temporal: the worker service runs them
          WEFT_ENGINE: '${WEFT_ENGINE:-embedded}',
        },
        expose: [String(profile.port)],
        depends_on: { redis: { condition: 'service_healthy' } },
        healthcheck: weftHealth(profile.port),
        restart: 'unless-stopped',
        read_only: true,
        tmpfs: ['/tmp'],
      },
      worker: {
        image,
        command: ['worker'],
        environment: runtimeEnvironment(ctx),
        depends_on: { weft: { condition: 'service_healthy' } },
        healthcheck: { test: ['CMD', 'node', '-e', 'process.exit(0)'], interval: '30s' },
        restart: 'unless-stopped',
        read_only: true,
        tmpfs: ['/tmp'],
      },
      redis: {
        image: `\${REDIS_IMAGE:-${IMAGES.redis}}`,
        command: ['redis-server', '--appendonly', 'yes', '--protected-mode', 'no'],
        volumes: ['redis-data:/data'],
        healthcheck: { test: ['CMD', 'redis-cli', 'ping'], interval: '5s', timeout: '3s', retries: 5 },
        restart: 'unless-stopped',
      },
      temporal: {
        profiles: ['temporal-dev'],
        image: `\${TEMPORAL_IMAGE:-${IMAGES.temporal}}`,
        command: ['server', 'start-dev', '--ip', '0.0.0.0', '--db-filename', '/data/temporal.db'],
        volumes: ['temporal-data:/data'],
        healthcheck: {
          test: ['CMD', 'temporal', 'operator', 'cluster', 'health', '--address', '127.0.0.1:7233'],
          interval: '5s',
          timeout: '3s',
          retries: 10,
        },
        restart: 'unless-stopped',
      },
    },
    volumes: { 'redis-data': {}, 'temporal-data': {} },
  };
  return `${ctx.header('#')}
# One host: only nginx publishes a port. Temporal: set TEMPORAL_ADDRESS, or run the dev server with
#   docker compose --profile temporal-dev up -d
${stringify(doc, { lineWidth: 0 })}`;
}

export function nginxConf(ctx: DeployContext): string {
  return `${ctx.header('#')}
upstream weft { server weft:${ctx.profile.port}; keepalive 16; }
server {
  listen 8080;
  client_max_body_size 2m;
  location / {
    proxy_pass http://weft;
    proxy_http_version 1.1;
    proxy_set_header Connection "";
    proxy_set_header Host $host;
    proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
    proxy_set_header X-Forwarded-Proto $scheme;
  }
  # Server-sent events: no buffering, long reads (the server sends heartbeats every 15 s)
  location ~ ^/(events|runs/[^/]+/events)$ {
    proxy_pass http://weft;
    proxy_http_version 1.1;
    proxy_set_header Connection "";
    proxy_set_header Host $host;
    proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
    proxy_buffering off;
    proxy_cache off;
    proxy_read_timeout 1h;
    chunked_transfer_encoding on;
  }
}
`;
}

// Swarm mounts secrets as files: export each /run/secrets/name as NAME, then start weft ($$ escapes
// Compose interpolation).
const SECRETS_ENTRYPOINT = [
  '/bin/sh',
  '-c',
  'for f in /run/secrets/*; do [ -f "$$f" ] && export "$$(basename "$$f" | tr a-z A-Z)=$$(cat "$$f")"; done; exec node /app/bin/weft.js "$$@"',
  'weft',
];

export function swarmFile(ctx: DeployContext): string {
  const { profile } = ctx;
  const image = `\${WEFT_IMAGE:?set WEFT_IMAGE to a pushed image}`;
  const restart = { condition: 'on-failure', delay: '5s', max_attempts: 5 };
  const secrets = Object.keys(profile.secrets);
  const env = runtimeEnvironment(ctx);
  for (const name of secrets) delete env[name];
  const doc = {
    services: {
      nginx: {
        image: IMAGES.nginx,
        ports: [{ target: 8080, published: 8080, mode: 'ingress' }],
        configs: [{ source: 'nginx_conf', target: '/etc/nginx/conf.d/default.conf' }],
        networks: ['weft'],
        deploy: { replicas: 1, restart_policy: restart },
      },
      weft: {
        image,
        entrypoint: SECRETS_ENTRYPOINT,
        command: ['serve'],
        environment: { ...env, PORT: String(profile.port) },
        secrets: secrets.map((name) => name.toLowerCase()),
        networks: ['weft'],
        healthcheck: weftHealth(profile.port),
        deploy: {
          replicas: 2,
          restart_policy: restart,
          update_config: { order: 'start-first', failure_action: 'rollback' },
        },
      },
      worker: {
        image,
        entrypoint: SECRETS_ENTRYPOINT,
        command: ['worker'],
        environment: env,
        secrets: secrets.map((name) => name.toLowerCase()),
        networks: ['weft'],
        deploy: { replicas: 2, restart_policy: restart },
      },
      redis: {
        image: IMAGES.redis,
        command: ['redis-server', '--appendonly', 'yes', '--protected-mode', 'no'],
        volumes: ['redis-data:/data'],
        networks: ['weft'],
        healthcheck: { test: ['CMD', 'redis-cli', 'ping'], interval: '5s', retries: 5 },
        deploy: {
          replicas: 1,
          restart_policy: restart,
          placement: { constraints: ['node.role == manager'] },
        },
      },
    },
    networks: { weft: { driver: 'overlay', attachable: false } },
    volumes: { 'redis-data': {} },
    configs: { nginx_conf: { file: './nginx.conf' } },
    secrets: Object.fromEntries(secrets.map((name) => [name.toLowerCase(), { external: true }])),
  };
  return `${ctx.header('#')}
# Docker Swarm: docker stack deploy -c swarm.yaml ${profile.service}
# Secrets are created once per cluster: printf %s "$VALUE" | docker secret create NAME -
${stringify(doc, { lineWidth: 0 })}`;
}

export function envExample(ctx: DeployContext): string {
  const lines = [
    ctx.header('#'),
    '# Copy to .env next to compose.yaml and fill in. Never commit .env.',
    '',
    '# bearer keys clients send (comma-separated, 16+ random characters each)',
  ];
  const explained: Record<string, string> = {
    WEFT_API_KEYS: '',
    OPENAI_API_KEY: '# OpenAI (or any OpenAI-compatible provider with OPENAI_BASE_URL)',
    ANTHROPIC_API_KEY: '# Anthropic',
    GOOGLE_API_KEY: '# Google Gemini',
  };
  for (const name of Object.keys(ctx.profile.secrets)) {
    if (explained[name]) lines.push(explained[name]);
    else if (name !== 'WEFT_API_KEYS') lines.push(`# ${name} (secret reference in weft.deploy.yaml)`);
    lines.push(`${name}=`);
  }
  lines.push(
    '',
    '# where the published port listens (0.0.0.0 for all interfaces)',
    'PUBLISH_ADDRESS=0.0.0.0',
    'PUBLISH_PORT=8080',
    '# where runs execute: embedded (in the weft container) or temporal (the worker service runs them;',
    '# needs Temporal: TEMPORAL_ADDRESS below, or docker compose --profile temporal-dev up)',
    'WEFT_ENGINE=embedded',
    '# an external Temporal (else: docker compose --profile temporal-dev up)',
    'TEMPORAL_ADDRESS=temporal:7233',
    'TEMPORAL_NAMESPACE=default',
    'TEMPORAL_TASK_QUEUE=weft',
    '# a prebuilt image instead of building the Dockerfile',
    `WEFT_IMAGE=${ctx.profile.service}:local`,
    '',
  );
  return lines.join('\n');
}
