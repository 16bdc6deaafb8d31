import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { lastUserText, scriptedModel } from '../../engine/testing/clients.js';
import { branch, decision, llm, map, parallel, tool, workflow } from '../../engine/testing/definitions.js';
import type { AgentStep, DebateStep, WorkflowDefinition } from '../../language/types.js';
import { EmbeddedEngine, type RunEvent } from './index.js';

let dataDir: string;
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'weft-engine-'));
});
afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

let server: Server;
let toolBase: string;
const toolRequests: Array<{ url: string; headers: IncomingHttpHeaders }> = [];
beforeAll(async () => {
  server = createServer((req, res) => {
    toolRequests.push({ url: req.url!, headers: req.headers });
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({ results: [`result for ${new URL(req.url!, 'http://x').searchParams.get('q')}`] }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  toolBase = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const SECRET = 'sk-live-very-secret-value';

function salesWorkflow(): WorkflowDefinition {
  return workflow(
    [
      llm('classify', 'Classify: ${{ inputs.message }}', {
        outputSchema: {
          type: 'object',
          properties: { category: { type: 'string', enum: ['sales', 'support'] } },
          required: ['category'],
        },
      }),
      decision('route', [branch('steps.classify.output.category == "sales"', ['sales'])], ['support']),
      llm('sales', 'Sales reply to ${{ inputs.message }}'),
      llm('support', 'Support reply to ${{ inputs.message }}'),
    ],
    {
      inputs: { message: { schema: { type: 'string' }, required: true } },
      outputs: {
        route: { schema: {}, value: '${{ steps.route.output.branch }}' },
        reply: {
          schema: {},
          value: '${{ steps.sales.output != null ? steps.sales.output.text : steps.support.output.text }}',
        },
      },
      models: {
        fast: {
          provider: 'mock',
          model: 'mock-1',
          parameters: {},
          pricing: { inputPerMillion: 1, outputPerMillion: 2 },
        },
      },
    },
  );
}

describe('EmbeddedEngine', () => {
  it('runs a workflow with the mock model, journals it durably, and reports record, trace and summaries', async () => {
    const engine = new EmbeddedEngine({ dataDir, env: {} });
    const handle = engine.start(
      salesWorkflow(),
      { message: 'We want to buy 40 sales seats' },
      { runId: 'run-1' },
    );
    const seen: RunEvent[] = [];
    handle.onEvent((e) => seen.push(e));
    const record = await handle.result;
    expect(record.status).toBe('succeeded');
    expect(record.outputs?.route).toBe('0');
    expect(String(record.outputs?.reply)).toContain('Sales reply to');
    expect(record.usage.totalTokens).toBeGreaterThan(0);
    expect(record.usage.costUsd).toBeGreaterThan(0);
    expect(record.steps.find((s) => s.key === 'support')).toMatchObject({
      status: 'skipped',
      skipReason: 'branch_not_taken',
    });

    const lines = (await readFile(join(dataDir, 'runs', 'run-1', 'journal.jsonl'), 'utf8'))
      .trim()
      .split('\n');
    expect(lines.length).toBe(seen.length);
    expect(JSON.parse(lines[0]!)).toMatchObject({ seq: 1, crc: expect.stringMatching(/^[0-9a-f]{8}$/) });
    expect(seen.map((e) => e.type)).toContain('run_completed');
    expect(seen.every((e, i) => e.seq === i + 1 && typeof e.at === 'string')).toBe(true);

    const run = record.trace.find((s) => s.kind === 'run')!;
    expect(run.traceId).toMatch(/^[0-9a-f]{32}$/);
    const calls = record.trace.filter((s) => s.kind === 'model_call');
    expect(calls).toHaveLength(2);
    expect(calls[0]!.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'mock',
      'gen_ai.request.model': 'mock-1',
    });
    expect(calls[0]!.attributes['gen_ai.usage.input_tokens']).toBeGreaterThan(0);
    expect(calls[0]!.attributes['weft.cost_usd']).toBeGreaterThan(0);
    const classifySpan = record.trace.find((s) => s.name === 'step classify')!;
    expect(calls[0]!.parentSpanId).toBe(classifySpan.spanId);
    expect(classifySpan.parentSpanId).toBe(run.spanId);

    const again = await new EmbeddedEngine({ dataDir, env: {} }).getRun('run-1');
    expect(again).toEqual(record);
    expect(await engine.listRuns()).toEqual([
      expect.objectContaining({ runId: 'run-1', status: 'succeeded' }),
    ]);
    expect(await engine.incompleteRuns()).toEqual([]);
    expect(existsSync(join(dataDir, 'runs', 'run-1', 'lock'))).toBe(false);
  });

  it('WEFT_JOURNAL_SYNC=batch: the same journal on disk when the run returns; unknown modes refused', async () => {
    const engine = new EmbeddedEngine({ dataDir, env: { WEFT_JOURNAL_SYNC: 'batch' } });
    expect((engine.store as { sync?: string }).sync).toBe('batch');
    const record = await engine.start(salesWorkflow(), { message: 'buy seats' }, { runId: 'run-b' }).result;
    expect(record.status).toBe('succeeded');
    const again = await new EmbeddedEngine({ dataDir, env: {} }).getRun('run-b');
    expect(again).toEqual(record);
    expect(() => new EmbeddedEngine({ dataDir, env: { WEFT_JOURNAL_SYNC: 'sometimes' } })).toThrow(
      /WEFT_JOURNAL_SYNC/,
    );
  });

  it('calls HTTP tools; an env key used in a header reaches the server but never the journal or trace', async () => {
    const def = workflow([tool('search', 'search', { query: '${{ inputs.q }}' })], {
      tools: {
        search: {
          kind: 'http',
          method: 'GET',
          url: `${toolBase}/search?q=\${{ args.query }}`,
          headers: { Authorization: 'Bearer ${{ env.SEARCH_API_KEY }}' },
          timeoutMs: 2000,
        },
      },
      outputs: { first: { schema: {}, value: '${{ steps.search.output.body.results[0] }}' } },
    });
    const engine = new EmbeddedEngine({ dataDir, env: { SEARCH_API_KEY: SECRET } });
    const record = await engine.start(def, { q: 'weft' }, { runId: 'tool-run' }).result;
    expect(record.outputs).toEqual({ first: 'result for weft' });
    expect(toolRequests.at(-1)!.headers.authorization).toBe(`Bearer ${SECRET}`);
    const journal = await readFile(join(dataDir, 'runs', 'tool-run', 'journal.jsonl'), 'utf8');
    expect(journal).not.toContain(SECRET);
    expect(JSON.stringify(record)).not.toContain(SECRET);
  });

  it('re-asks the model with the validation error until the reply matches the output schema', async () => {
    const model = scriptedModel((_r, _m, i) => ({
      text: i === 0 ? 'not json' : i === 1 ? '{"n":"x"}' : '{"n": 3}',
    }));
    const def = workflow(
      [
        llm('a', 'give n', {
          outputSchema: { type: 'object', properties: { n: { type: 'number' } }, required: ['n'] },
        }),
      ],
      {
        outputs: { n: { schema: {}, value: '${{ steps.a.output.n }}' } },
      },
    );
    const engine = new EmbeddedEngine({ dataDir, env: {}, modelClientFactory: model.factory });
    const record = await engine.start(def, {}).result;
    expect(record.outputs).toEqual({ n: 3 });
    expect(model.requests).toHaveLength(3);
    expect(lastUserText(model.requests[1]!.request)).toContain('not JSON');
    expect(lastUserText(model.requests[2]!.request)).toContain('/n must be number');

    const never = scriptedModel(() => ({ text: 'nope' }));
    const failing = new EmbeddedEngine({ dataDir, env: {}, modelClientFactory: never.factory });
    const failed = await failing.start(
      workflow([{ ...def.steps[0]!, retry: { attempts: 2, backoffMs: 0, factor: 1 } }]),
      {},
    ).result;
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatchObject({ code: 'step_failed', step: 'a' });
    expect(failed.error?.message).toContain('after 2 asks');
    expect(never.requests).toHaveLength(2);
  });

  it('runs the agent loop through HTTP tools and stops at max_iterations', async () => {
    const agentStep: AgentStep = {
      id: 'research',
      kind: 'agent',
      needs: [],
      agent: 'researcher',
      prompt: 'find ${{ inputs.q }}',
    };
    const def = (maxIterations: number) =>
      workflow([agentStep], {
        agents: {
          researcher: { model: 'fast', instructions: 'You research.', tools: ['search'], maxIterations },
        },
        tools: {
          search: {
            kind: 'http',
            method: 'GET',
            url: `${toolBase}/search?q=\${{ args.query }}`,
            headers: {},
            timeoutMs: 2000,
            argsSchema: { type: 'object', properties: { query: { type: 'string' } } },
          },
        },
        outputs: { text: { schema: {}, value: '${{ steps.research.output.text }}' } },
      });
    const model = scriptedModel((request) =>
      request.messages.some((m) => m.role === 'tool')
        ? { text: `done: ${(request.messages.at(-1) as { content: string }).content}` }
        : { toolCalls: [{ id: 'c1', name: 'search', args: { query: 'looms' } }] },
    );
    const engine = new EmbeddedEngine({ dataDir, env: {}, modelClientFactory: model.factory });
    const record = await engine.start(def(3), { q: 'looms' }).result;
    expect(record.outputs?.text).toContain('result for looms');
    expect(model.requests[0]!.request.tools?.[0]?.name).toBe('search');
    const loop = scriptedModel(() => ({
      toolCalls: [{ id: 'c', name: 'search', args: { query: 'again' } }],
    }));
    const stuck = await new EmbeddedEngine({ dataDir, env: {}, modelClientFactory: loop.factory }).start(
      def(2),
      { q: 'x' },
    ).result;
    expect(stuck.error?.message).toContain('max_iterations (2)');
    expect(loop.requests).toHaveLength(2);
  });

  it('never runs more map children at once than concurrency', async () => {
    const model = scriptedModel(() => ({ text: 'ok', delayMs: 30 }));
    const def = workflow([map('each', 'inputs.items', llm('one', '${{ item }}'), 2)], {
      outputs: { n: { schema: {}, value: '${{ size(steps.each.output) }}' } },
    });
    const engine = new EmbeddedEngine({ dataDir, env: {}, modelClientFactory: model.factory });
    const record = await engine.start(def, { items: [1, 2, 3, 4, 5, 6, 7] }).result;
    expect(record.outputs).toEqual({ n: 7 });
    expect(model.maxInFlight()).toBe(2);
  });

  it('runs parallel children at the same time', async () => {
    const model = scriptedModel(() => ({ text: 'ok', delayMs: 50 }));
    const def = workflow([parallel('p', [llm('a', 'a'), llm('b', 'b'), llm('c', 'c')])]);
    await new EmbeddedEngine({ dataDir, env: {}, modelClientFactory: model.factory }).start(def, {}).result;
    expect(model.maxInFlight()).toBe(3);
  });

  it('aborts a step at its timeout and retries it', async () => {
    const model = scriptedModel(() => ({ text: 'late', delayMs: 5000 }));
    const def = workflow([
      llm('slow', 'x', { timeoutMs: 100, retry: { attempts: 2, backoffMs: 10, factor: 1 } }),
    ]);
    const started = Date.now();
    const record = await new EmbeddedEngine({ dataDir, env: {}, modelClientFactory: model.factory }).start(
      def,
      {},
    ).result;
    expect(Date.now() - started).toBeLessThan(2000);
    expect(record.error?.message).toContain('timed out after 100ms');
    expect(record.steps[0]).toMatchObject({ status: 'failed', attempts: 2, error: { code: 'timeout' } });
  });

  it('the budget breaker aborts an in-flight call the moment usage crosses the budget', async () => {
    // a provider that ignores max_tokens (each call is granted 100 output tokens; `big` spends 1100)
    const model = scriptedModel((request) =>
      lastUserText(request) === 'big'
        ? { text: 'big', inputTokens: 900, outputTokens: 200, delayMs: 20 }
        : { text: 'slow', delayMs: 10_000 },
    );
    const def = workflow([parallel('p', [llm('big', 'big'), llm('slow', 'slow')])], {
      models: { fast: { provider: 'mock', model: 'mock-1', parameters: { maxOutputTokens: 100 } } },
      budget: { maxTokens: 1000 },
    });
    const started = Date.now();
    const record = await new EmbeddedEngine({ dataDir, env: {}, modelClientFactory: model.factory }).start(
      def,
      {},
    ).result;
    expect(Date.now() - started).toBeLessThan(3000);
    expect(model.aborted()).toBe(1);
    expect(record.status).toBe('failed');
    expect(record.error?.code).toBe('budget_exceeded');
    expect(record.usage.totalTokens).toBe(1100);
  });

  it('cancels a running run, stopping its in-flight call', async () => {
    const model = scriptedModel(() => ({ text: 'slow', delayMs: 10_000 }));
    const engine = new EmbeddedEngine({ dataDir, env: {}, modelClientFactory: model.factory });
    const handle = engine.start(workflow([llm('a', 'x'), llm('b', '${{ steps.a.output.text }}')]), {});
    await new Promise((r) => setTimeout(r, 50));
    await engine.cancel(handle.runId, 'user asked');
    const record = await handle.result;
    expect(record.status).toBe('cancelled');
    expect(model.aborted()).toBe(1);
    const immediate = engine.start(workflow([llm('a', 'x')]), {});
    await engine.cancel(immediate.runId);
    expect((await immediate.result).status).toBe('cancelled');
    const controller = new AbortController();
    const viaSignal = engine.start(workflow([llm('a', 'x')]), {}, { signal: controller.signal });
    setTimeout(() => controller.abort(), 30);
    expect((await viaSignal.result).status).toBe('cancelled');
  });

  it('persists debate Elo ratings across runs', async () => {
    const debate: DebateStep = {
      id: 'debate',
      kind: 'debate',
      needs: [],
      topic: 'Tabs or spaces?',
      participants: [
        { name: 'tabs', model: 'fast', stance: 'tabs' },
        { name: 'spaces', model: 'fast', stance: 'spaces' },
      ],
      rounds: 2,
      judge: { model: 'fast' },
      kFactor: 32,
    };
    const model = scriptedModel((request) => {
      const text = lastUserText(request);
      if (text.startsWith('Judge'))
        return { text: JSON.stringify({ scores: { tabs: 4, spaces: 8 }, winner: 'spaces' }) };
      return { text: JSON.stringify({ claims: [{ text: 'a claim', confidence: 0.7 }] }) };
    });
    const def = workflow([debate], { name: 'debates' });
    const engine = new EmbeddedEngine({ dataDir, env: {}, modelClientFactory: model.factory });
    const first = await engine.start(def, {}).result;
    const output = first.steps[0]!.output as {
      winner: string;
      ratings: Record<string, number>;
      transcript: unknown[];
    };
    expect(output.winner).toBe('spaces');
    expect(output.ratings).toEqual({ tabs: 1484, spaces: 1516 });
    expect(output.transcript).toHaveLength(4);
    const second = await new EmbeddedEngine({ dataDir, env: {}, modelClientFactory: model.factory }).start(
      def,
      {},
    ).result;
    const ratings = (second.steps[0]!.output as { ratings: Record<string, number> }).ratings;
    expect(ratings.spaces).toBeGreaterThan(1516);
    const file = JSON.parse(await readFile(join(dataDir, 'ratings.json'), 'utf8'));
    expect(file.namespaces.debates.ratings).toEqual(ratings);
    // The mock provider produces schema-valid claims and verdicts on its own.
    const mock = await new EmbeddedEngine({ dataDir, env: {} }).start(def, {}).result;
    expect(mock.status).toBe('succeeded');
  });

  it('a debate whose judge names a winner its scores contradict: winner and ratings agree', async () => {
    const debate: DebateStep = {
      id: 'debate',
      kind: 'debate',
      needs: [],
      topic: 'Yes or no?',
      participants: [
        { name: 'optimist', model: 'fast' },
        { name: 'skeptic', model: 'fast' },
      ],
      rounds: 1,
      judge: { model: 'fast' },
      kFactor: 24,
    };
    const model = scriptedModel((request) =>
      lastUserText(request).startsWith('Judge')
        ? { text: JSON.stringify({ scores: { optimist: 3, skeptic: 9 }, winner: 'optimist' }) }
        : { text: JSON.stringify({ claims: [{ text: 'a claim', confidence: 0.5 }] }) },
    );
    const engine = new EmbeddedEngine({ dataDir, env: {}, modelClientFactory: model.factory });
    const record = await engine.start(workflow([debate], { name: 'contradicting-judge' }), {}).result;
    const output = record.steps[0]!.output as { winner: string; ratings: Record<string, number> };
    expect(output.winner).toBe('skeptic');
    expect(output.ratings).toEqual({ optimist: 1488, skeptic: 1512 });
  });

  it('hands the run its model text deltas tagged with the step key and model; none are journaled', async () => {
    const engine = new EmbeddedEngine({ dataDir, durable: false, env: {} });
    const deltas: Array<{ stepKey: string; text: string; model: string }> = [];
    const record = await engine.start(
      salesWorkflow(),
      { message: 'We want to buy 40 sales seats' },
      { onTextDelta: (stepKey, text, model) => deltas.push({ stepKey, text, model }) },
    ).result;
    expect(record.status).toBe('succeeded');
    expect(new Set(deltas.map((d) => d.stepKey))).toEqual(new Set(['classify', 'sales']));
    expect(new Set(deltas.map((d) => d.model))).toEqual(new Set(['mock-1']));
    const salesText = deltas
      .filter((d) => d.stepKey === 'sales')
      .map((d) => d.text)
      .join('');
    expect(salesText).toBe(record.outputs?.reply);
    const journal = (await engine.store.read(record.runId))?.events ?? [];
    expect(JSON.stringify(journal)).not.toContain('delta');
  });

  it('in-memory mode runs the same interpreter and writes nothing', async () => {
    const memDir = join(dataDir, 'mem');
    const engine = new EmbeddedEngine({ dataDir: memDir, durable: false, env: {} });
    const handle = engine.start(salesWorkflow(), { message: 'support please, it is broken' });
    const events: string[] = [];
    for await (const event of handle.events()) events.push(event.type);
    const record = await handle.result;
    expect(record.outputs?.route).toBe('otherwise');
    expect(events.at(-1)).toBe('run_completed');
    expect(existsSync(memDir)).toBe(false);
    expect((await engine.getRun(handle.runId))?.status).toBe('succeeded');
  });

  it('resume re-executes only the step that was started but not finished', async () => {
    const model = scriptedModel((request) => ({ text: `re:${lastUserText(request)}` }));
    const def = workflow(
      [llm('a', 'one'), llm('b', '${{ steps.a.output.text }}'), llm('c', '${{ steps.b.output.text }}')],
      {
        outputs: { c: { schema: {}, value: '${{ steps.c.output.text }}' } },
      },
    );
    const engine = new EmbeddedEngine({ dataDir, env: {}, modelClientFactory: model.factory });
    await engine.start(def, {}, { runId: 'crashy' }).result;
    // Cut the journal back to just after step b was started, as if the process died during b.
    const file = join(dataDir, 'runs', 'crashy', 'journal.jsonl');
    const lines = (await readFile(file, 'utf8')).split('\n');
    const cut = lines.findIndex((l) => l.includes('"step_started"') && l.includes('"key":"b"'));
    await writeFile(file, `${lines.slice(0, cut + 1).join('\n')}\n`);
    expect(await engine.incompleteRuns()).toEqual(['crashy']);
    model.requests.length = 0;
    const record = await engine.resume('crashy').result;
    expect(record.outputs).toEqual({ c: 're:re:re:one' });
    expect(model.requests.map((r) => lastUserText(r.request))).toEqual(['re:one', 're:re:one']);
    expect(record.steps.find((s) => s.key === 'b')?.attempts).toBe(1);
  });

  it('reports a corrupt journal with file and line and refuses to resume; repairs a torn last line', async () => {
    const model = scriptedModel(() => ({ text: 'ok' }));
    const def = workflow([llm('a', 'x'), llm('b', '${{ steps.a.output.text }}')]);
    const engine = new EmbeddedEngine({ dataDir, env: {}, modelClientFactory: model.factory });
    await engine.start(def, {}, { runId: 'bad' }).result;
    const file = join(dataDir, 'runs', 'bad', 'journal.jsonl');
    const lines = (await readFile(file, 'utf8')).split('\n');
    expect(lines[2]).toContain('"key":"a"');
    lines[2] = lines[2]!.replace('"key":"a"', '"key":"z"');
    await writeFile(file, lines.join('\n'));
    const record = await engine.getRun('bad');
    expect(record?.needsAttention).toMatchObject({ file, line: 3 });
    expect(record?.needsAttention?.message).toContain('checksum');
    expect(record?.needsAttention?.message).toContain('delete line 3');
    expect((await engine.listRuns())[0]).toMatchObject({ runId: 'bad', needsAttention: true });
    expect(await engine.incompleteRuns()).toEqual([]);
    await expect(engine.resume('bad').result).rejects.toMatchObject({
      name: 'JournalCorruptError',
      file,
      line: 3,
    });

    // A torn final line (crash mid-write): reported, set aside, and the run continues.
    await engine.start(def, {}, { runId: 'torn' }).result;
    const tornFile = join(dataDir, 'runs', 'torn', 'journal.jsonl');
    const tornLines = (await readFile(tornFile, 'utf8')).split('\n');
    const cut = tornLines.findIndex((l) => l.includes('"step_completed"') && l.includes('"key":"b"'));
    await writeFile(tornFile, `${tornLines.slice(0, cut).join('\n')}\n${tornLines[cut]!.slice(0, 25)}`);
    expect((await engine.getRun('torn'))?.warnings[0]).toContain('incomplete');
    const resumed = await engine.resume('torn').result;
    expect(resumed.status).toBe('succeeded');
    expect(resumed.warnings.join('\n')).toMatch(/incomplete.*moved to .*torn-/);
    expect((await engine.getRun('torn'))?.warnings.length).toBe(1);
  });
});
