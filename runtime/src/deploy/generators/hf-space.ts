// Hugging Face Spaces (Docker SDK): the README front matter a Space needs and port 7860.
import type { DeployContext } from '../context.js';

export function hfSpaceReadme(ctx: DeployContext): string {
  const { profile } = ctx;
  return `---
title: ${profile.service}
emoji: 🧵
colorFrom: indigo
colorTo: blue
sdk: docker
app_port: 7860
pinned: false
---

<!-- ${ctx.header('').replaceAll('\n', ' ').trim()} -->

# ${profile.service}

A Weft workflow service. Copy this README and \`Dockerfile\` (from \`deploy/hf-space/\`) to the root of
the Space's repository together with the workflows, and set these as Space secrets (Settings ->
Variables and secrets): ${Object.keys(profile.secrets).join(', ')}.

- \`POST /run\` runs the workflow; \`GET /docs\` is the API; \`GET /health\` answers when up.
`;
}

/** The Space image is the service image on port 7860 (Spaces route to app_port). */
export function hfSpaceDockerfile(serviceDockerfile: string): string {
  return serviceDockerfile
    .replace(/PORT=\d+/, 'PORT=7860')
    .replace(/EXPOSE \d+/, 'EXPOSE 7860')
    .replace(/\|\|\d+\)\+'\/health'/, "||7860)+'/health'");
}
