// Dockerfile and .dockerignore for a workflow service: multi-stage, pinned slim Node base, non-root,
// HEALTHCHECK on /health, PORT honoured, production dependencies only.
import type { DeployContext } from '../context.js';

export function dockerfile(ctx: DeployContext): string {
  const { profile } = ctx;
  const install = ctx.runtimeFile
    ? `COPY ${ctx.runtimeFile} /tmp/weft-runtime.tgz\nRUN npm install --omit=dev --no-audit --no-fund --ignore-scripts /tmp/weft-runtime.tgz`
    : `RUN npm install --omit=dev --no-audit --no-fund --ignore-scripts ${profile.runtime}`;
  return `# syntax=docker/dockerfile:1
${ctx.header('#')}
# Build: docker build -t ${profile.service} .   (NODE_IMAGE overrides the pinned base)
ARG NODE_IMAGE=${profile.nodeImage}

FROM \${NODE_IMAGE} AS deps
WORKDIR /app
ENV NODE_ENV=production npm_config_update_notifier=false
RUN echo '{"name":"${profile.service}","private":true}' > package.json
${install} \\
 && npm cache clean --force \\
 && rm -rf node_modules/@weft/runtime/test

FROM \${NODE_IMAGE}
WORKDIR /app
ENV NODE_ENV=production \\
    PORT=${profile.port} \\
    WEFT_HOST=0.0.0.0 \\
    WEFT_DATA_DIR=/tmp/weft \\
    WEFT_WORKFLOWS=${ctx.workflowsInImage} \\
    WEFT_ENV=production \\
    WEFT_REQUIRED_ENV=${ctx.requiredEnv.join(',')}
COPY --from=deps --chown=root:root /app/node_modules ./node_modules
COPY --chown=root:root ${ctx.workflowsSource} ${ctx.workflowsCopyTarget}
# the node user (uid 1000) of the Node images; the app files stay root-owned and read-only to it
USER 1000:1000
EXPOSE ${profile.port}
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \\
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||${profile.port})+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["node", "/app/node_modules/@weft/runtime/bin/weft.js"]
CMD ["serve"]
`;
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
