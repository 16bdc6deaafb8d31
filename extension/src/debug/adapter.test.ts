// The standalone adapter over DAP: launch, breakpoints bound to steps, stepping through map and
// parallel steps, variables, evaluate, and refusals of bad input. Offline (mock model).
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  children,
  ended,
  launch,
  lineOf,
  scopes,
  startClient,
  stopped,
  type Workspace,
  workspace,
} from './adapter.test-helper.js';

const LINEAR = `name: linear
inputs:
  topic:
    type: string
outputs:
  final:
    type: string
    value: \${{ steps.second.output.text }}
models:
  fast:
    provider: mock
    model: mock-1
steps:
  - id: first
    kind: llm
    model: fast
    prompt: "About \${{ inputs.topic }}"

  - id: second
    kind: llm
    model: fast
    prompt: "Expand: \${{ steps.first.output.text }}"
`;

const FANOUT = `name: fanout
inputs:
  topics:
    type: array
    default: [x, y, z]
outputs:
  count:
    type: integer
    value: \${{ size(steps.each.output) }}
models:
  fast:
    provider: mock
    model: mock-1
steps:
  - id: each
    kind: map
    items: inputs.topics
    concurrency: 1
    step:
      id: one
      kind: llm
      model: fast
      prompt: "Summarize \${{ item }}"

  - id: both
    kind: parallel
    needs: [each]
    steps:
      - id: left
        kind: llm
        model: fast
        prompt: "Left"
      - id: right
        kind: llm
        model: fast
        prompt: "Right"

  - id: last
    kind: llm
    model: fast
    prompt: "Done: \${{ steps.both.output.left.text }}"
`;

let ws: Workspace;
let client: DebugClient;

beforeEach(async () => {
  ws = workspace();
  client = await startClient();
});

afterEach(async () => {
  await client.stop();
  ws.dispose();
});

const base = () => ({ cwd: ws.dir, dataDir: ws.dataDir });

describe('sub-workflow steps', () => {
  it('a sub-workflow step runs its child as one step (its own run); later steps read its outputs', async () => {
    ws.write(
      'child.workflow.yaml',
      `name: child
inputs:
  text: { type: string }
outputs:
  summary: { type: string, value: "\${{ steps.condense.output.text }}" }
models:
  fast: { provider: mock, model: mock-1 }
steps:
  - id: condense
    kind: llm
    model: fast
    prompt: "Condense \${{ inputs.text }}"
`,
    );
    const program = ws.write(
      'parent.workflow.yaml',
      `name: parent
outputs:
  final: { type: string, value: "\${{ steps.last.output.text }}" }
models:
  fast: { provider: mock, model: mock-1 }
steps:
  - id: sub
    kind: workflow
    workflow: ./child.workflow.yaml
    inputs:
      text: owls
  - id: last
    kind: llm
    model: fast
    prompt: "Use \${{ steps.sub.output.summary }}"
`,
    );
    await launch(client, { ...base(), program }, () =>
      client.setBreakpointsRequest({
        source: { path: program },
        breakpoints: [{ line: lineOf(program, 'Use ') }],
      }),
    );
    const stop = await stopped(client);
    expect(stop.frames[0]?.name).toBe('last (before)');
    const summary = (
      await client.evaluateRequest({ expression: 'steps.sub.output.summary', frameId: 0, context: 'repl' })
    ).body.result;
    expect(JSON.parse(summary)).toContain('Condense owls');
    await client.continueRequest({ threadId: 1 });
    const end = await ended(client);
    expect(end.status).toBe('succeeded');
    expect(String(end.outputs?.final)).toContain('Condense owls');
  });
});

