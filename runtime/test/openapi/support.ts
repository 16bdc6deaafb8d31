// A real server (embedded engine, HTTP on 127.0.0.1) with API keys and a rate limit on, the way it
// runs in production (keys can be left off), for the tests of its OpenAPI document.
import {
  ECHO_WORKFLOW,
  startTestServer,
  type TempDir,
  type TestServer,
  tempDir,
} from '../../src/server/test-support.js';

export const API_KEY = 'openapi-test-key-0123456789abcdef';

export interface DocumentedServer {
  url: string;
  server: TestServer;
  openapi(): Promise<Record<string, unknown>>;
  close(): Promise<void>;
}

/** `workflows`: file name -> workflow.yaml text (default: the echo workflow alone). */
export async function startDocumentedServer(
  workflows: Record<string, string> = { 'echo.yaml': ECHO_WORKFLOW },
  options: { version?: string; authenticated?: boolean } = {},
): Promise<DocumentedServer> {
  const authenticated = options.authenticated ?? true;
  const folder: TempDir = tempDir('weft-openapi-');
  for (const [name, text] of Object.entries(workflows)) folder.write(name, text);
  const server = await startTestServer(folder.path, {
    apiKeys: authenticated ? [API_KEY] : [],
    rateLimit: { windows: [{ name: 'minute', windowMs: 60_000, limit: 1000 }] },
    version: options.version,
  });
  const url = await server.app.listen({ host: '127.0.0.1', port: 0 });
  return {
    url,
    server,
    async openapi() {
      const res = await fetch(`${url}/openapi.json`, { headers: { authorization: `Bearer ${API_KEY}` } });
      if (res.status !== 200)
        throw new Error(`GET /openapi.json answered ${res.status}: ${await res.text()}`);
      return (await res.json()) as Record<string, unknown>;
    },
    async close() {
      await server.close();
      folder.remove();
    },
  };
}
