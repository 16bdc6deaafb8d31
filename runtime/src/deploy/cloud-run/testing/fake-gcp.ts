// A wire fake of the Google APIs a Cloud Run deploy calls (Service Usage, Artifact Registry, Secret
// Manager, Cloud Run Admin v2 with long-running operations), on 127.0.0.1, for tests: the real client
// code (fetch and @google-cloud/run's REST fallback) runs against it.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeGcpState {
  token: string;
  enabledApis: Set<string>;
  repositories: Set<string>;
  /** secret name -> members with secretAccessor */
  secrets: Map<string, string[]>;
  services: Map<string, Record<string, unknown>>;
  /** path prefixes answered with 403 PERMISSION_DENIED */
  denied: string[];
  /** the next revision fails to start */
  failRevision: boolean;
  requests: Array<{ method: string; path: string; body: unknown }>;
}

export interface FakeGcp {
  url: string;
  state: FakeGcpState;
  close(): Promise<void>;
}

const json = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};
const error = (res: ServerResponse, code: number, status: string, message: string) =>
  json(res, code, { error: { code, status, message } });

export async function startFakeGcp(initial: Partial<FakeGcpState> = {}): Promise<FakeGcp> {
  const state: FakeGcpState = {
    token: 'fake-token',
    enabledApis: new Set(),
    repositories: new Set(),
    secrets: new Map(),
    services: new Map(),
    denied: [],
    failRevision: false,
    requests: [],
    ...initial,
  };
  const operations = new Map<
    string,
    { polls: number; result: Record<string, unknown> | { error: unknown } }
  >();
  let revision = 0;

  const handle = (req: IncomingMessage, res: ServerResponse, raw: string) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const path = url.pathname;
    const body = raw ? JSON.parse(raw) : undefined;
    state.requests.push({ method: req.method ?? '', path: `${path}${url.search}`, body });
    if (req.headers.authorization !== `Bearer ${state.token}`) {
      return error(res, 401, 'UNAUTHENTICATED', 'Request had invalid authentication credentials.');
    }
    if (state.denied.some((prefix) => path.startsWith(prefix))) {
      return error(
        res,
        403,
        'PERMISSION_DENIED',
        `Permission denied on resource ${path} (or it may not exist).`,
      );
    }
    let m = path.match(/^\/v1\/projects\/([^/]+)\/services\/([^/]+)$/);
    if (m && req.method === 'GET') {
      const api = m[2] ?? '';
      return json(res, 200, {
        name: `projects/${m[1]}/services/${api}`,
        state: state.enabledApis.has(api) ? 'ENABLED' : 'DISABLED',
      });
    }
    m = path.match(/^\/v1\/projects\/[^/]+\/locations\/[^/]+\/repositories\/([^/]+)$/);
    if (m)
      return state.repositories.has(m[1] ?? '')
        ? json(res, 200, { name: path.slice(4), format: 'DOCKER' })
        : error(res, 404, 'NOT_FOUND', 'Requested entity was not found.');
    m = path.match(/^\/v1\/projects\/([^/]+)\/secrets\/([^/:]+)(:getIamPolicy)?$/);
    if (m) {
      const members = state.secrets.get(m[2] ?? '');
      if (!members)
        return error(
          res,
          404,
          'NOT_FOUND',
          `Secret [projects/${m[1]}/secrets/${m[2]}] not found or has no versions.`,
        );
      if (m[3])
        return json(res, 200, { bindings: [{ role: 'roles/secretmanager.secretAccessor', members }] });
      return json(res, 200, { name: `projects/${m[1]}/secrets/${m[2]}` });
    }
    m = path.match(/^\/v2\/(projects\/[^/]+\/locations\/[^/]+)\/operations\/([^/]+)$/);
    if (m && req.method === 'GET') {
      const op = operations.get(m[2] ?? '');
      if (!op) return error(res, 404, 'NOT_FOUND', 'operation not found');
      op.polls += 1;
      const done = op.polls >= 2;
      const name = `${m[1]}/operations/${m[2]}`;
      if (!done) return json(res, 200, { name, done: false });
      return json(
        res,
        200,
        'error' in op.result
          ? { name, done: true, error: op.result.error }
          : { name, done: true, response: op.result },
      );
    }
    const validateOnly = url.searchParams.get('validateOnly') === 'true';
    const deploy = (parent: string, serviceName: string, service: Record<string, unknown>) => {
      if (validateOnly)
        return json(res, 200, {
          name: `${parent}/operations/validate`,
          done: true,
          response: { '@type': 'type.googleapis.com/google.cloud.run.v2.Service', ...service },
        });
      revision += 1;
      const id = serviceName.split('/').pop();
      const revisionName = `${serviceName}/revisions/${id}-${String(revision).padStart(5, '0')}`;
      const opId = `op-${revision}`;
      if (state.failRevision) {
        operations.set(opId, {
          polls: 0,
          result: {
            error: {
              code: 9,
              message: `Revision '${revisionName.split('/').pop()}' is not ready and cannot serve traffic. The user-provided container failed to start and listen on the port defined provided by the PORT=8080 environment variable.`,
            },
          },
        });
      } else {
        const stored = {
          ...service,
          name: serviceName,
          uri: `https://${id}-abc123-ew.a.run.app`,
          latestReadyRevision: revisionName,
          latestCreatedRevision: revisionName,
        };
        state.services.set(serviceName, stored);
        operations.set(opId, {
          polls: 0,
          result: { '@type': 'type.googleapis.com/google.cloud.run.v2.Service', ...stored },
        });
      }
      return json(res, 200, { name: `${parent}/operations/${opId}`, done: false });
    };
    m = path.match(/^\/v2\/(projects\/[^/]+\/locations\/[^/]+)\/services$/);
    if (m && req.method === 'POST') {
      const serviceName = `${m[1]}/services/${url.searchParams.get('serviceId')}`;
      if (state.services.has(serviceName))
        return error(res, 409, 'ALREADY_EXISTS', `Resource '${serviceName}' already exists.`);
      return deploy(m[1] ?? '', serviceName, body);
    }
    m = path.match(/^\/v2\/((projects\/[^/]+\/locations\/[^/]+)\/services\/[^/]+)$/);
    if (m && req.method === 'GET') {
      const found = state.services.get(m[1] ?? '');
      return found ? json(res, 200, found) : error(res, 404, 'NOT_FOUND', `Resource '${m[1]}' was not found`);
    }
    if (m && req.method === 'PATCH') {
      if (!state.services.has(m[1] ?? ''))
        return error(res, 404, 'NOT_FOUND', `Resource '${m[1]}' was not found`);
      return deploy(m[2] ?? '', m[1] ?? '', body);
    }
    return error(res, 404, 'NOT_FOUND', `no fake for ${req.method} ${path}`);
  };

  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk) => {
      raw += chunk;
    });
    req.on('end', () => handle(req, res, raw));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    state,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
