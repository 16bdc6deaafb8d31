import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { deployContext } from '../context.js';
import { defaultProfile } from '../profile.js';
import { dockerfile } from './dockerfile.js';
import { repoDockerfile } from './repo-dockerfile.js';

const runtimeStageOf = (text: string) => text.slice(text.lastIndexOf('FROM ${NODE_IMAGE}\n'));

describe('runtime/Dockerfile', () => {
  it('is what its generator writes (else run: npm run generate:dockerfile)', () => {
    const onDisk = readFileSync(new URL('../../../Dockerfile', import.meta.url), 'utf8');
    expect(
      onDisk,
      'runtime/Dockerfile drifted from repo-dockerfile.ts: run npm run generate:dockerfile',
    ).toBe(repoDockerfile());
  });

  it('shares the runtime stage with the deployment Dockerfile: user, healthcheck, entrypoint, no node_modules', () => {
    const generated = dockerfile(
      deployContext(defaultProfile('svc', 'workflow.yaml', '0.1.0'), { workflowsIsFile: true }),
    );
    for (const text of [repoDockerfile(), generated]) {
      const stage = runtimeStageOf(text);
      expect(stage).toMatch(/^USER 1000:1000$/m);
      expect(stage).toContain('COPY --from=assemble --chown=root:root /out/ /app/');
      expect(stage).toContain('WEFT_WORKFLOW_BUNDLE=/app/temporal-workflows.js');
      expect(stage).toContain('ENTRYPOINT ["node", "/app/bin/weft.js"]');
      expect(stage).toMatch(/^HEALTHCHECK /m);
      expect(stage).not.toContain('node_modules');
    }
  });
});
