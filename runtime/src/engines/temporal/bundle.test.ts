// The interpreter must run in Temporal's workflow sandbox: bundling the workflow (with the
// interpreter and the expression library) fails if anything imports Node APIs.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';

const WORKFLOWS = fileURLToPath(new URL('./workflows.ts', import.meta.url));

/** The interpreter's own modules: pure, so no clock, randomness, timers or Node APIs. */
const PURE = [
  'journal',
  'commands',
  'plan',
  'state',
  'render',
  'retry',
  'interpreter',
  'ids',
  'trace',
  'run-record',
];

describe('Temporal sandbox', () => {
  it('bundles the workflow with the interpreter', async () => {
    const { code } = await bundleWorkflowCode({ workflowsPath: WORKFLOWS, logger: quietLogger() });
    expect(code).toContain('weftWorkflow');
    expect(code).toContain('no_branch_matched');
  }, 120_000);

  it.each(PURE)('engine/%s.ts reads no clock, randomness or timers', (name) => {
    const source = readFileSync(fileURLToPath(new URL(`../../engine/${name}.ts`, import.meta.url)), 'utf8');
    expect(source).not.toMatch(
      /\bDate\.now\b|new Date\b|Math\.random|setTimeout|setInterval|performance\.|process\.|from 'node:/,
    );
  });
});

function quietLogger() {
  const noop = () => {};
  return { log: noop, trace: noop, debug: noop, info: noop, warn: noop, error: noop };
}
