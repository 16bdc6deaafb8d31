// Finding the active Docker engine (DOCKER_HOST, else `docker context inspect`) and loading the
// dockerode bundle (out/docker.js) on first use, so activation never pays for it.
import { execFile } from 'node:child_process';
import { type DockerEndpoint, dockerEndpoint } from './docker-endpoint.js';
import type * as Live from './docker-live.js';

let live: typeof Live | undefined;

export function dockerLive(): typeof Live {
  // a sibling file the build writes next to out/extension.js (kept external)
  live ??= require('./docker.js') as typeof Live;
  return live;
}

/** The endpoint of the active context; throws saying what to do when docker cannot tell. */
export async function activeEndpoint(env: NodeJS.ProcessEnv = process.env): Promise<DockerEndpoint> {
  if (env.DOCKER_HOST) return dockerEndpoint(env);
  const inspect = await new Promise<string>((resolve, reject) =>
    execFile('docker', ['context', 'inspect'], { env, timeout: 10_000 }, (error, stdout, stderr) => {
      if (error)
        reject(
          new Error(
            `docker context inspect failed (${(stderr || error.message).trim()}): install the docker CLI or set DOCKER_HOST`,
          ),
        );
      else resolve(stdout);
    }),
  );
  return dockerEndpoint(env, inspect);
}
