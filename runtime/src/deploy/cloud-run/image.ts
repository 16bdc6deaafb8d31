// Building and pushing the service's image with the local Docker CLI (the path `weft deploy cloud-run`
// and VS Code share). Output lines go to `onLine`; a failure says what to do.
import { spawn } from 'node:child_process';
import { deployContext } from '../context.js';
import type { DeployProfile } from '../profile.js';

/** The image reference a new build gets: the profile's Artifact Registry path and a fresh tag. */
export function imageForBuild(profile: DeployProfile, workflowsIsFile: boolean, now = Date.now()): string {
  return `${deployContext(profile, { workflowsIsFile }).image}:${now.toString(36)}`;
}

function docker(args: string[], onLine: (line: string) => void, env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('docker', args, { stdio: ['ignore', 'pipe', 'pipe'], env });
    let partial = '';
    const lines = (chunk: Buffer) => {
      const parts = (partial + chunk.toString()).split(/\r?\n/);
      partial = parts.pop() ?? '';
      for (const line of parts) if (line.trim()) onLine(line);
    };
    child.stdout.on('data', lines);
    child.stderr.on('data', lines);
    child.on('error', (error) =>
      reject(
        new Error(
          `docker: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'not on PATH (install Docker, or deploy an image already pushed: --image)' : error.message}`,
        ),
      ),
    );
    child.on('close', (code) => {
      if (partial.trim()) onLine(partial);
      if (code === 0) resolve();
      else
        reject(
          new Error(
            args[0] === 'push'
              ? `docker push exited ${code}: authenticate Docker to Artifact Registry (gcloud auth configure-docker ${args[1]?.split('/')[0]})`
              : `docker ${args[0]} exited ${code} (see the output above)`,
          ),
        );
    });
  });
}

/** `docker build -t IMAGE DIR` then `docker push IMAGE`. */
export async function buildAndPush(
  dir: string,
  image: string,
  onLine: (line: string) => void,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string> {
  onLine(`building ${image} ...`);
  await docker(['build', '-t', image, dir], onLine, env);
  onLine(`pushing ${image} ...`);
  await docker(['push', image], onLine, env);
  return image;
}
