import { Ajv2020 } from 'ajv/dist/2020.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { JsonSchema } from '../language/types.js';
import { findEnumInMessage, mockValue } from './mock-values.js';

const ajv = new Ajv2020({ strict: false, validateFormats: false });

function expectValid(schema: JsonSchema, value: unknown) {
  const validate = ajv.compile(schema);
  const ok = validate(value);
  expect(ok, JSON.stringify(validate.errors)).toBe(true);
}

const classify: JsonSchema = {
  type: 'object',
  properties: {
    category: { type: 'string', enum: ['sales', 'support', 'other'] },
    confidence: { type: 'number', minimum: 0, maximum: 1 },
  },
  required: ['category', 'confidence'],
};

const rich: JsonSchema = {
  type: 'object',
  properties: {
    title: { type: 'string', minLength: 3, maxLength: 10 },
    count: { type: 'integer', minimum: 2, maximum: 5 },
    ratio: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 },
    big: { type: 'number', minimum: 1000 },
    negative: { type: 'integer', maximum: -10 },
    flag: { type: 'boolean' },
    tags: { type: 'array', items: { type: 'string' }, minItems: 3, uniqueItems: true },
    empty: { type: 'array', items: { type: 'number' }, maxItems: 0 },
    nested: {
      type: 'object',
      properties: { level: { enum: ['low', 'high'] }, note: { type: ['string', 'null'] } },
      required: ['level'],
      additionalProperties: false,
    },
    when: { type: 'string', format: 'date-time' },
    fixed: { const: 'v1' },
    either: { anyOf: [{ type: 'integer', minimum: 1 }, { type: 'string' }] },
    ref: { $ref: '#/$defs/point' },
    both: {
      allOf: [
        { type: 'object', properties: { a: { type: 'string' } }, required: ['a'] },
        { required: ['b'] },
      ],
    },
    pair: { type: 'array', prefixItems: [{ type: 'string' }, { type: 'integer' }], minItems: 2 },
  },
  required: ['title', 'count'],
  additionalProperties: false,
  $defs: {
    point: {
      type: 'object',
      properties: { x: { type: 'number' }, y: { type: 'number' } },
      required: ['x', 'y'],
    },
  },
};

describe('mockValue', () => {
  it('fills every property, required or not, with schema-valid values', () => {
    const value = mockValue(rich, { message: 'Hello, I need a quote' }) as Record<string, unknown>;
    expectValid(rich, value);
    expect(Object.keys(value)).toEqual(Object.keys(rich.properties as object));
    expect(value.fixed).toBe('v1');
    expect(value.empty).toEqual([]);
    expect((value.tags as string[]).length).toBe(3);
    expect(value.when).toBe('2024-01-01T00:00:00Z');
  });

  it('is deterministic', () => {
    const a = mockValue(rich, { message: 'same message' });
    const b = mockValue(rich, { message: 'same message' });
    expect(a).toEqual(b);
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
  });

  it('stays valid for any message (property-based)', () => {
    const validateRich = ajv.compile(rich);
    const validateClassify = ajv.compile(classify);
    fc.assert(
      fc.property(fc.string(), (message) => {
        return (
          validateRich(mockValue(rich, { message })) && validateClassify(mockValue(classify, { message }))
        );
      }),
      { numRuns: 200 },
    );
  });

  it('picks the enum value named in the message and sets confidence to 0.9', () => {
    const value = mockValue(classify, {
      message: 'We want to buy 40 seats for our SALES team, not support.',
    });
    expect(value).toEqual({ category: 'sales', confidence: 0.9 });
  });

  it('falls back to a stable hash pick and a hashed confidence in [0,1] with 2 decimals', () => {
    const message = 'Bonjour, quel est le prix ?';
    const value = mockValue(classify, { message }) as { category: string; confidence: number };
    expect(['sales', 'support', 'other']).toContain(value.category);
    expect(value.confidence).toBeGreaterThanOrEqual(0);
    expect(value.confidence).toBeLessThanOrEqual(1);
    expect(Math.round(value.confidence * 100) / 100).toBe(value.confidence);
    expect(mockValue(classify, { message })).toEqual(value);
  });

  it('keeps confidence within custom bounds', () => {
    const schema = {
      type: 'object',
      properties: {
        label: { enum: ['yes', 'no'] },
        confidence: { type: 'number', minimum: 50, maximum: 60 },
      },
    };
    const found = mockValue(schema, { message: 'yes please' }) as { confidence: number };
    expect(found.confidence).toBeGreaterThanOrEqual(50);
    expect(found.confidence).toBeLessThanOrEqual(60);
    expectValid(schema, found);
  });

  it('uses the message (trimmed to 60 chars) for free-form strings', () => {
    const message = `   ${'x'.repeat(100)}`;
    expect(mockValue({ type: 'string' }, { message })).toBe('x'.repeat(60));
    expect(mockValue({ type: 'string' }, { message: '' })).toBe('mock');
  });
});

describe('findEnumInMessage', () => {
  it('matches whole words only, case-insensitively', () => {
    expect(findEnumInMessage(['sale', 'other'], 'Our salesperson wants OTHER things')).toBe('other');
    expect(findEnumInMessage(['sale'], 'wholesale prices')).toBeUndefined();
  });

  it('prefers the earliest position', () => {
    expect(findEnumInMessage(['support', 'sales'], 'sales first, then support')).toBe('sales');
    expect(findEnumInMessage(['sales', 'support'], 'support first, then sales')).toBe('support');
  });

  it('handles multi-word and punctuated values', () => {
    expect(findEnumInMessage(['not sure', 'no'], 'Hmm, not sure.')).toBe('not sure');
    expect(findEnumInMessage(['c++', 'go'], 'I write C++ daily')).toBe('c++');
  });
});
