// The Cloud Run Admin API v2 Service a profile asks for, and its merge with the service that exists
// (env vars and secret references the service already has are kept, never wiped). Pure.
import type { DeployContext } from '../context.js';

export interface EnvVar {
  name: string;
  value?: string;
  valueSource?: { secretKeyRef: { secret: string; version: string } };
}

export interface RunService {
  name?: string;
  uri?: string;
  latestReadyRevision?: string;
  template?: {
    serviceAccount?: string;
    maxInstanceRequestConcurrency?: number;
    scaling?: { minInstanceCount?: number; maxInstanceCount?: number };
    containers?: Array<{
      image?: string;
      env?: EnvVar[];
      ports?: Array<{ containerPort: number }>;
      resources?: { limits?: Record<string, string> };
    }>;
  };
  traffic?: Array<{ type: string; revision?: string; percent?: number; tag?: string }>;
  [key: string]: unknown;
}

export function desiredService(ctx: DeployContext, image: string): RunService {
  const { profile } = ctx;
  const cr = profile.cloudRun;
  const env: EnvVar[] = [
    { name: 'WEFT_ENV', value: 'production' },
    { name: 'WEFT_REQUIRED_ENV', value: ctx.requiredEnv.join(',') },
    { name: 'WEFT_HOST', value: '0.0.0.0' },
    ...Object.entries(profile.env).map(([name, value]) => ({ name, value: String(value) })),
    ...Object.entries(profile.secrets).map(([name, ref]) => ({
      name,
      valueSource: { secretKeyRef: { secret: ref.secret, version: ref.version } },
    })),
  ];
  return {
    template: {
      serviceAccount: `${cr.serviceAccount}@${cr.project}.iam.gserviceaccount.com`,
      maxInstanceRequestConcurrency: cr.concurrency,
      scaling: { minInstanceCount: cr.minInstances, maxInstanceCount: cr.maxInstances },
      containers: [
        {
          image,
          env,
          ports: [{ containerPort: profile.port }],
          resources: { limits: { cpu: cr.cpu, memory: cr.memory } },
        },
      ],
    },
  };
}

const describeVar = (v: EnvVar) =>
  v.valueSource
    ? `secret ${v.valueSource.secretKeyRef.secret}:${v.valueSource.secretKeyRef.version}`
    : 'value';

/** The service to send, and a human diff against what exists (undefined: a new service). */
export function mergeService(
  existing: RunService | undefined,
  desired: RunService,
  options: { previewTag?: string } = {},
): { service: RunService; diff: string[] } {
  const want = desired.template?.containers?.[0] ?? {};
  if (!existing) {
    const diff = [`+ new service, image ${want.image}`];
    for (const v of want.env ?? []) diff.push(`+ ${v.name} (${describeVar(v)})`);
    return { service: desired, diff };
  }
  const had = existing.template?.containers?.[0] ?? {};
  const diff: string[] = [];
  if (had.image !== want.image) diff.push(`~ image ${had.image ?? '(none)'} -> ${want.image}`);
  const env = new Map<string, EnvVar>();
  for (const v of had.env ?? []) env.set(v.name, v);
  for (const v of want.env ?? []) {
    const before = env.get(v.name);
    if (!before) diff.push(`+ ${v.name} (${describeVar(v)})`);
    else if (JSON.stringify(before) !== JSON.stringify(v)) {
      diff.push(`~ ${v.name} (${describeVar(before)} -> ${describeVar(v)})`);
    }
    env.set(v.name, v);
  }
  const wanted = new Set((want.env ?? []).map((v) => v.name));
  for (const v of had.env ?? [])
    if (!wanted.has(v.name)) diff.push(`= ${v.name} kept (${describeVar(v)}; not in the profile)`);
  const scaling = desired.template?.scaling;
  const hadScaling = existing.template?.scaling;
  if (JSON.stringify(scaling) !== JSON.stringify(hadScaling ?? {})) {
    diff.push(`~ scaling ${JSON.stringify(hadScaling ?? {})} -> ${JSON.stringify(scaling)}`);
  }
  const service: RunService = {
    ...existing,
    template: {
      ...existing.template,
      ...desired.template,
      containers: [{ ...had, ...want, env: [...env.values()] }],
    },
  };
  if (options.previewTag && existing.latestReadyRevision) {
    const revision = existing.latestReadyRevision.split('/').pop();
    service.traffic = [
      { type: 'TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION', revision, percent: 100 },
      { type: 'TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST', tag: options.previewTag, percent: 0 },
    ];
    diff.push(
      `~ traffic: 100% stays on ${revision}; the new revision gets tag ${options.previewTag} and no traffic`,
    );
  }
  return { service, diff };
}
