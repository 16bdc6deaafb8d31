// The generated production compose.yaml on a real dockerd: nginx (the only published port) in front
// of the generated image, Redis behind. One run goes through nginx, and its Server-Sent Events arrive
// through nginx as they happen: the run's tool step waits on a service the test releases, and the
// step's start arrives while the run is still running (a buffering proxy would hold it to the end).
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BuiltCli, buildCli } from '../support/cli.js';
import {
  type DockerEngine,
  dockerMissing,
  ensureNginxImage,
  ensureTestImages,
  startDockerd,
  TEST_IMAGES,
} from '../support/docker.js';
import { deployProject } from './project.js';

const missing = dockerMissing();
const SERVICE = 'weft-sse';
const IMAGE = `${SERVICE}:local`;

const WORKFLOW = `name: sse-probe
description: A tool step that waits on a slow service, then a model step.
version: 1.0.0
inputs:
  topic:
    type: string
outputs:
  text:
    type: string
    value: \${{ steps.write.output.text }}
models:
  fast:
    provider: mock
    model: mock-1
tools:
  hold:
    kind: http
    description: Answers when the test releases it.
    method: GET
    url: http://slow:8081/hold
    timeout: 120s
steps:
  - id: wait
    kind: tool
    tool: hold
    timeout: 120s
  - id: write
    kind: llm
    model: fast
    prompt: "One sentence about \${{ inputs.topic }}, after HTTP \${{ steps.wait.output.status }}."
`;

// A test-only service on the project's network: GET /hold answers once POST /release came.
const SLOW_SERVER = `const held = []; let released = false;
require('http').createServer((req, res) => {
  if (req.url === '/release') { released = true; for (const r of held.splice(0)) r.end('{"ok":true}'); res.end('released'); }
  else if (released) res.end('{"ok":true}');
  else held.push(res);
}).listen(8081, '0.0.0.0');`;

const OVERRIDE = `services:
  slow:
    image: ${TEST_IMAGES.node}
    command: [node, -e, ${JSON.stringify(SLOW_SERVER)}]
    ports: ["127.0.0.1::8081"]
`;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Reads an SSE response frame by frame (frames end with a blank line). */
function frames(response: Response) {
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  return async function next(): Promise<{ event?: string; data?: Record<string, unknown> }> {
    for (;;) {
      const end = buffer.indexOf('\n\n');
      if (end >= 0) {
        const frame = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event = /^event: (.*)$/m.exec(frame)?.[1];
        const data = /^data: (.*)$/m.exec(frame)?.[1];
        if (event) return { event, data: data ? JSON.parse(data) : undefined };
        continue; // a comment (": connected", heartbeats)
      }
      const { value, done } = await reader.read();
      if (done) throw new Error(`the event stream ended; buffered: ${buffer}`);
      buffer += decoder.decode(value, { stream: true });
    }
  };
}

