// Dockerfile and .dockerignore for a workflow service: two stages, pinned slim Node base, non-root,
// HEALTHCHECK on /health, PORT honoured. The image carries the runtime's production bundle
// (dist/image/ of the package) and the Temporal native core of its platform: no node_modules.
import type { DeployContext } from '../context.js';
import { ASSEMBLY_STAGE, bundleCommand, nativeCoreCommand, runtimeStage } from './image.js';

/** The runtime package as /tmp/weft-runtime.tgz: the profile's file, or packed from the registry. */
function fetchRuntime(ctx: DeployContext): string {
  if (ctx.runtimeFile) return `COPY ${ctx.runtimeFile} /tmp/weft-runtime.tgz`;
  return `RUN npm pack --silent --pack-destination /tmp ${ctx.profile.runtime} \\
 && mv /tmp/weft-runtime-*.tgz /tmp/weft-runtime.tgz`;
}

// the native core package at the version the bundle was built with (dist/image/package.json)
const CORE_SPEC = `"$(node -p "const c = require('./package/dist/image/package.json').weft.nativeCore; c.package + '@' + c.version")"`;

export function dockerfile(ctx: DeployContext): string {
  const { profile } = ctx;
  return `# syntax=docker/dockerfile:1
${ctx.header('#')}
# Build: docker build -t ${profile.service} .   (NODE_IMAGE overrides the pinned base)
ARG NODE_IMAGE=${profile.nodeImage}

FROM \${NODE_IMAGE} AS ${ASSEMBLY_STAGE}
WORKDIR /build
ENV npm_config_update_notifier=false
${fetchRuntime(ctx)}
# the runtime's bundle (dist/image/) and the native core of Temporal's worker for this platform
RUN tar -xzf /tmp/weft-runtime.tgz package/dist/image \\
 && ${bundleCommand('package/dist/image')} \\
 && npm pack --silent --pack-destination /tmp ${CORE_SPEC} \\
 && tar -xzf /tmp/temporalio-core-bridge-*.tgz --wildcards 'package/releases/*-linux-gnu/*' \\
 && ${nativeCoreCommand('package/releases')}

${runtimeStage({
  env: [
    ['PORT', String(profile.port)],
    ['WEFT_HOST', '0.0.0.0'],
    ['WEFT_DATA_DIR', '/tmp/weft'],
    ['WEFT_WORKFLOWS', ctx.workflowsInImage],
    ['WEFT_ENV', 'production'],
    ['WEFT_REQUIRED_ENV', ctx.requiredEnv.join(',')],
  ],
  copy: [`COPY --chown=root:root ${ctx.workflowsSource} ${ctx.workflowsCopyTarget}`],
  port: profile.port,
  cmd: ['serve'],
})}`;
}

export function dockerignore(ctx: DeployContext): string {
  return `${ctx.header('#')}
# Only the workflows and the runtime package go into the image: never keys, local runs or modules.
**
!${ctx.workflowsSource}
${ctx.runtimeFile ? `!${ctx.runtimeFile}\n` : ''}.env*
**/.env*
**/.weft
**/node_modules
**/*.pem
**/*.key
**/*-key.json
**/credentials*.json
`;
}
