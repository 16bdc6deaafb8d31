import { describe, expect, it } from 'vitest';
import { checkWorkflow } from './check.js';
import { compileInputValidator, inputsSchema, mapAjvErrors } from './inputs.js';

describe('input errors (pure)', () => {
  it('maps ajv errors to JSON pointers at the offending value', () => {
    const errors = mapAjvErrors([
      { keyword: 'required', instancePath: '', params: { missingProperty: 'a/b' }, schemaPath: '#' },
      {
        keyword: 'type',
        instancePath: '/n',
        params: { type: 'integer' },
        message: 'must be integer',
        schemaPath: '#',
      },
      {
        keyword: 'additionalProperties',
        instancePath: '',
        params: { additionalProperty: 'x' },
        schemaPath: '#',
      },
      { keyword: 'enum', instancePath: '/c', params: { allowedValues: ['a', 'b'] }, schemaPath: '#' },
    ]);
    expect(errors).toEqual([
      { pointer: '/a~1b', message: 'is required', keyword: 'required' },
      { pointer: '/n', message: 'must be integer', keyword: 'type' },
      { pointer: '/x', message: 'is not an input of this workflow', keyword: 'additionalProperties' },
      { pointer: '/c', message: 'must be one of "a", "b"', keyword: 'enum' },
    ]);
  });
});

describe('compileInputValidator: nested inputs', () => {
  const inputs = {
    items: {
      required: true,
      schema: {
        type: 'array',
        items: {
          type: 'object',
          properties: { name: { type: 'string' }, tags: { type: 'array', items: { enum: ['a', 'b'] } } },
          required: ['name'],
          additionalProperties: false,
        },
      },
    },
    limit: { required: false, default: 3, schema: { type: 'integer', minimum: 1 } },
  };

  it('points at the wrong value deep inside an array of objects', () => {
    const validate = compileInputValidator(inputs);
    const result = validate({ items: [{ name: 'ok' }, { name: 42 }] });
    expect(result).toEqual({
      ok: false,
      errors: [{ pointer: '/items/1/name', message: 'must be string', keyword: 'type' }],
    });
  });

  it('missing, extra and enum problems inside nested objects get their own pointers', () => {
    const validate = compileInputValidator(inputs);
    const result = validate({ items: [{ name: 'a', tags: ['a', 'z'] }, { extra: 'x/y' }], other: 1 });
    expect(result.ok).toBe(false);
    const pointers = result.ok ? [] : result.errors.map((e) => `${e.pointer} ${e.message}`);
    expect(pointers).toEqual(
      expect.arrayContaining([
        '/other is not an input of this workflow',
        '/items/0/tags/1 must be one of "a", "b"',
        '/items/1/name is required',
        '/items/1/extra is not an input of this workflow',
      ]),
    );
    expect(pointers).toHaveLength(4);
  });

  it('applies defaults on a copy and accepts valid nested values', () => {
    const validate = compileInputValidator(inputs);
    const body = { items: [{ name: 'a', tags: ['b'] }] };
    expect(validate(body)).toEqual({ ok: true, inputs: { items: [{ name: 'a', tags: ['b'] }], limit: 3 } });
    expect(body).toEqual({ items: [{ name: 'a', tags: ['b'] }] });
  });

  it('works on inputs declared in workflow.yaml (the path the server and CLI take)', () => {
    const checked = checkWorkflow(`name: nested
inputs:
  people:
    type: array
    items:
      type: object
      properties:
        name: { type: string }
        age: { type: integer }
      required: [name]
models:
  m: { provider: mock, model: mock-1 }
steps:
  - id: s
    kind: llm
    model: m
    prompt: "\${{ inputs.people }}"
`);
    expect(checked.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const validate = compileInputValidator(checked.definition!.inputs);
    expect(inputsSchema(checked.definition!.inputs).required).toEqual(['people']);
    const result = validate({
      people: [
        { name: 'Ada', age: 36 },
        { name: 'Bob', age: 'old' },
      ],
    });
    expect(result.ok ? [] : result.errors.map((e) => e.pointer)).toEqual(['/people/1/age']);
  });
});
