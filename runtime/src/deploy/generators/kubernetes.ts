// Kubernetes manifests that pass restricted admission: non-root, read-only root, no capabilities,
// no hostPath; probes on /health and /ready (with a key); secrets by reference; an HPA.
import { stringify } from 'yaml';
import type { DeployContext } from '../context.js';
import { readyCommand } from './image.js';

const securityContext = {
  runAsNonRoot: true,
  runAsUser: 1000,
  runAsGroup: 1000,
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  capabilities: { drop: ['ALL'] },
  seccompProfile: { type: 'RuntimeDefault' },
};

export function kubernetesManifests(ctx: DeployContext): Record<string, unknown[]> {
  const { profile } = ctx;
  const name = profile.service;
  const ns = profile.kubernetes.namespace;
  const labels = (component: string) => ({
    'app.kubernetes.io/name': name,
    'app.kubernetes.io/component': component,
  });
  const configMap = `${name}-config`;
  const env = Object.entries(profile.secrets).map(([variable, ref]) => ({
    name: variable,
    valueFrom: { secretKeyRef: { name: ref.secret, key: 'value' } },
  }));
  const container = (component: string, args: string[], probes: boolean) => ({
    name: component,
    image: profile.kubernetes.image,
    imagePullPolicy: 'IfNotPresent',
    args,
    ports: probes ? [{ name: 'http', containerPort: profile.port }] : undefined,
    envFrom: [{ configMapRef: { name: configMap } }],
    env,
    resources: {
      requests: { cpu: '250m', memory: '256Mi' },
      limits: { cpu: '1', memory: '512Mi' },
    },
    livenessProbe: probes ? { httpGet: { path: '/health', port: 'http' }, periodSeconds: 10 } : undefined,
    // /ready needs an API key: an exec probe sends the first of WEFT_API_KEYS
    readinessProbe: probes
      ? { exec: { command: readyCommand(profile.port) }, periodSeconds: 5, timeoutSeconds: 3 }
      : undefined,
    securityContext,
    volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
  });
  const deployment = (component: string, args: string[], probes: boolean) => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: `${name}-${component}`, namespace: ns, labels: labels(component) },
    spec: {
      replicas: profile.kubernetes.replicas,
      selector: { matchLabels: labels(component) },
      template: {
        metadata: { labels: labels(component) },
        spec: {
          automountServiceAccountToken: false,
          securityContext: { runAsNonRoot: true, fsGroup: 1000, seccompProfile: { type: 'RuntimeDefault' } },
          containers: [container(component, args, probes)],
          volumes: [{ name: 'tmp', emptyDir: {} }],
        },
      },
    },
  });
  const data: Record<string, string> = {
    WEFT_ENV: 'production',
    WEFT_REQUIRED_ENV: ctx.requiredEnv.join(','),
    WEFT_HOST: '0.0.0.0',
    PORT: String(profile.port),
    // replicas behind an HPA share the work through Temporal: the server starts runs, workers run them
    WEFT_ENGINE: 'temporal',
    TEMPORAL_ADDRESS: 'temporal-frontend:7233',
    TEMPORAL_NAMESPACE: 'default',
    TEMPORAL_TASK_QUEUE: 'weft',
    REDIS_URL: 'redis://redis:6379',
  };
  for (const [variable, value] of Object.entries(profile.env)) data[variable] = String(value);
  return {
    'configmap.yaml': [
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: configMap, namespace: ns }, data },
    ],
    'server.yaml': [
      deployment('server', ['serve'], true),
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name, namespace: ns, labels: labels('server') },
        spec: {
          selector: labels('server'),
          ports: [{ name: 'http', port: 80, targetPort: 'http' }],
        },
      },
      {
        apiVersion: 'autoscaling/v2',
        kind: 'HorizontalPodAutoscaler',
        metadata: { name: `${name}-server`, namespace: ns },
        spec: {
          scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: `${name}-server` },
          minReplicas: profile.kubernetes.replicas,
          maxReplicas: profile.kubernetes.maxReplicas,
          metrics: [
            {
              type: 'Resource',
              resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } },
            },
          ],
        },
      },
    ],
    'worker.yaml': [deployment('worker', ['worker'], false)],
  };
}

export function kubernetesFiles(ctx: DeployContext): Record<string, string> {
  const files: Record<string, string> = {};
  for (const [file, docs] of Object.entries(kubernetesManifests(ctx))) {
    const clean = docs.map((d) => JSON.parse(JSON.stringify(d)));
    files[file] = `${ctx.header('#')}\n${clean.map((d) => stringify(d, { lineWidth: 0 })).join('---\n')}`;
  }
  const secrets = Object.entries(ctx.profile.secrets)
    .map(
      ([variable, ref]) =>
        `#   kubectl create secret generic ${ref.secret} --from-literal=value="$${variable}"`,
    )
    .join('\n');
  files['kustomization.yaml'] = `${ctx.header('#')}
# Secrets are referenced, never written here. Create them once per namespace:
${secrets}
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - configmap.yaml
  - server.yaml
  - worker.yaml
`;
  return files;
}
