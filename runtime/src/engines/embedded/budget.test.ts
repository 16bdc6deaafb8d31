// Budget before the call, at the wire: a fake OpenAI-compatible server on 127.0.0.1 counts the calls
// and the max_tokens each one was given, and answers with as many output tokens as it was allowed
// (the worst case). No call may be made that cannot fit, and no run may end above its budget.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { llm, parallel, workflow } from '../../engine/testing/definitions.js';
import type { ModelSpec } from '../../language/types.js';
import { createModelClient } from '../../models/index.js';
import { startFakeOpenAI } from '../../models/testing/fake-openai.js';
import type { FakeServer } from '../../models/testing/fake-server.js';
import { EmbeddedEngine } from './engine.js';

const KEY = 'sk-test-budget';
let fake: FakeServer;
/** The max_tokens of each request received. */
const granted = () => fake.requests.map((r) => r.body.max_tokens as number);

beforeAll(async () => {
  // every reply: 10 input tokens, and all the output tokens it was allowed (at most 500)
  fake = await startFakeOpenAI({
    script: (request) => ({
      text: 'x',
      usage: { inputTokens: 10, outputTokens: Math.min(500, request.body.max_tokens ?? 500) },
      delayMs: 30,
    }),
  });
});
afterAll(() => fake.close());
afterEach(() => {
  fake.requests.length = 0;
});

function engine(): EmbeddedEngine {
  const env = { OPENAI_API_KEY: KEY };
  return new EmbeddedEngine({
    durable: false,
    env,
    modelClientFactory: (spec) => createModelClient(spec, { env, maxRetries: 0 }),
  });
}

const model = (parameters: ModelSpec['parameters'] = {}): Record<string, ModelSpec> => ({
  fast: { provider: 'openai', model: 'gpt-test', baseUrl: fake.url, parameters },
});

describe('budget before the call (fake OpenAI server)', () => {
  it('gives each call max_tokens within what is left and refuses the call that cannot fit', async () => {
    const def = workflow(
      [llm('a', 'one'), llm('b', 'two', { needs: ['a'] }), llm('c', 'three', { needs: ['b'] })],
      {
        models: model(),
        budget: { maxTokens: 60 },
      },
    );
    const record = await engine().start(def, {}).result;
    expect(record.status).toBe('failed');
    expect(record.error?.code).toBe('budget_exceeded');
    // one call made: its max_tokens left room for its (estimated) input; the next was never sent
    expect(fake.requests).toHaveLength(1);
    expect(granted()[0]).toBeGreaterThan(0);
    expect(granted()[0]).toBeLessThanOrEqual(60 - 10);
    expect(record.usage.totalTokens).toBeLessThanOrEqual(60);
    expect(record.steps.find((s) => s.key === 'b')?.error).toMatchObject({
      code: 'budget_exceeded',
      message: expect.stringMatching(
        /call to model fast was refused before it was made: it needs about \d+ input tokens/,
      ),
    });
  });

  it('a model max_output_tokens is kept when the budget leaves more; the run ends within budget', async () => {
    const def = workflow([llm('a', 'one'), llm('b', 'two', { needs: ['a'] })], {
      models: model({ maxOutputTokens: 20 }),
      budget: { maxTokens: 1000 },
    });
    const record = await engine().start(def, {}).result;
    expect(record.status).toBe('succeeded');
    expect(granted()).toEqual([20, 20]);
    expect(record.usage.totalTokens).toBe(60);
  });

  it('calls at once share what is left: a sibling waits for the call holding the budget, then fits the rest', async () => {
    const def = workflow([parallel('p', [llm('x', 'left'), llm('y', 'right')])], {
      models: model({ maxOutputTokens: 80 }),
      budget: { maxTokens: 150 },
    });
    const record = await engine().start(def, {}).result;
    expect(record.status).toBe('succeeded');
    expect(fake.requests).toHaveLength(2);
    const [first, second] = granted();
    expect(first).toBe(80);
    // sent after the first call ended (10 + 80 tokens used): only what was left
    expect(second).toBeLessThan(150 - 90 - 9);
    expect(record.usage.totalTokens).toBeLessThanOrEqual(150);
  });

  it('a cost budget caps max_tokens by price and refuses a call it cannot pay for', async () => {
    const priced: Record<string, ModelSpec> = {
      fast: {
        ...model().fast!,
        pricing: { inputPerMillion: 1_000, outputPerMillion: 10_000 },
      },
    };
    // $0.5 of output at $0.01 a token: at most ~50 output tokens, minus the input's price
    const def = workflow([llm('a', 'one'), llm('b', 'two', { needs: ['a'] })], {
      models: priced,
      budget: { maxTokens: 100_000, maxCostUsd: 0.5 },
    });
    const record = await engine().start(def, {}).result;
    expect(granted()[0]).toBeLessThan(50);
    expect(granted()[0]).toBeGreaterThan(40);
    expect(record.usage.costUsd).toBeLessThanOrEqual(0.5);
    expect(fake.requests).toHaveLength(1);
    expect(record.error?.code).toBe('budget_exceeded');
  });
});
