import { describe, expect, it } from 'vitest';
import { describeEndpoint, dockerEndpoint, parseDockerHost } from './docker-endpoint.js';

const inspect = (host: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify([
    { Name: 'colima', Metadata: {}, Endpoints: { docker: { Host: host, SkipTLSVerify: false } }, ...extra },
  ]);

describe('dockerEndpoint', () => {
  it('reads the active context (docker context inspect) when DOCKER_HOST is unset', () => {
    const e = dockerEndpoint({}, inspect('unix:///home/me/.colima/default/docker.sock'));
    expect(e).toEqual({
      kind: 'socket',
      socketPath: '/home/me/.colima/default/docker.sock',
      source: 'docker context "colima"',
    });
    expect(describeEndpoint(e)).toBe('/home/me/.colima/default/docker.sock (from docker context "colima")');
  });

  it('DOCKER_HOST wins over the context', () => {
    expect(
      dockerEndpoint({ DOCKER_HOST: 'unix:///tmp/weft-docker.sock' }, inspect('unix:///var/run/docker.sock')),
    ).toEqual({
      kind: 'socket',
      socketPath: '/tmp/weft-docker.sock',
      source: 'DOCKER_HOST',
    });
  });

  it('tcp with the context TLS material, and with DOCKER_CERT_PATH', () => {
    const e = dockerEndpoint(
      {},
      inspect('tcp://127.0.0.1:2376', {
        TLSMaterial: { docker: ['ca.pem', 'cert.pem', 'key.pem'] },
        Storage: { TLSPath: '/c/tls/abc' },
      }),
    );
    expect(e).toMatchObject({
      kind: 'tcp',
      protocol: 'https',
      host: '127.0.0.1',
      port: 2376,
      tlsDir: '/c/tls/abc/docker',
    });
    expect(
      dockerEndpoint({ DOCKER_HOST: 'tcp://127.0.0.1', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: '/certs' }),
    ).toMatchObject({
      protocol: 'https',
      port: 2376,
      tlsDir: '/certs',
    });
    expect(dockerEndpoint({ DOCKER_HOST: 'tcp://127.0.0.1:2375' })).toMatchObject({
      protocol: 'http',
      port: 2375,
    });
  });

  it('ssh and npipe hosts', () => {
    expect(parseDockerHost('ssh://me@build-box', 'x')).toEqual({
      kind: 'ssh',
      host: 'build-box',
      port: 22,
      username: 'me',
      source: 'x',
    });
    expect(parseDockerHost('npipe:////./pipe/docker_engine', 'x')).toMatchObject({
      socketPath: '\\\\.\\pipe\\docker_engine',
    });
  });

  it('says what is wrong', () => {
    expect(() => dockerEndpoint({})).toThrow('DOCKER_HOST is not set and no docker context was read');
    expect(() => dockerEndpoint({}, 'not json')).toThrow(/docker context inspect printed invalid JSON/);
    expect(() => dockerEndpoint({}, '[{"Name":"x","Endpoints":{}}]')).toThrow(/no Endpoints.docker.Host/);
    expect(() => parseDockerHost('fd://', 'DOCKER_HOST')).toThrow(
      'DOCKER_HOST: cannot read the Docker host "fd://"',
    );
  });
});
