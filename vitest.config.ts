import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'runtime/src/**/*.test.ts',
      'runtime/test/**/*.test.ts',
      'extension/src/**/*.test.ts',
      'devcontainer-feature/test/**/*.test.ts',
    ],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
