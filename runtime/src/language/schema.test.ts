import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { generateWorkflow } from '../../../bench/lib/generate-workflow.js';
import { checkWorkflow } from './check.js';
import { verdictsAgree, workflowSchema } from './schema.js';

const examplesDir = fileURLToPath(new URL('../../../schemas/examples/', import.meta.url));

type Schema = Record<string, unknown>;

function resolve(schema: Schema): Schema {
  const ref = schema.$ref;
  if (typeof ref !== 'string' || !ref.startsWith('#/')) return schema;
  let target: unknown = workflowSchema;
  for (const part of ref.slice(2).split('/')) target = (target as Schema)[part];
  return {
    ...resolve(target as Schema),
    ...Object.fromEntries(Object.entries(schema).filter(([k]) => k !== '$ref')),
  };
}

/** Every property of every schema (if-conditions of the kind discriminator excluded), with its JSON pointer. */
function allProperties(): Array<[string, Schema]> {
  const out: Array<[string, Schema]> = [];
  const walk = (schema: unknown, where: string) => {
    if (!schema || typeof schema !== 'object') return;
    const s = schema as Schema;
    for (const [name, property] of Object.entries((s.properties as Schema) ?? {})) {
      out.push([`${where}/properties/${name}`, property as Schema]);
      walk(property, `${where}/properties/${name}`);
    }
    for (const [name, def] of Object.entries((s.$defs as Schema) ?? {})) walk(def, `${where}/$defs/${name}`);
    for (const key of ['items', 'additionalProperties', 'then', 'else', 'not'])
      walk(s[key], `${where}/${key}`);
    for (const key of ['allOf', 'anyOf', 'oneOf']) {
      if (Array.isArray(s[key]))
        (s[key] as unknown[]).forEach((sub, i) => {
          walk(sub, `${where}/${key}/${i}`);
        });
    }
  };
  walk(workflowSchema, '#');
  return out;
}

describe('workflow.schema.json', () => {
  it('has its $id and draft', () => {
    expect(workflowSchema.$id).toBe('https://weft.dev/schemas/workflow.schema.json');
    expect(workflowSchema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
  });

  it('gives every property a description and examples (the editor shows them)', () => {
    const properties = allProperties();
    expect(properties.length).toBeGreaterThan(80);
    const missing = properties
      .filter(([, property]) => {
        const resolved = resolve(property);
        return (
          typeof resolved.description !== 'string' ||
          !Array.isArray(resolved.examples) ||
          resolved.examples.length === 0
        );
      })
      .map(([where]) => where);
    expect(missing).toEqual([]);
  });

  it('compiles in strict mode and its property examples validate against their property', () => {
    const ajv = new Ajv2020({ strict: true, allErrors: true });
    ajv.addSchema(workflowSchema);
    const failures: string[] = [];
    for (const [where, property] of allProperties()) {
      const validate = ajv.compile({ $ref: `https://weft.dev/schemas/workflow.schema.json${where}` });
      for (const example of (resolve(property).examples as unknown[]) ?? []) {
        if (!validate(example))
          failures.push(`${where}: ${JSON.stringify(example)} ${ajv.errorsText(validate.errors)}`);
      }
    }
    expect(failures).toEqual([]);
  });

  const examples = readdirSync(examplesDir).filter((f) => f.endsWith('.yaml'));
  it('has example workflows', () => expect(examples.length).toBeGreaterThanOrEqual(2));
  for (const file of examples) {
    it(`example ${file} is valid (schema and checker)`, () => {
      const text = readFileSync(path.join(examplesDir, file), 'utf8');
      const ajv = new Ajv2020({ strict: false });
      expect(ajv.validate(workflowSchema, parse(text)), ajv.errorsText(ajv.errors)).toBe(true);
      expect(checkWorkflow(text).diagnostics).toEqual([]);
    });
  }

  describe('the verdict validator (valid or not) agrees with the detailed one', () => {
    const values = [
      ...examples.map((file) => parse(readFileSync(path.join(examplesDir, file), 'utf8'))),
      parse(generateWorkflow(30)),
    ];
    /** Every object and array inside `value`, with the value itself. */
    const containers = (value: unknown, out: unknown[] = []): unknown[] => {
      if (value && typeof value === 'object') {
        out.push(value);
        for (const v of Object.values(value)) containers(v, out);
      }
      return out;
    };
    const edit = fc.record({
      at: fc.nat(),
      key: fc.oneof(
        fc.constantFrom('kind', 'id', 'steps', 'step', 'model', 'prompt', 'needs', 'then', 'type', 'zz'),
        fc.nat({ max: 3 }),
      ),
      value: fc.oneof(
        fc.constantFrom(undefined, 'llm', 'agent', 'tool', 'decision', 'parallel', 'map', 'debate', 'nope'),
        fc.constantFrom('Bad Id', 'x', 'fast', '10s', 'soon', '__proto__', null, [], {}),
        fc.jsonValue({ maxDepth: 2 }),
      ),
    });

    it('on the examples and a generated workflow', () => {
      for (const value of values) expect(verdictsAgree(value)).toBe(true);
    });

    it('on random edits of them', () => {
      fc.assert(
        fc.property(fc.nat(), fc.array(edit, { minLength: 1, maxLength: 4 }), (which, edits) => {
          const value = structuredClone(values[which % values.length]);
          for (const { at, key, value: replacement } of edits) {
            const all = containers(value);
            const target = all[at % all.length] as Record<string | number, unknown>;
            if (replacement === undefined) delete target[key];
            else target[key] = structuredClone(replacement);
          }
          expect(verdictsAgree(value)).toBe(true);
        }),
        { numRuns: 500 },
      );
    });
  });
});