describe('breakpoints on steps', () => {
  it('binds a line of a step block to the step (moved to its first line), and refuses lines outside steps', async () => {
    const program = ws.write('linear.workflow.yaml', LINEAR);
    const promptLine = lineOf(program, 'Expand:');
    const response = await client.setBreakpointsRequest({
      source: { path: program },
      breakpoints: [{ line: promptLine }, { line: lineOf(program, 'topic:') }],
    });
    const [inside, outside] = response.body.breakpoints;
    expect(inside).toMatchObject({ verified: true, line: lineOf(program, '- id: second') });
    expect(outside?.verified).toBe(false);
    expect(outside?.message).toMatch(/not inside a step/);
  });

  it('stops before the step at its line with its inputs rendered, then Continue finishes the run', async () => {
    const program = ws.write('linear.workflow.yaml', LINEAR);
    await launch(client, { ...base(), program, inputs: { topic: 'owls' } }, () =>
      client.setBreakpointsRequest({
        source: { path: program },
        breakpoints: [{ line: lineOf(program, 'Expand:') }],
      }),
    );
    const stop = await stopped(client);
    expect(stop.reason).toBe('breakpoint');
    expect(stop.frames[0]).toMatchObject({ line: lineOf(program, '- id: second'), name: 'second (before)' });
    expect(stop.frames.at(-1)?.name).toBe('workflow linear');

    const vars = await scopes(client);
    expect(Object.keys(vars)).toEqual(['Inputs', 'Step', 'Steps', 'Run']);
    expect(vars.Inputs?.topic?.value).toBe('"owls"');
    const request = await children(client, vars.Step!.request!);
    const firstText = (
      await client.evaluateRequest({ expression: 'steps.first.output.text', frameId: 0, context: 'repl' })
    ).body.result;
    expect(request.prompt?.value).toBe(JSON.stringify(`Expand: ${JSON.parse(firstText)}`));
    expect(vars.Steps?.first).toBeDefined();
    expect(vars.Run?.mode?.value).toBe('"live"');

    await client.continueRequest({ threadId: 1 });
    const end = await ended(client);
    expect(end.status).toBe('succeeded');
    expect(typeof end.outputs?.final).toBe('string');
  });

  it('honours a Weft condition and a hit count on a map item step; logpoints print and do not stop', async () => {
    const program = ws.write('fanout.workflow.yaml', FANOUT);
    const output: string[] = [];
    client.on('output', (e) => output.push(e.body.output));
    await launch(client, { ...base(), program }, () =>
      client.setBreakpointsRequest({
        source: { path: program },
        breakpoints: [
          { line: lineOf(program, 'Summarize'), condition: 'item == "y"' },
          { line: lineOf(program, '"Left"'), logMessage: 'left sees {size(steps.each.output)} items' },
          { line: lineOf(program, '"Right"'), hitCondition: '2' },
        ],
      }),
    );
    const stop = await stopped(client);
    expect(stop.frames.map((f) => f.name)).toEqual([
      'one [item 1] (before)',
      'each (map)',
      'workflow fanout',
    ]);
    expect((await client.evaluateRequest({ expression: 'item', frameId: 0 })).body.result).toBe('"y"');
    await client.continueRequest({ threadId: 1 });
    // the hit count 2 on `right` is never reached (it runs once)
    const end = await ended(client);
    expect(end.outputs).toEqual({ count: 3 });
    expect(output.join('')).toContain('left sees 3 items');
  });

  it('stops on a decision step once its branch is chosen', async () => {
    const program = ws.write(
      'route.workflow.yaml',
      `name: route
inputs:
  n:
    type: integer
    default: 7
outputs:
  branch:
    type: string
    value: \${{ steps.pick.output.branch }}
models:
  fast:
    provider: mock
    model: mock-1
steps:
  - id: pick
    kind: decision
    branches:
      - when: inputs.n > 5
        then: [big]
    otherwise: [small]
  - id: big
    kind: llm
    model: fast
    prompt: "big"
  - id: small
    kind: llm
    model: fast
    prompt: "small"
`,
    );
    await launch(client, { ...base(), program }, () =>
      client.setBreakpointsRequest({
        source: { path: program },
        breakpoints: [{ line: lineOf(program, 'when: inputs.n') }],
      }),
    );
    const stop = await stopped(client);
    expect(stop.reason).toBe('breakpoint');
    expect(stop.frames[0]?.name).toBe('pick (after)');
    expect((await scopes(client)).Step?.branch?.value).toBe('"0"');
    await client.terminateRequest({});
    expect((await ended(client)).status).toBe('cancelled');
  });

  it('function breakpoints stop on a step by id; an unknown id is unverified', async () => {
    const program = ws.write('linear.workflow.yaml', LINEAR);
    let answer: unknown;
    await launch(client, { ...base(), program, inputs: { topic: 'x' } }, async () => {
      answer = await client.setFunctionBreakpointsRequest({
        breakpoints: [{ name: 'second' }, { name: 'nope' }],
      });
    });
    expect(
      (answer as { body: { breakpoints: Array<{ verified: boolean }> } }).body.breakpoints.map(
        (b) => b.verified,
      ),
    ).toEqual([true, false]);
    const stop = await stopped(client);
    expect(stop.reason).toBe('function breakpoint');
    expect(stop.frames[0]?.name).toBe('second (before)');
  });
});