describe.skipIf(missing !== undefined)('generated compose.yaml: SSE through nginx (real dockerd)', () => {
  let engine: DockerEngine;
  let cli: BuiltCli;
  let project: string;
  let composeDir: string;
  let composeEnv: NodeJS.ProcessEnv;
  const key = randomBytes(24).toString('hex');

  const compose = (args: string[]) => {
    const r = spawnSync(
      'docker',
      ['compose', '-p', SERVICE, '-f', 'compose.yaml', '-f', 'test-slow.yaml', ...args],
      { cwd: composeDir, env: composeEnv, encoding: 'utf8', maxBuffer: 1 << 26 },
    );
    return { code: r.status ?? 1, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
  };

  beforeAll(async () => {
    engine = await startDockerd();
    ensureTestImages(engine);
    const nginx = ensureNginxImage(engine);
    cli = await buildCli('deploy-compose-sse');
    project = deployProject(cli, SERVICE, WORKFLOW).dir;
    const built = engine.docker([
      'build',
      '--network',
      'host',
      '--build-arg',
      `NODE_IMAGE=${TEST_IMAGES.node}`,
      '-t',
      IMAGE,
      project,
    ]);
    expect(built.code, built.stderr.slice(-3000)).toBe(0);
    composeDir = path.join(project, 'deploy', 'compose');
    writeFileSync(path.join(composeDir, 'test-slow.yaml'), OVERRIDE);
    // the generated compose file requires each secret of the profile (${NAME:?...})
    const secrets = [
      ...readFileSync(path.join(composeDir, 'compose.yaml'), 'utf8').matchAll(/\$\{(\w+):\?/g),
    ];
    composeEnv = {
      ...engine.env,
      ...Object.fromEntries(secrets.map(([, name]) => [name, `unused-${name}`])),
      WEFT_API_KEYS: key,
      WEFT_IMAGE: IMAGE,
      NGINX_IMAGE: nginx,
      REDIS_IMAGE: TEST_IMAGES.redis,
      PUBLISH_ADDRESS: '127.0.0.1',
      PUBLISH_PORT: String(await freePort()),
    };
  }, 900_000);

  afterAll(async () => {
    if (composeDir) compose(['down', '--volumes', '--timeout', '5']);
    engine?.docker(['rmi', '-f', IMAGE]);
    cli?.remove();
    await engine?.stop();
    if (project) rmSync(project, { recursive: true, force: true });
  }, 300_000);

  it("a run's events arrive through nginx one by one, before the run finishes", {
    timeout: 600_000,
  }, async () => {
    const up = compose(['up', '-d', '--wait', '--wait-timeout', '180', 'nginx', 'slow']);
    const logs = up.code === 0 ? '' : compose(['logs', '--no-color', '--tail', '30']).stdout;
    expect(up.code, `${up.stderr.slice(-1500)}\n${logs}`).toBe(0);
    // of the generated services only nginx publishes a port
    const services = compose(['ps', '--format', 'json'])
      .stdout.trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { Service: string; Publishers?: Array<{ PublishedPort: number }> });
    const published = (name: string) =>
      (services.find((s) => s.Service === name)?.Publishers ?? [])
        .map((p) => p.PublishedPort)
        .filter((p) => p > 0);
    expect(services.map((s) => s.Service).sort()).toEqual(['nginx', 'redis', 'slow', 'weft']);
    expect(published('nginx')).toEqual([Number(composeEnv.PUBLISH_PORT)]);
    expect(published('weft')).toEqual([]);
    expect(published('redis')).toEqual([]);
    const base = `http://127.0.0.1:${composeEnv.PUBLISH_PORT}`;
    const slowPort = compose(['port', 'slow', '8081']).stdout.trim().split(':').pop();
    const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };

    const start = await fetch(`${base}/run`, {
      method: 'POST',
      headers: { ...headers, prefer: 'respond-async' },
      body: JSON.stringify({ topic: 'looms' }),
    });
    expect(start.status).toBe(202);
    const { runId, eventsUrl } = (await start.json()) as { runId: string; eventsUrl: string };
    const stream = await fetch(`${base}${eventsUrl}`, { headers });
    expect(stream.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const next = frames(stream);

    // the tool step has started and is held: its event is here while the run still runs
    const seen: string[] = [];
    for (;;) {
      const frame = await next();
      seen.push(`${frame.event}${frame.data?.step ? `:${frame.data.step}` : ''}`);
      if (frame.event === 'step.started' && frame.data?.step === 'wait') break;
    }
    expect(seen[0]).toBe('run.started');
    const during = (await (await fetch(`${base}/status/${runId}`, { headers })).json()) as { status: string };
    expect(during.status).toBe('running');

    const release = await fetch(`http://127.0.0.1:${slowPort}/release`);
    expect(release.status).toBe(200);
    for (;;) {
      const frame = await next();
      seen.push(`${frame.event}${frame.data?.step ? `:${frame.data.step}` : ''}`);
      if (frame.event === 'run.finished') break;
    }
    expect(seen).toContain('step.finished:wait');
    expect(seen.indexOf('step.finished:wait')).toBeLessThan(seen.indexOf('step.started:write'));
    expect(seen.at(-1)).toBe('run.finished');
    const after = (await (await fetch(`${base}/status/${runId}`, { headers })).json()) as { status: string };
    expect(after.status).toBe('succeeded');
  });
});
