// Every error answer, from every layer (routes, fastify's body parsing, schema validation, URL
// decoding, unknown routes, the HTTP parser), has the one documented shape, and bad input is a 4xx
// that names what is wrong (the deep and huge bodies included), never a 500.
import { connect } from 'node:net';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonDepth } from './json-body.js';
import { ECHO_WORKFLOW, startTestServer, type TempDir, type TestServer, tempDir } from './test-support.js';

let server: TestServer;
let workflows: TempDir;
let validateError: ReturnType<Ajv2020['compile']>;

beforeAll(async () => {
  workflows = tempDir('weft-wf-');
  server = await startTestServer(workflows.write('echo.yaml', ECHO_WORKFLOW));
  const doc = (await server.app.inject({ url: '/openapi.json' })).json();
  validateError = new Ajv2020({ strict: false }).compile(doc.components.schemas.Error);
});
afterAll(async () => {
  await server.close();
  workflows.remove();
});

const json = { 'content-type': 'application/json' };
const deep = (levels: number) => `{"message":"x","extra":${'['.repeat(levels)}${']'.repeat(levels)}}`;

const cases: Array<[string, InjectOptions, number, string, RegExp?]> = [
  ['unknown route', { url: '/nowhere' }, 404, 'not_found'],
  ['unknown method on a route', { method: 'DELETE', url: '/runs' }, 404, 'not_found'],
  ['unknown run', { url: '/runs/nope' }, 404, 'run_not_found'],
  ['unknown run status', { url: '/status/nope' }, 404, 'run_not_found'],
  ['unknown run events', { url: '/runs/nope/events' }, 404, 'run_not_found'],
  ['cancel of an unknown run', { method: 'POST', url: '/runs/nope/cancel' }, 404, 'run_not_found'],
  [
    'unknown workflow',
    { method: 'POST', url: '/workflows/other/run', payload: {} },
    404,
    'workflow_not_found',
  ],
  ['broken percent-encoding in the path', { url: '/runs/%E0%A4%A' }, 400, 'invalid_url', /percent-encoding/],
  ['path parameter too long', { url: `/runs/${'a'.repeat(300)}` }, 414, 'uri_too_long'],
  ['garbage cursor', { url: '/runs?cursor=!!garbage' }, 400, 'invalid_cursor', /nextCursor/],
  ['cursor of valid base64 but not a cursor', { url: '/runs?cursor=aGVsbG8' }, 400, 'invalid_cursor'],
  ['limit 0', { url: '/runs?limit=0' }, 400, 'invalid_limit', /1\.\.200/],
  ['limit 500', { url: '/runs?limit=500' }, 400, 'invalid_limit'],
  ['limit not a number', { url: '/runs?limit=abc' }, 400, 'invalid_request', /limit/],
  ['unknown status filter', { url: '/runs?status=nope' }, 400, 'invalid_request', /status/],
  [
    'text body',
    { method: 'POST', url: '/run', headers: { 'content-type': 'text/plain' }, payload: 'hi' },
    415,
    'unsupported_media_type',
  ],
  [
    'invalid JSON',
    { method: 'POST', url: '/run', headers: json, payload: '{"message":' },
    400,
    'invalid_json',
  ],
  ['empty JSON body', { method: 'POST', url: '/run', headers: json, payload: '' }, 400, 'invalid_json'],
  [
    'prototype poisoning',
    { method: 'POST', url: '/run', headers: json, payload: '{"__proto__":{"x":1}}' },
    400,
    'invalid_json',
  ],
  [
    'inputs of the wrong type',
    { method: 'POST', url: '/run', payload: { message: 1 } },
    400,
    'invalid_inputs',
  ],
  [
    'a JSON array as inputs',
    { method: 'POST', url: '/run', headers: json, payload: '[1]' },
    400,
    'invalid_inputs',
  ],
  [
    'JSON nested 100,000 levels',
    { method: 'POST', url: '/run', headers: json, payload: deep(100_000) },
    400,
    'body_too_deep',
    /more than 64 levels deep.*WEFT_MAX_JSON_DEPTH/,
  ],
  [
    'JSON nested 65 levels',
    { method: 'POST', url: '/run', headers: json, payload: deep(65) },
    400,
    'body_too_deep',
  ],
  [
    'a deep body on another route',
    { method: 'POST', url: '/runs/nope/cancel', headers: json, payload: deep(1000) },
    400,
    'body_too_deep',
  ],
  [
    'a body over the size limit',
    {
      method: 'POST',
      url: '/run',
      headers: json,
      payload: JSON.stringify({ message: 'x'.repeat(1_100_000) }),
    },
    413,
    'payload_too_large',
    /1048576 bytes \(WEFT_BODY_LIMIT\)/,
  ],
];

