import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ToolSpec } from '../language/types.js';
import { callHttpTool, ToolError } from './http.js';

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

let server: Server;
let base: string;
const seen: Seen[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      if (req.url!.startsWith('/slow')) {
        setTimeout(() => res.end('late'), 2000);
        return;
      }
      if (req.url!.startsWith('/fail')) {
        res.writeHead(503, { 'content-type': 'text/plain' });
        res.end(`down, key was ${req.headers.authorization}`);
        return;
      }
      if (req.url!.startsWith('/text')) {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end('plain');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          url: req.url,
          echo: body ? JSON.parse(body) : null,
          auth: req.headers.authorization,
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const spec = (extra: Partial<ToolSpec>): ToolSpec => ({
  kind: 'http',
  method: 'GET',
  url: `${base}/search?q=\${{ args.query }}`,
  headers: {},
  timeoutMs: 1000,
  ...extra,
});

describe('HTTP tool', () => {
  it('renders the URL (query values encoded) and headers from args, inputs and env, and parses JSON', async () => {
    const tool = spec({
      headers: { Authorization: 'Bearer ${{ env.SEARCH_KEY }}', 'x-user': '${{ inputs.user }}' },
    });
    const result = await callHttpTool(
      'search',
      tool,
      { query: 'cats & dogs' },
      {
        inputs: { user: 'ada' },
        env: { SEARCH_KEY: 'sk-secret-123' },
      },
    );
    expect(result.status).toBe(200);
    expect(seen.at(-1)!.url).toBe('/search?q=cats%20%26%20dogs');
    expect(seen.at(-1)!.headers.authorization).toBe('Bearer sk-secret-123');
    expect(seen.at(-1)!.headers['x-user']).toBe('ada');
    // The server echoed the key back: it is redacted from what the step returns.
    expect(JSON.stringify(result.body)).not.toContain('sk-secret-123');
    expect((result.body as { auth: string }).auth).toBe('Bearer [redacted]');
  });

  it('sends args as the JSON body for POST, or the rendered body template', async () => {
    const post = spec({ method: 'POST', url: `${base}/items` });
    const plain = await callHttpTool('t', post, { a: 1 }, { inputs: {}, env: {} });
    expect((plain.body as { echo: unknown }).echo).toEqual({ a: 1 });
    const templated = spec({
      method: 'POST',
      url: `${base}/items`,
      body: { wrapped: '${{ args.a }}', who: '${{ inputs.u }}' },
    });
    const result = await callHttpTool('t', templated, { a: 2 }, { inputs: { u: 'x' }, env: {} });
    expect((result.body as { echo: unknown }).echo).toEqual({ wrapped: 2, who: 'x' });
    expect(seen.at(-1)!.headers['content-type']).toBe('application/json');
  });

  it('returns text bodies as strings', async () => {
    const result = await callHttpTool('t', spec({ url: `${base}/text` }), {}, { inputs: {}, env: {} });
    expect(result).toEqual({ status: 200, body: 'plain' });
  });

  it('fails on non-2xx with the status, redacting secrets from the message', async () => {
    const tool = spec({ url: `${base}/fail`, headers: { Authorization: '${{ env.SEARCH_KEY }}' } });
    const error = await callHttpTool(
      't',
      tool,
      {},
      { inputs: {}, env: { SEARCH_KEY: 'sk-secret-123' } },
    ).catch((e: ToolError) => e);
    expect(error).toBeInstanceOf(ToolError);
    expect(error).toMatchObject({ code: 'http_error', status: 503, retryable: true });
    expect((error as Error).message).toContain('HTTP 503');
    expect((error as Error).message).not.toContain('sk-secret-123');
  });

  it('times out, and names a missing environment variable', async () => {
    const started = Date.now();
    const error = await callHttpTool(
      't',
      spec({ url: `${base}/slow`, timeoutMs: 100 }),
      {},
      { inputs: {}, env: {} },
    ).catch((e: ToolError) => e);
    expect(error).toMatchObject({ code: 'timeout' });
    expect(Date.now() - started).toBeLessThan(1500);
    const missing = await callHttpTool(
      't',
      spec({ headers: { a: '${{ env.NOPE }}' } }),
      { query: 'x' },
      {
        inputs: {},
        env: {},
      },
    ).catch((e: ToolError) => e);
    expect((missing as Error).message).toContain('NOPE');
  });
});
