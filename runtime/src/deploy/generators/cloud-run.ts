// Cloud Run: the Knative service that `gcloud run services replace` takes, with secrets as pinned
// secretKeyRef versions and the identity guard's variables.
import { stringify } from 'yaml';
import type { DeployContext } from '../context.js';

export function cloudRunService(ctx: DeployContext): Record<string, unknown> {
  const { profile } = ctx;
  const cr = profile.cloudRun;
  const env: Array<Record<string, unknown>> = [
    { name: 'WEFT_ENV', value: 'production' },
    { name: 'WEFT_REQUIRED_ENV', value: ctx.requiredEnv.join(',') },
    { name: 'WEFT_HOST', value: '0.0.0.0' },
  ];
  for (const [name, value] of Object.entries(profile.env)) env.push({ name, value: String(value) });
  for (const [name, ref] of Object.entries(profile.secrets)) {
    env.push({ name, valueFrom: { secretKeyRef: { name: ref.secret, key: ref.version } } });
  }
  return {
    apiVersion: 'serving.knative.dev/v1',
    kind: 'Service',
    metadata: {
      name: profile.service,
      labels: { 'cloud.googleapis.com/location': cr.region },
      annotations: { 'run.googleapis.com/ingress': 'all' },
    },
    spec: {
      template: {
        metadata: {
          annotations: {
            'autoscaling.knative.dev/minScale': String(cr.minInstances),
            'autoscaling.knative.dev/maxScale': String(cr.maxInstances),
            'run.googleapis.com/startup-cpu-boost': 'true',
          },
        },
        spec: {
          containerConcurrency: cr.concurrency,
          timeoutSeconds: 3600,
          serviceAccountName: `${cr.serviceAccount}@${cr.project}.iam.gserviceaccount.com`,
          containers: [
            {
              // a name and the probes' port are optional on Cloud Run; giving them keeps the file valid Knative
              name: 'weft',
              image: `${ctx.image}:latest-build`,
              ports: [{ name: 'http1', containerPort: profile.port }],
              env,
              resources: { limits: { cpu: cr.cpu, memory: cr.memory } },
              startupProbe: {
                httpGet: { path: '/health', port: profile.port },
                periodSeconds: 2,
                failureThreshold: 30,
              },
              livenessProbe: { httpGet: { path: '/health', port: profile.port }, periodSeconds: 15 },
            },
          ],
        },
      },
    },
  };
}

export function cloudRunFile(ctx: DeployContext): string {
  return `${ctx.header('#')}
# gcloud run services replace service.yaml --region ${ctx.profile.cloudRun.region} --project ${ctx.profile.cloudRun.project}
${stringify(cloudRunService(ctx), { lineWidth: 0 })}`;
}