describe('one error format for every answer', () => {
  it.each(cases)('%s', async (_name, request, status, code, message) => {
    const response = await server.app.inject(request);
    expect(response.statusCode).toBe(status);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    const body = response.json();
    expect(validateError(body), JSON.stringify(validateError.errors)).toBe(true);
    expect(body.error.code).toBe(code);
    if (message) expect(body.error.message).toMatch(message);
  });

  it('a body at the nesting limit passes the limit (the inputs check refuses its extra key)', async () => {
    // 63 arrays inside the top-level object: 64 levels, the limit itself
    expect(jsonDepth(deep(63))).toBe(64);
    const response = await server.app.inject({
      method: 'POST',
      url: '/run',
      headers: json,
      payload: deep(63),
    });
    expect(response.json().error.code).toBe('invalid_inputs');
  });

  it('the OpenAPI document declares the Error schema as the 4XX and 5XX answer of every operation', async () => {
    const doc = (await server.app.inject({ url: '/openapi.json' })).json();
    const ref = { $ref: '#/components/schemas/Error' };
    let operations = 0;
    for (const [path, item] of Object.entries(
      doc.paths as Record<
        string,
        Record<string, { responses?: Record<string, { content?: Record<string, { schema?: unknown }> }> }>
      >,
    )) {
      for (const [method, operation] of Object.entries(item)) {
        operations += 1;
        for (const range of ['4XX', '5XX']) {
          expect(
            operation.responses?.[range]?.content?.['application/json']?.schema,
            `${method} ${path} ${range}`,
          ).toEqual(ref);
        }
      }
    }
    expect(operations).toBeGreaterThan(10);
    expect(doc.components.schemas.Error.required).toEqual(['error']);
  });

  it('a request the HTTP parser rejects gets the same shape (raw socket)', async () => {
    const address = await server.app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = new URL(address);
    const raw = (text: string) =>
      new Promise<string>((resolve, reject) => {
        const socket = connect(Number(port), '127.0.0.1', () => socket.end(text));
        let out = '';
        socket.on('data', (d) => {
          out += d;
        });
        socket.on('end', () => resolve(out));
        socket.on('error', reject);
      });
    for (const [text, status, code] of [
      ['NOT HTTP AT ALL\r\n\r\n', 400, 'bad_request'],
      [`GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`, 431, 'headers_too_large'],
    ] as const) {
      const answer = await raw(text);
      expect(answer.split('\r\n')[0]).toMatch(new RegExp(`^HTTP/1.1 ${status} `));
      const body = JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4));
      expect(validateError(body)).toBe(true);
      expect(body.error.code).toBe(code);
    }
  });
});

describe('jsonDepth', () => {
  it('counts brackets outside strings only, escapes included', () => {
    expect(jsonDepth('{}')).toBe(1);
    expect(jsonDepth('[[1],[[2]]]')).toBe(3);
    expect(jsonDepth('{"a":"[[[[\\"[[[["}')).toBe(1);
    expect(jsonDepth('"no brackets"')).toBe(0);
    expect(jsonDepth('['.repeat(10), 3)).toBe(4);
  });
});
