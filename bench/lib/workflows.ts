// The benchmark workflows as workflow.yaml text, built the same way for every size.
// Every step is an `llm` step on the offline `mock` provider; each LangGraph/Python peer node makes the
// same mock call (runtime/src/models/mock.ts) and merges its output into the state through a reducer.
import { checkWorkflow, type WorkflowDefinition } from '../../runtime/src/language/index.js';

export interface BenchWorkflow {
  /** Short name for the tables. */
  name: string;
  /** Steps that make a model call in one run. */
  steps: number;
  shape: 'linear' | 'fanout';
  /** Fan-out width (fan-out only). */
  width: number;
  yaml: string;
}

const HEADER = (name: string) => `name: ${name}
inputs:
  message: { type: string, default: "Hello from the benchmark" }
models:
  fast: { provider: mock, model: mock-1 }
`;

export const stepId = (i: number) => `s${i}`;

/** A `${{ expr }}` template. */
const tpl = (expression: string) => `\${{ ${expression} }}`;

/** s0 -> s1 -> ... -> s(n-1); each prompt reads the previous step's text. */
export function linearWorkflow(n: number): BenchWorkflow {
  const lines = [HEADER(`bench-linear-${n}`)];
  lines.push(
    'outputs:',
    `  text: { type: string, value: "${tpl(`steps.${stepId(n - 1)}.output.text`)}" }`,
    'steps:',
  );
  for (let i = 0; i < n; i++) {
    const prompt =
      i === 0 ? tpl('inputs.message') : `Step ${i}: ${tpl(`steps.${stepId(i - 1)}.output.text`)}`;
    lines.push(`  - id: ${stepId(i)}`, '    kind: llm', '    model: fast', `    prompt: "${prompt}"`);
  }
  return { name: `${n}-step linear`, steps: n, shape: 'linear', width: 1, yaml: `${lines.join('\n')}\n` };
}

/** s0 ... s(w-1) all at once from the input, then `join` reading all of them. */
export function fanoutWorkflow(width: number): BenchWorkflow {
  const lines = [HEADER(`bench-fanout-${width}`)];
  lines.push('outputs:', `  text: { type: string, value: "${tpl('steps.join.output.text')}" }`, 'steps:');
  for (let i = 0; i < width; i++) {
    lines.push(
      `  - id: ${stepId(i)}`,
      '    kind: llm',
      '    model: fast',
      `    prompt: "Branch ${i}: ${tpl('inputs.message')}"`,
    );
  }
  lines.push(
    '  - id: join',
    '    kind: llm',
    '    model: fast',
    `    needs: [${Array.from({ length: width }, (_, i) => stepId(i)).join(', ')}]`,
    `    prompt: "Join: ${tpl(`steps.${stepId(0)}.output.text`)} ... ${tpl(`steps.${stepId(width - 1)}.output.text`)}"`,
  );
  return {
    name: `${width}-way fan-out + join`,
    steps: width + 1,
    shape: 'fanout',
    width,
    yaml: `${lines.join('\n')}\n`,
  };
}

/** The checked definition; throws on any error diagnostic (a benchmark bug). */
export function definitionOf(workflow: BenchWorkflow): WorkflowDefinition {
  const result = checkWorkflow(workflow.yaml);
  const errors = result.diagnostics.filter((d) => d.severity === 'error');
  if (!result.definition || errors.length > 0) {
    throw new Error(
      `benchmark workflow ${workflow.name} does not check: ${errors.map((e) => `${e.code}: ${e.message}`).join('; ')}`,
    );
  }
  return result.definition;
}

export const INPUTS = { message: 'Hello from the benchmark' };
