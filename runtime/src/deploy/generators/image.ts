// The parts both Dockerfiles share: the deployment Dockerfile (`weft deploy generate`, built from a
// project with the published runtime package) and the repository's runtime/Dockerfile (built from
// these sources, for the local stack). Both ship dist/image/ (runtime/image-bundle.mjs: every
// dependency bundled, the Temporal workflow code prebuilt) plus the Temporal native core of the image's
// platform, and no node_modules.

/** Where the runtime stage finds the assembled app, in the stage named ASSEMBLY_STAGE. */
const OUT = '/out';
export const ASSEMBLY_STAGE = 'assemble';

/** The native core's folder in dist/image/ (runtime/image-bundle.mjs NATIVE_CORE). */
const NATIVE_CORE = 'assets/@temporalio/core-bridge/releases';

/** The core-bridge build target of this Linux image (glibc: the Debian-based Node images). */
const TARGET = `$(node -p "({ x64: 'x86_64', arm64: 'aarch64' })[process.arch] + '-unknown-linux-gnu'")`;

/**
 * Shell that moves the native core for the image's platform from `releases` (a core-bridge package's
 * releases/ folder) into the assembled app.
 */
export function nativeCoreCommand(releases: string): string {
  return [
    `target=${TARGET}`,
    `mkdir -p ${OUT}/${NATIVE_CORE}/$target`,
    `cp ${releases}/$target/index.node ${OUT}/${NATIVE_CORE}/$target/`,
  ].join(' \\\n && ');
}

/** Shell that copies a built dist/image/ folder to the assembled app. */
export function bundleCommand(distImage: string): string {
  return `mkdir -p ${OUT} && cp -R ${distImage}/. ${OUT}/`;
}

export interface RuntimeStage {
  /** ENV of the image besides NODE_ENV and WEFT_WORKFLOW_BUNDLE, in this order */
  env: Array<[string, string]>;
  /** lines run as root before the user switch (e.g. a data folder the user owns) */
  prepare?: string;
  /** COPY lines of the workflows into the image */
  copy?: string[];
  port: number;
  cmd: string[];
}

const json = (values: string[]) => `[${values.map((v) => JSON.stringify(v)).join(', ')}]`;

/**
 * The image itself: the Node base, the assembled app owned by root and read-only to the user, uid 1000
 * (the node user of the Node images; a number, so bases without that user work too), a HEALTHCHECK on
 * GET /health at $PORT.
 */
export function runtimeStage(stage: RuntimeStage): string {
  const env = [
    ['NODE_ENV', 'production'],
    ['WEFT_WORKFLOW_BUNDLE', '/app/temporal-workflows.js'],
    ...stage.env,
  ];
  return `FROM \${NODE_IMAGE}
WORKDIR /app
ENV ${env.map(([name, value]) => `${name}=${value}`).join(' \\\n    ')}
${stage.prepare ? `RUN ${stage.prepare}\n` : ''}COPY --from=${ASSEMBLY_STAGE} --chown=root:root ${OUT}/ /app/
${(stage.copy ?? []).map((line) => `${line}\n`).join('')}USER 1000:1000
EXPOSE ${stage.port}
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \\
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||${stage.port})+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["node", "/app/bin/weft.js"]
CMD ${json(stage.cmd)}
`;
}

/**
 * A container command that exits 0 when GET /ready answers 200. /ready needs a key when the server has
 * them: the first of WEFT_API_KEYS, from the environment or a Swarm secret file.
 */
export function readyCommand(port: number): string[] {
  const script = [
    "const f=require('fs'),s='/run/secrets/weft_api_keys';",
    "const k=(process.env.WEFT_API_KEYS||(f.existsSync(s)?f.readFileSync(s,'utf8'):'')).split(',')[0].trim();",
    `fetch('http://127.0.0.1:'+(process.env.PORT||${port})+'/ready',{headers:k?{authorization:'Bearer '+k}:{}})`,
    '.then(r=>process.exit(r.ok?0:1),()=>process.exit(1))',
  ].join('');
  return ['node', '-e', script];
}
