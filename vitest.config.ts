import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'runtime/src/**/*.test.ts',
      'runtime/test/**/*.test.ts',
      'extension/src/**/*.test.ts',
      'devcontainer-feature/test/**/*.test.ts',
    ],
    // two files at a time even on 2 cores: most integration tests wait on child processes (Redis,
    // Temporal, dockerd, code-server), and the default (cores - 1) runs them one by one
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
