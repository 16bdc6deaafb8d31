// DEPLOY.md: how to use each generated artifact.
import type { DeployContext } from '../context.js';

export function deployDoc(ctx: DeployContext): string {
  const { profile } = ctx;
  const cr = profile.cloudRun;
  const secrets = Object.entries(profile.secrets)
    .map(([name, ref]) => `| \`${name}\` | \`${ref.secret}\` | ${ref.version} |`)
    .join('\n');
  return `<!-- ${ctx.header('').replaceAll('\n', ' ').trim()} -->
# Deploying ${profile.service}

Everything here comes from \`weft.deploy.yaml\`. Change the profile, run \`weft deploy generate\`, commit
both. \`weft deploy check\` (also in CI) fails when a file has drifted from the profile.

Secrets are referenced, never stored:

| variable | secret | version |
|---|---|---|
${secrets}

## Try the image locally
\`weft deploy build\` builds \`Dockerfile\`, runs it, waits for \`/health\`, sends one run and stops it.
By hand: \`docker build -t ${profile.service} . && docker run -p 8080:${profile.port} -e WEFT_API_KEYS=... ${profile.service}\`.

## Cloud Run
- One command: \`weft deploy cloud-run\` (or **Weft: Deploy to Cloud Run** in VS Code): preflight, build,
  push, create or update the service (env vars and secret references merged with the service's own),
  wait for the revision, print the URL.
- Declarative: \`deploy/cloud-run/service.yaml\`:
  \`gcloud run services replace deploy/cloud-run/service.yaml --region ${cr.region} --project ${cr.project}\`.
- Terraform: \`deploy/terraform/\` creates the service, the runtime service account
  \`${cr.serviceAccount}\`, the secrets (add values with \`gcloud secrets versions add NAME --data-file=-\`)
  and their accessor bindings, and the Artifact Registry repository \`${cr.repository}\`:
  \`terraform -chdir=deploy/terraform init && terraform -chdir=deploy/terraform apply -var image=${ctx.image}:TAG\`.

## GitHub Actions
\`.github/workflows/weft-*.yaml\`: test on every push, build and push on main, deploy after a
successful build. Set the repository variables \`GCP_WORKLOAD_IDENTITY_PROVIDER\` and
\`GCP_DEPLOY_SERVICE_ACCOUNT\` (Workload Identity Federation; no key files).

## One host with Docker Compose
\`deploy/compose/\`: copy \`.env.example\` to \`.env\`, fill it in, then
\`docker compose -f deploy/compose/compose.yaml up -d --wait\`. Only nginx publishes a port (8080); it
passes server-sent events through unbuffered. Add \`--profile temporal-dev\` to run a Temporal dev
server, or set \`TEMPORAL_ADDRESS\` to your cluster.

## Docker Swarm
\`docker stack deploy -c deploy/compose/swarm.yaml ${profile.service}\` with \`WEFT_IMAGE\` set to a pushed
image and each secret created with \`docker secret create\` (lowercase names).

## Kubernetes
\`kubectl apply -k deploy/kubernetes\` after creating the secrets (see \`kustomization.yaml\`). The pods
run as non-root with a read-only root file system and no capabilities.

## Hugging Face Spaces
\`deploy/hf-space/\` holds a Dockerfile on port 7860 and the README front matter a Docker Space needs.
`;
}
