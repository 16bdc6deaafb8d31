// What the server really answers matches what /openapi.json says it answers, and the response
// schemas (which also drive fastify's serialization) drop nothing the server returns.
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runView, statusView } from '../../src/server/routes/runs.js';
import { API_KEY, type DocumentedServer, startDocumentedServer } from './support.js';

const auth = { authorization: `Bearer ${API_KEY}` };
const pointer = (...parts: string[]) =>
  parts.map((p) => p.replaceAll('~', '~0').replaceAll('/', '~1')).join('/');

describe('answers match the document', () => {
  let served: DocumentedServer;
  let ajv: Ajv2020;
  let doc: { paths: Record<string, Record<string, { responses: Record<string, { $ref?: string }> }>> };
  beforeAll(async () => {
    served = await startDocumentedServer();
    ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats.default(ajv);
    doc = (await served.openapi()) as typeof doc;
    ajv.addSchema({ ...doc, $id: 'openapi.json' });
  });
  afterAll(async () => served?.close());

  /** Calls the server and checks the answer's status and body against the operation's documented response. */
  async function call(
    method: string,
    path: string,
    template: string,
    status: number,
    init: RequestInit = {},
  ) {
    const res = await fetch(`${served.url}${path}`, {
      method,
      ...init,
      headers: { ...auth, ...(init.body ? { 'content-type': 'application/json' } : {}), ...init.headers },
    });
    const body = await res.json();
    expect(res.status, `${method} ${path}: ${JSON.stringify(body)}`).toBe(status);
    const response = doc.paths[template]?.[method.toLowerCase()]?.responses[String(status)];
    expect(response, `${method} ${template} documents ${status}`).toBeDefined();
    const media = response?.$ref
      ? `openapi.json${response.$ref}/content/application~1json/schema`
      : `openapi.json#/${pointer('paths', template, method.toLowerCase(), 'responses', String(status), 'content', 'application/json', 'schema')}`;
    const validate = ajv.getSchema(media);
    expect(validate, media).toBeDefined();
    expect(validate!(body), `${method} ${path}: ${JSON.stringify(validate!.errors)}`).toBe(true);
    return { body, res };
  }

  it('runs, records, lists, errors', async () => {
    const { body: result } = await call('POST', '/run', '/run', 200, { body: '{"message":"hi"}' });
    const { body: accepted, res } = await call('POST', '/run', '/run', 202, {
      body: '{"message":"later"}',
      headers: { prefer: 'respond-async' },
    });
    expect(res.headers.get('location')).toBe(accepted.statusUrl);
    await call('POST', '/workflows/echo/run', '/workflows/{name}/run', 200, { body: '{"message":"x"}' });
    const { body: record } = await call('GET', `/runs/${result.runId}`, '/runs/{id}', 200);
    const { body: short } = await call('GET', `/status/${result.runId}`, '/status/{id}', 200);
    await call('GET', '/runs?limit=1', '/runs', 200);
    await call('GET', '/', '/', 200);
    await call('GET', '/health', '/health', 200);
    await call('GET', '/ready', '/ready', 200);
    await call('GET', '/schema', '/schema', 200);
    await call('GET', '/workflows', '/workflows', 200);
    await call('GET', '/workflows/echo/schema', '/workflows/{name}/schema', 200);
    await call('GET', '/runs/nope', '/runs/{id}', 404);
    await call('GET', '/workflows/nope/schema', '/workflows/{name}/schema', 404);
    await call('POST', '/run', '/run', 400, { body: '{"message":1}' });
    await call('POST', '/run', '/run', 413, { body: JSON.stringify({ message: 'x'.repeat(1_100_000) }) });
    await call('GET', '/runs?limit=0', '/runs', 400);
    await call('GET', '/runs/nope', '/runs/{id}', 401, { headers: { authorization: 'Bearer wrong' } });
    await call('POST', `/runs/${result.runId}/cancel`, '/runs/{id}/cancel', 409);

    // nothing dropped by the response schemas: the answers are the views of the stored run
    const stored = await served.server.app.weft.store.getRun(result.runId);
    expect(record).toEqual(JSON.parse(JSON.stringify(runView(stored!))));
    expect(short).toEqual(JSON.parse(JSON.stringify(statusView(stored!))));
    expect(record.trace.length).toBeGreaterThan(0);
    expect(Object.keys(record.trace[0].attributes).length).toBeGreaterThan(0);
  });
});
