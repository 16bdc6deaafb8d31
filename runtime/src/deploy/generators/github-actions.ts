// GitHub Actions for the user's repository: test on every push, build and push the image to Artifact
// Registry on main, deploy it to Cloud Run. Authentication by Workload Identity Federation (no keys).
import type { DeployContext } from '../context.js';

export function githubWorkflows(ctx: DeployContext): Record<string, string> {
  const { profile } = ctx;
  const cr = profile.cloudRun;
  const runtime = ctx.runtimeFile ? `./${ctx.runtimeFile}` : profile.runtime;
  const header = ctx.header('#');
  const auth = `      - id: auth
        uses: google-github-actions/auth@v2
        with:
          workload_identity_provider: \${{ vars.GCP_WORKLOAD_IDENTITY_PROVIDER }}
          service_account: \${{ vars.GCP_DEPLOY_SERVICE_ACCOUNT }}
      - uses: google-github-actions/setup-gcloud@v2`;
  const test = `${header}
name: weft-test
on:
  push:
  pull_request:
permissions:
  contents: read
jobs:
  validate:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-node@v4
        with:
          node-version: 22
      - name: Check the workflows
        run: npx --yes --package ${runtime} weft validate ${ctx.workflowsSource}
      - name: Check the deploy artifacts match weft.deploy.yaml
        run: npx --yes --package ${runtime} weft deploy check
`;
  const buildPush = `${header}
name: weft-build-push
on:
  push:
    branches: [main]
permissions:
  contents: read
  id-token: write
env:
  IMAGE: ${ctx.image}
jobs:
  build-push:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
${auth}
      - name: Docker credentials for Artifact Registry
        run: gcloud auth configure-docker ${cr.region}-docker.pkg.dev --quiet
      - name: Build and push
        run: |
          docker build -t "$IMAGE:$GITHUB_SHA" .
          docker push "$IMAGE:$GITHUB_SHA"
`;
  const deploy = `${header}
name: weft-deploy-cloud-run
on:
  workflow_run:
    workflows: [weft-build-push]
    types: [completed]
    branches: [main]
  workflow_dispatch:
permissions:
  contents: read
  id-token: write
concurrency:
  group: deploy-${profile.service}
  cancel-in-progress: false
jobs:
  deploy:
    if: \${{ github.event_name == 'workflow_dispatch' || github.event.workflow_run.conclusion == 'success' }}
    runs-on: ubuntu-latest
    environment: production
    steps:
      - uses: actions/checkout@v4
${auth}
      - name: Deploy the image built for this commit
        env:
          SHA: \${{ github.event.workflow_run.head_sha || github.sha }}
        run: |
          sed -i "s|:latest-build|:$SHA|" deploy/cloud-run/service.yaml
          gcloud run services replace deploy/cloud-run/service.yaml --region ${cr.region} --project ${cr.project}
      - name: Smoke test
        run: |
          url=$(gcloud run services describe ${profile.service} --region ${cr.region} --project ${cr.project} --format 'value(status.url)')
          curl -fsS "$url/health"
`;
  return {
    'weft-test.yaml': test,
    'weft-build-push.yaml': buildPush,
    'weft-deploy-cloud-run.yaml': deploy,
  };
}
