#!/usr/bin/env node
import('../dist/cli.js').catch((error) => {
  if (error?.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('dist/cli.js')) {
    console.error('weft: the CLI is not built yet. Run `npm run build` at the repository root first.');
    process.exit(2);
  }
  throw error;
});
