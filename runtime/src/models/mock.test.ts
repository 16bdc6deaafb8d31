import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { createModelClient } from './index.js';
import { chunkWords } from './mock.js';
import { ModelError, type ModelRequest } from './types.js';

const client = createModelClient({ provider: 'mock', model: 'mock-1', parameters: {} }, { env: {} });
const ajv = new Ajv2020({ strict: false });

const classify = {
  type: 'object',
  properties: {
    category: { type: 'string', enum: ['sales', 'support', 'other'] },
    confidence: { type: 'number', minimum: 0, maximum: 1 },
  },
  required: ['category', 'confidence'],
};

const search = {
  name: 'search',
  description: 'Search',
  parameters: {
    type: 'object',
    properties: { query: { type: 'string' }, limit: { type: 'integer', minimum: 1, maximum: 10 } },
    required: ['query'],
  },
};

describe('mock provider', () => {
  it('replies deterministically to the last user message, with token usage', async () => {
    const request: ModelRequest = {
      system: 'sys',
      messages: [
        { role: 'user', content: 'first' },
        { role: 'assistant', content: 'ok' },
        { role: 'user', content: 'Hi, we would like to buy 40 seats.' },
      ],
    };
    const a = await client.generate(request);
    const b = await client.generate(request);
    expect(a).toEqual(b);
    expect(a.text).toBe('[mock-1] Reply to: Hi, we would like to buy 40 seats.');
    expect(a.toolCalls).toEqual([]);
    expect(a.finishReason).toBe('stop');
    const inputChars =
      'sys'.length + 'first'.length + 'ok'.length + 'Hi, we would like to buy 40 seats.'.length;
    expect(a.usage).toEqual({
      inputTokens: Math.ceil(inputChars / 4),
      outputTokens: Math.ceil(a.text.length / 4),
    });
  });

  it('truncates the echoed message to 80 characters', async () => {
    const response = await client.generate({ messages: [{ role: 'user', content: 'a'.repeat(200) }] });
    expect(response.text).toBe(`[mock-1] Reply to: ${'a'.repeat(80)}`);
  });

  it('returns schema-valid JSON with the enum found in the message', async () => {
    const response = await client.generate({
      messages: [{ role: 'user', content: 'Classify this inquiry: I want to buy seats for the sales team' }],
      outputSchema: classify,
    });
    const value = JSON.parse(response.text);
    expect(ajv.validate(classify, value)).toBe(true);
    expect(value).toEqual({ category: 'sales', confidence: 0.9 });
  });

  it('calls the first tool once with generated args, then answers with the tool result', async () => {
    const messages: ModelRequest['messages'] = [
      { role: 'user', content: 'Find pricing for enterprise plans please' },
    ];
    const first = await client.generate({ messages, tools: [search, { name: 'other', parameters: {} }] });
    expect(first.text).toBe('');
    expect(first.finishReason).toBe('tool-calls');
    expect(first.toolCalls).toHaveLength(1);
    const call = first.toolCalls[0]!;
    expect(call.name).toBe('search');
    expect(call.args.query).toBe('Find pricing for enterprise plans please');
    expect(ajv.validate(search.parameters, call.args)).toBe(true);
    expect(first.usage.outputTokens).toBeGreaterThan(0);

    const second = await client.generate({
      messages: [
        ...messages,
        { role: 'assistant', content: '', toolCalls: first.toolCalls },
        { role: 'tool', toolCallId: call.id, toolName: 'search', content: '{"results":["Enterprise: $99"]}' },
      ],
      tools: [search],
    });
    expect(second.toolCalls).toEqual([]);
    expect(second.text).toContain('{"results":["Enterprise: $99"]}');
  });

  it('streams the text in word chunks that join to the full text', async () => {
    const deltas: string[] = [];
    const response = await client.generate({
      messages: [{ role: 'user', content: 'stream me please' }],
      onTextDelta: (d) => deltas.push(d),
    });
    expect(deltas.length).toBeGreaterThan(2);
    expect(deltas.join('')).toBe(response.text);
    expect(chunkWords('a  b c')).toEqual(['a  ', 'b ', 'c']);
  });

  it('rejects when the signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(
      client.generate({ messages: [{ role: 'user', content: 'x' }], signal: controller.signal }),
    ).rejects.toMatchObject({ code: 'aborted' });
    const timedOut = client.generate({
      messages: [{ role: 'user', content: 'x' }],
      signal: AbortSignal.abort(new DOMException('t', 'TimeoutError')),
    });
    await expect(timedOut).rejects.toBeInstanceOf(ModelError);
    await expect(timedOut).rejects.toMatchObject({ code: 'timeout' });
  });
});
