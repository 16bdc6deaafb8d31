// Temporal Cloud connection settings under Temporal's own names (TEMPORAL_API_KEY, TEMPORAL_TLS_*):
// parsed from the environment, and used for real: mTLS to a REAL Temporal dev server behind a TLS
// terminator on 127.0.0.1 that demands a client certificate (certificates made with openssl).
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { connect as netConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type Server, type TLSSocket } from 'node:tls';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTemporal, type TemporalService } from '../../../test/support/services.js';
import { connectClient, connectionSecurity, connectWorker, temporalConfig } from './worker.js';

const run = promisify(execFile);

describe('temporalConfig', () => {
  it('reads Temporal Cloud settings under the names Temporal uses', () => {
    const config = temporalConfig({
      TEMPORAL_ADDRESS: 'ns.acct.tmprl.cloud:7233',
      TEMPORAL_NAMESPACE: 'ns.acct',
      TEMPORAL_API_KEY: 'key-123',
    });
    expect(config).toEqual({
      address: 'ns.acct.tmprl.cloud:7233',
      namespace: 'ns.acct',
      taskQueue: 'weft',
      apiKey: 'key-123',
      tls: {},
    });
    expect(connectionSecurity(config)).toEqual({ apiKey: 'key-123', tls: {} });
    // an API key without TLS (a local proxy) when TEMPORAL_TLS=false says so
    expect(temporalConfig({ TEMPORAL_API_KEY: 'k', TEMPORAL_TLS: 'false' }).tls).toBeUndefined();
    expect(temporalConfig({}).tls).toBeUndefined();
    expect(connectionSecurity(temporalConfig({}))).toEqual({ tls: false });
  });

  it('says what is wrong with incomplete or unreadable TLS settings', () => {
    expect(() => temporalConfig({ TEMPORAL_TLS_CLIENT_CERT_PATH: '/c.pem' })).toThrow(
      /TEMPORAL_TLS_CLIENT_CERT_PATH and TEMPORAL_TLS_CLIENT_KEY_PATH go together/,
    );
    expect(() => temporalConfig({ TEMPORAL_TLS: 'yes' })).toThrow(/TEMPORAL_TLS must be true or false/);
    const config = temporalConfig({ TEMPORAL_TLS_SERVER_CA_CERT_PATH: '/nowhere/ca.pem' });
    expect(() => connectionSecurity(config)).toThrow(
      /cannot read TEMPORAL_TLS_SERVER_CA_CERT_PATH at \/nowhere\/ca.pem/,
    );
  });
});

describe('mTLS to a real Temporal server', () => {
  let temporal: TemporalService;
  let dir: string;
  let proxy: Server;
  let address: string;
  const authorized: string[] = [];

  beforeAll(async () => {
    [temporal, dir] = await Promise.all([startTemporal(), mkdtemp(join(tmpdir(), 'weft-mtls-'))]);
    const openssl = (...args: string[]) => run('openssl', args, { cwd: dir });
    const subj = (cn: string) => ['-subj', `/CN=${cn}`];
    await openssl(
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-keyout',
      'ca.key',
      '-out',
      'ca.pem',
      ...subj('weft test CA'),
    );
    // v3 certificates (extensions present): the worker's TLS (rustls) refuses v1 ones
    await writeFile(join(dir, 'server.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
    await writeFile(join(dir, 'client.ext'), 'extendedKeyUsage=clientAuth\n');
    for (const [name, cn] of [
      ['server', 'localhost'],
      ['client', 'weft-worker'],
    ] as const) {
      await openssl(
        'req',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        `${name}.key`,
        '-out',
        `${name}.csr`,
        ...subj(cn),
      );
      await openssl(
        'x509',
        '-req',
        '-in',
        `${name}.csr`,
        '-CA',
        'ca.pem',
        '-CAkey',
        'ca.key',
        '-CAcreateserial',
        '-days',
        '1',
        '-out',
        `${name}.pem`,
        '-extfile',
        `${name}.ext`,
      );
    }
    const file = (name: string) => readFile(join(dir, name));
    // Terminates TLS (client certificate required), then passes the HTTP/2 bytes to the dev server.
    proxy = createServer(
      {
        key: await file('server.key'),
        cert: await file('server.pem'),
        ca: await file('ca.pem'),
        requestCert: true,
        rejectUnauthorized: true,
        ALPNProtocols: ['h2'],
      },
      (socket: TLSSocket) => {
        authorized.push(String(socket.getPeerCertificate().subject?.CN));
        const upstream = netConnect(temporal.port, '127.0.0.1');
        socket.pipe(upstream).pipe(socket);
        const end = () => {
          socket.destroy();
          upstream.destroy();
        };
        socket.on('error', end);
        upstream.on('error', end);
      },
    );
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    address = `127.0.0.1:${(proxy.address() as { port: number }).port}`;
  }, 120_000);

  afterAll(async () => {
    proxy?.close();
    await temporal?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  }, 60_000);

  const env = (extra: Record<string, string>) => ({
    TEMPORAL_ADDRESS: address,
    TEMPORAL_TLS_SERVER_CA_CERT_PATH: join(dir, 'ca.pem'),
    TEMPORAL_TLS_SERVER_NAME: 'localhost',
    ...extra,
  });

  it('client and worker connect with TEMPORAL_TLS_CLIENT_CERT_PATH / _KEY_PATH / _SERVER_CA_CERT_PATH', async () => {
    const config = temporalConfig(
      env({
        TEMPORAL_TLS_CLIENT_CERT_PATH: join(dir, 'client.pem'),
        TEMPORAL_TLS_CLIENT_KEY_PATH: join(dir, 'client.key'),
      }),
    );
    const client = await connectClient(config);
    const info = await client.workflowService.getSystemInfo({});
    expect(info.serverVersion).toBeTruthy();
    await client.close();
    const worker = await connectWorker(config);
    await worker.close();
    expect(authorized.filter((cn) => cn === 'weft-worker').length).toBeGreaterThanOrEqual(2);
  }, 60_000);

  it('without the client certificate the server refuses it', async () => {
    await expect(connectClient(temporalConfig(env({})))).rejects.toThrow(/cannot reach Temporal/);
  }, 60_000);
});
