// Helpers for the server's tests: temporary workflow folders, a server on the real embedded engine.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { EmbeddedEngine } from '../engines/embedded/index.js';
import { createModelClient } from '../models/index.js';
import { type BuildServerOptions, buildServer } from './app.js';
import { WorkflowRegistry } from './workflows.js';

export const ECHO_WORKFLOW = `name: echo
description: Answers a message with the offline mock model.
inputs:
  message: { type: string, minLength: 1 }
  count: { type: integer, minimum: 1, default: 1 }
outputs:
  reply: { type: string, value: "\${{ steps.answer.output.text }}" }
models:
  fast:
    provider: mock
    model: mock-1
    pricing: { input_per_million: 1, output_per_million: 2 }
steps:
  - id: answer
    kind: llm
    model: fast
    prompt: "Answer: \${{ inputs.message }}"
`;

/** A workflow whose model is an OpenAI-compatible server at `baseUrl` (a fake one in tests). */
export function slowWorkflow(baseUrl: string, name = 'slow'): string {
  return `name: ${name}
inputs:
  message: { type: string }
outputs:
  reply: { type: string, value: "\${{ steps.answer.output.text }}" }
models:
  remote:
    provider: openai
    model: gpt-test
    base_url: ${baseUrl}
    api_key_env: FAKE_OPENAI_KEY
    pricing: { input_per_million: 2, output_per_million: 4 }
steps:
  - id: answer
    kind: llm
    model: remote
    prompt: "Answer: \${{ inputs.message }}"
`;
}

export interface TempDir {
  path: string;
  write(name: string, text: string): string;
  remove(): void;
}

export function tempDir(prefix = 'weft-server-'): TempDir {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return {
    path,
    write(name, text) {
      const file = join(path, name);
      mkdirSync(join(file, '..'), { recursive: true });
      writeFileSync(file, text);
      return file;
    },
    remove: () => rmSync(path, { recursive: true, force: true }),
  };
}

export interface TestServer {
  app: FastifyInstance;
  engine: EmbeddedEngine;
  registry: WorkflowRegistry;
  dataDir: TempDir;
  close(): Promise<void>;
}

/** A server on the real embedded engine (journals in a temp folder) serving `workflowsPath`. */
export async function startTestServer(
  workflowsPath: string,
  options: Partial<BuildServerOptions> & {
    env?: Record<string, string | undefined>;
    dataDirPath?: string;
  } = {},
): Promise<TestServer> {
  const dataDir = options.dataDirPath
    ? { path: options.dataDirPath, write: () => '', remove: () => {} }
    : tempDir('weft-data-');
  const env = options.env ?? { FAKE_OPENAI_KEY: 'sk-test-fake-key-0123456789' };
  const engine = new EmbeddedEngine({
    dataDir: dataDir.path,
    env,
    modelClientFactory: (spec) => createModelClient(spec, { env, maxRetries: 0 }),
  });
  const registry = options.registry ?? new WorkflowRegistry({ path: workflowsPath });
  const app = await buildServer({ ...options, registry, engine });
  return {
    app,
    engine,
    registry,
    dataDir,
    async close() {
      await app.close();
      dataDir.remove();
    },
  };
}
