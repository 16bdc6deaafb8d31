// Google Cloud I/O for deploys: credentials, the REST calls preflight needs, and the Cloud Run Admin
// API v2 client (@google-cloud/run over its REST fallback). WEFT_GCP_API_ENDPOINT sends every API to one
// base URL (emulators and the wire fakes in tests).
import { ServicesClient } from '@google-cloud/run';
import { GoogleAuth, OAuth2Client } from 'google-auth-library';

export class GcpError extends Error {
  constructor(
    readonly status: number,
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

export interface Gcp {
  /** GET/POST JSON on `api` (run, serviceusage, secretmanager, artifactregistry); 404 gives undefined */
  call(api: string, method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown | undefined>;
  services: ServicesClient;
  close(): Promise<void>;
}

export async function accessToken(env: NodeJS.ProcessEnv): Promise<string> {
  const given = env.CLOUDSDK_AUTH_ACCESS_TOKEN?.trim();
  if (given) return given;
  try {
    const token = await new GoogleAuth({
      scopes: ['https://www.googleapis.com/auth/cloud-platform'],
    }).getAccessToken();
    if (token) return token;
  } catch {
    // reported below with the fix
  }
  throw new GcpError(
    401,
    'NO_CREDENTIALS',
    'no Google credentials: run `gcloud auth application-default login` (or set GOOGLE_APPLICATION_CREDENTIALS, or CLOUDSDK_AUTH_ACCESS_TOKEN)',
  );
}

export async function connectGcp(env: NodeJS.ProcessEnv = process.env): Promise<Gcp> {
  const token = await accessToken(env);
  const override = env.WEFT_GCP_API_ENDPOINT?.replace(/\/$/, '');
  const base = (api: string) => override ?? `https://${api}.googleapis.com`;
  const authClient = new OAuth2Client();
  authClient.setCredentials({ access_token: token });
  let services: ServicesClient;
  if (override) {
    const url = new URL(override);
    services = new ServicesClient({
      fallback: true,
      apiEndpoint: url.hostname,
      port: Number(url.port) || (url.protocol === 'https:' ? 443 : 80),
      protocol: url.protocol.replace(':', ''),
      authClient,
    } as never);
  } else {
    services = new ServicesClient({ fallback: true, authClient } as never);
  }
  return {
    services,
    async call(api, method, path, body) {
      const response = await fetch(`${base(api)}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      if (response.status === 404) return undefined;
      const json = (await response.json().catch(() => ({}))) as {
        error?: { status?: string; message?: string };
      };
      if (!response.ok) {
        throw new GcpError(
          response.status,
          json.error?.status ?? String(response.status),
          json.error?.message ?? response.statusText,
        );
      }
      return json;
    },
    close: () => services.close(),
  };
}

/** A client library error as a GcpError (status, reason, the API's own message). */
export function asGcpError(error: unknown): GcpError {
  if (error instanceof GcpError) return error;
  const e = error as { code?: number; message?: string; statusDetails?: unknown };
  let reason = String(e.code ?? 'UNKNOWN');
  let message = e.message ?? String(error);
  try {
    const parsed = JSON.parse(message) as { error?: { status?: string; message?: string } };
    reason = parsed.error?.status ?? reason;
    message = parsed.error?.message ?? message;
  } catch {
    // not JSON: keep the message
  }
  const status =
    e.code === 7 || reason === 'PERMISSION_DENIED' ? 403 : e.code === 5 || reason === 'NOT_FOUND' ? 404 : 500;
  return new GcpError(status, reason, message);
}