describe('stepping', () => {
  it('steps into a map item and a parallel branch, over steps, and out of the composite', async () => {
    const program = ws.write('fanout.workflow.yaml', FANOUT);
    const first = stopped(client);
    await launch(client, { ...base(), program, stopOnEntry: true });
    expect((await first).frames[0]?.name).toBe('each (before)');
    const go = async (request: 'stepIn' | 'next' | 'stepOut') => {
      const stop = stopped(client);
      await client[`${request}Request`]({ threadId: 1 });
      return stop;
    };
    const names = async (request: 'stepIn' | 'next' | 'stepOut') => (await go(request)).frames[0]?.name;
    expect(await names('stepIn')).toBe('one [item 0] (before)');
    const afterItem = await go('next');
    expect(afterItem.frames[0]?.name).toBe('one [item 0] (after)');
    expect((await scopes(client)).Step?.status?.value).toBe('"completed"');
    expect(await names('next')).toBe('one [item 1] (before)');
    expect(await names('stepOut')).toBe('each (after)');
    expect(await names('next')).toBe('both (before)');
    const left = await go('stepIn');
    expect(left.frames.map((f) => f.name)).toEqual(['left (before)', 'both (parallel)', 'workflow fanout']);
    expect(left.frames[0]?.line).toBe(lineOf(program, '- id: left'));
    expect(await names('next')).toBe('left (after)');
    expect(await names('next')).toBe('right (before)');
    expect(await names('stepOut')).toBe('both (after)');
    expect(await names('next')).toBe('last (before)');
    await client.continueRequest({ threadId: 1 });
    expect((await ended(client)).outputs).toEqual({ count: 3 });
  });

  it('Restart runs the workflow again from the start and stops at the same breakpoint', async () => {
    const program = ws.write('linear.workflow.yaml', LINEAR);
    await launch(client, { ...base(), program, inputs: { topic: 'x' } }, () =>
      client.setBreakpointsRequest({
        source: { path: program },
        breakpoints: [{ line: lineOf(program, '- id: second') }],
      }),
    );
    const first = await stopped(client);
    await client.restartRequest({});
    const again = await stopped(client);
    expect(again.frames[0]).toMatchObject({ name: 'second (before)', line: first.frames[0]?.line });
    await client.continueRequest({ threadId: 1 });
    expect((await ended(client)).status).toBe('succeeded');
  });

  it('Step Back is refused on a live run (it works on replays)', async () => {
    const program = ws.write('linear.workflow.yaml', LINEAR);
    await launch(client, { ...base(), program, inputs: { topic: 'x' }, stopOnEntry: true });
    await stopped(client);
    await expect(client.stepBackRequest({ threadId: 1 })).rejects.toThrow(/replay/);
  });
});

describe('variables and evaluate', () => {
  it('evaluates Weft expressions on the current state and edits an output before later steps read it', async () => {
    const program = ws.write('linear.workflow.yaml', LINEAR);
    await launch(client, { ...base(), program, inputs: { topic: 'owls' } }, () =>
      client.setBreakpointsRequest({
        source: { path: program },
        breakpoints: [{ line: lineOf(program, '- id: second') }],
      }),
    );
    await stopped(client);
    const evaluate = (expression: string) =>
      client.evaluateRequest({ expression, frameId: 0, context: 'hover' });
    expect((await evaluate('size(inputs.topic)')).body.result).toBe('4');
    expect((await evaluate('${{ inputs.topic + "!" }}')).body.result).toBe('"owls!"');
    await expect(evaluate('steps.nope.output')).rejects.toThrow();

    const vars = await scopes(client);
    const first = await children(client, vars.Steps!.first!);
    expect(first.text).toBeDefined();
    const steps = (await client.scopesRequest({ frameId: 0 })).body.scopes.find((s) => s.name === 'Steps')!;
    const firstOutput = (
      await client.variablesRequest({ variablesReference: steps.variablesReference })
    ).body.variables.find((v) => v.name === 'first')!;
    await client.setVariableRequest({
      variablesReference: firstOutput.variablesReference,
      name: 'text',
      value: '"EDITED"',
    });
    const request = await children(client, (await scopes(client)).Step!.request!);
    expect(request.prompt?.value).toBe('"Expand: EDITED"');
    await expect(
      client.setVariableRequest({
        variablesReference: (await client.scopesRequest({ frameId: 0 })).body.scopes[0]!.variablesReference,
        name: 'topic',
        value: '"x"',
      }),
    ).rejects.toThrow(/only step outputs/);
    await client.continueRequest({ threadId: 1 });
    expect((await ended(client)).status).toBe('succeeded');
  });
});

describe('bad input', () => {
  it('refuses a workflow with errors, naming the first diagnostic', async () => {
    const program = ws.write(
      'broken.workflow.yaml',
      LINEAR.replace('${{ steps.first.output.text }}', '${{ steps.missing.output.text }}'),
    );
    await expect(launch(client, { ...base(), program, inputs: { topic: 'x' } })).rejects.toThrow(
      /broken\.workflow\.yaml:\d+:\d+: error unknown-step/,
    );
  });

  it('reads inputsFile, and names it when it is not JSON', async () => {
    const program = ws.write('linear.workflow.yaml', LINEAR);
    ws.write('inputs.json', '{"topic": "from a file"}');
    await launch(client, { ...base(), program, inputsFile: 'inputs.json', stopOnEntry: true });
    await stopped(client);
    expect((await client.evaluateRequest({ expression: 'inputs.topic', frameId: 0 })).body.result).toBe(
      '"from a file"',
    );
    const other = await startClient();
    try {
      ws.write('bad.json', '{topic: 1');
      await expect(launch(other, { ...base(), program, inputsFile: 'bad.json' })).rejects.toThrow(
        /inputsFile: .*bad\.json is not valid JSON/,
      );
    } finally {
      await other.stop();
    }
  });

  it('says which input is missing', async () => {
    const program = ws.write('linear.workflow.yaml', LINEAR);
    await expect(launch(client, { ...base(), program })).rejects.toThrow(/missing required input\(s\) topic/);
  });
});
