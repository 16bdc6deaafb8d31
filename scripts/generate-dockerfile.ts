// Writes runtime/Dockerfile from its generator (runtime/src/deploy/generators/repo-dockerfile.ts).
import { writeFileSync } from 'node:fs';
import { repoDockerfile } from '../runtime/src/deploy/generators/repo-dockerfile.js';

const target = new URL('../runtime/Dockerfile', import.meta.url);
writeFileSync(target, repoDockerfile());
console.log(`wrote ${target.pathname}`);
