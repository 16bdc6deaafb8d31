// Child process for crash.test.ts: runs (or resumes) a 3-step workflow against an OpenAI-compatible
// server and prints the run record as JSON on stdout.
//   node --import tsx runtime/test/crash-child.ts start|resume <dataDir> <runId> <baseUrl>
import { EmbeddedEngine } from '../src/engines/embedded/index.js';
import type { WorkflowDefinition } from '../src/language/types.js';

const [mode, dataDir, runId, baseUrl] = process.argv.slice(2);
if (!mode || !dataDir || !runId || !baseUrl) {
  process.stderr.write('usage: crash-child.ts start|resume <dataDir> <runId> <baseUrl>\n');
  process.exit(2);
}

const step = (id: string, prompt: string) => ({ id, kind: 'llm' as const, needs: [], model: 'gpt', prompt });

export const definition: WorkflowDefinition = {
  name: 'crash-test',
  inputs: { topic: { schema: { type: 'string' }, required: true } },
  outputs: { final: { schema: { type: 'string' }, value: '${{ steps.three.output.text }}' } },
  models: { gpt: { provider: 'openai', model: 'gpt-test', baseUrl, parameters: {} } },
  agents: {},
  tools: {},
  budget: { maxTokens: 100_000 },
  steps: [
    step('one', 'STEP ONE about ${{ inputs.topic }}'),
    step('two', 'STEP TWO after ${{ steps.one.output.text }}'),
    step('three', 'STEP THREE after ${{ steps.two.output.text }}'),
  ],
};

const engine = new EmbeddedEngine({ dataDir, env: { OPENAI_API_KEY: 'sk-crash-test' } });
const handle =
  mode === 'start' ? engine.start(definition, { topic: 'looms' }, { runId }) : engine.resume(runId);
handle.onEvent((event) => process.stderr.write(`${event.type} ${'key' in event ? event.key : ''}\n`));
const record = await handle.result;
process.stdout.write(`${JSON.stringify(record)}\n`);
