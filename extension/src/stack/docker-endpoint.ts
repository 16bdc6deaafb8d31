// Where the Docker engine of the active context is, as dockerode options: from DOCKER_HOST when set
// (it wins over contexts, as in the docker CLI), else from `docker context inspect` of the current
// context. Never an assumed socket path. Pure: the caller runs `docker context inspect`.

export type DockerEndpoint =
  | { kind: 'socket'; socketPath: string; source: string }
  | {
      kind: 'tcp';
      protocol: 'http' | 'https';
      host: string;
      port: number;
      /** Folder of ca.pem, cert.pem, key.pem (https). */
      tlsDir?: string;
      skipTlsVerify?: boolean;
      source: string;
    }
  | { kind: 'ssh'; host: string; port: number; username?: string; source: string };

/** Parses a Docker host URL: unix://, npipe://, tcp://, ssh://. Throws naming where it came from. */
export function parseDockerHost(
  host: string,
  source: string,
  tls: { dir?: string; verify?: boolean } = {},
): DockerEndpoint {
  const value = host.trim();
  if (value.startsWith('unix://'))
    return { kind: 'socket', socketPath: value.slice('unix://'.length), source };
  if (value.startsWith('npipe://'))
    return { kind: 'socket', socketPath: value.slice('npipe://'.length).replace(/\//g, '\\'), source };
  const m = /^(tcp|http|https|ssh):\/\/(?:([^@/]+)@)?(\[[^\]]+\]|[^:/]+)(?::(\d+))?\/?$/.exec(value);
  if (!m)
    throw new Error(
      `${source}: cannot read the Docker host ${JSON.stringify(host)} (expected unix://, npipe://, tcp:// or ssh://)`,
    );
  const [, scheme, user, hostname, port] = m;
  if (scheme === 'ssh')
    return {
      kind: 'ssh',
      host: hostname!,
      port: port ? Number(port) : 22,
      ...(user ? { username: user } : {}),
      source,
    };
  const secure = scheme === 'https' || !!tls.dir;
  return {
    kind: 'tcp',
    protocol: secure ? 'https' : 'http',
    host: hostname!.replace(/^\[|\]$/g, ''),
    port: port ? Number(port) : secure ? 2376 : 2375,
    ...(tls.dir ? { tlsDir: tls.dir } : {}),
    ...(secure && tls.verify === false ? { skipTlsVerify: true } : {}),
    source,
  };
}

/**
 * The endpoint from the environment (DOCKER_HOST, DOCKER_CERT_PATH, DOCKER_TLS_VERIFY) or, when
 * DOCKER_HOST is unset, from the JSON that `docker context inspect` prints.
 */
export function dockerEndpoint(
  env: Record<string, string | undefined>,
  contextInspect?: string,
): DockerEndpoint {
  if (env.DOCKER_HOST) {
    const verify =
      env.DOCKER_TLS_VERIFY !== undefined && env.DOCKER_TLS_VERIFY !== '' && env.DOCKER_TLS_VERIFY !== '0';
    return parseDockerHost(env.DOCKER_HOST, 'DOCKER_HOST', {
      dir: verify || env.DOCKER_CERT_PATH ? env.DOCKER_CERT_PATH : undefined,
      verify,
    });
  }
  if (contextInspect === undefined) throw new Error('DOCKER_HOST is not set and no docker context was read');
  let parsed: unknown;
  try {
    parsed = JSON.parse(contextInspect);
  } catch (error) {
    throw new Error(`docker context inspect printed invalid JSON: ${(error as Error).message}`);
  }
  const context = (Array.isArray(parsed) ? parsed[0] : parsed) as
    | {
        Name?: string;
        Endpoints?: { docker?: { Host?: string; SkipTLSVerify?: boolean } };
        TLSMaterial?: { docker?: string[] };
        Storage?: { TLSPath?: string };
      }
    | undefined;
  const host = context?.Endpoints?.docker?.Host;
  if (!host) throw new Error('docker context inspect: the current context has no Endpoints.docker.Host');
  const hasTls = (context?.TLSMaterial?.docker?.length ?? 0) > 0 && !!context?.Storage?.TLSPath;
  return parseDockerHost(host, `docker context "${context?.Name ?? 'current'}"`, {
    dir: hasTls ? `${context!.Storage!.TLSPath}/docker` : undefined,
    verify: !context?.Endpoints?.docker?.SkipTLSVerify,
  });
}

/** One line for logs: where the engine is and why. */
export function describeEndpoint(endpoint: DockerEndpoint): string {
  switch (endpoint.kind) {
    case 'socket':
      return `${endpoint.socketPath} (from ${endpoint.source})`;
    case 'tcp':
      return `${endpoint.protocol}://${endpoint.host}:${endpoint.port} (from ${endpoint.source})`;
    case 'ssh':
      return `ssh://${endpoint.username ? `${endpoint.username}@` : ''}${endpoint.host}:${endpoint.port} (from ${endpoint.source})`;
  }
}
