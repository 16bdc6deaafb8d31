import { describe, expect, it } from 'vitest';
import {
  evaluateCondition,
  evaluateExpression,
  expressionReferences,
  findTemplateExpressions,
  findUnterminatedTemplate,
  parseExpression,
  renderTemplate,
} from './expressions.js';

const scope = {
  inputs: { message: 'hello', count: 3 },
  steps: { classify: { output: { category: 'sales', confidence: 0.9 } } },
};

describe('expressions', () => {
  it('evaluates conditions over inputs and step outputs', () => {
    expect(evaluateCondition('steps.classify.output.category == "sales" && inputs.count > 2', scope)).toBe(
      true,
    );
    expect(evaluateExpression('inputs.count + 1', scope)).toBe(4);
    expect(evaluateExpression('steps.classify.output.confidence * 2.0', scope)).toBeCloseTo(1.8);
  });

  it('reports a non-boolean condition and a missing field clearly', () => {
    expect(() => evaluateCondition('inputs.count', scope)).toThrow(/must be true or false/);
    expect(() => evaluateExpression('steps.classify.output.missing', scope)).toThrow(/No such key: missing/);
  });

  it('gives the offset of a syntax error', () => {
    const result = parseExpression('inputs.count > ');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.start).toBe(15);
  });

  it('lists free references with segment offsets, ignoring macro variables', () => {
    const refs = expressionReferences('inputs.items.map(t, t.name + steps.a.output.x)');
    expect(refs.map((r) => r.path.join('.'))).toEqual(['inputs.items', 'steps.a.output.x']);
    const [, stepRef] = refs;
    expect(stepRef!.segments[1]).toEqual({ start: 35, end: 36 });
  });

  it('renders templates, keeping the type of a lone expression', () => {
    expect(renderTemplate('Hi ${{ inputs.message }} x${{inputs.count}}', scope)).toBe('Hi hello x3');
    expect(renderTemplate('${{ steps.classify.output }}', scope)).toEqual({
      category: 'sales',
      confidence: 0.9,
    });
    expect(renderTemplate({ a: ['${{ inputs.count }}'] }, scope)).toEqual({ a: [3] });
  });

  it('finds template expressions and unterminated ones', () => {
    expect(findTemplateExpressions('a ${{ x.y }} b')).toEqual([{ expression: 'x.y', start: 6, end: 9 }]);
    expect(findUnterminatedTemplate('ok ${{ a }} then ${{ b')).toBe(17);
    expect(findUnterminatedTemplate('ok ${{ a }}')).toBeUndefined();
  });
});
