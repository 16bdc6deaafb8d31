import { describe, expect, it } from 'vitest';
import { checkWorkflow } from './check.js';
import { memoryResolver } from './test-support.js';
import type { Diagnostic } from './types.js';

const CHILD = `name: summarize
inputs:
  text: { type: string }
  sentences: { type: integer, default: 3 }
outputs:
  summary: { type: string, value: "\${{ steps.condense.output.text }}" }
models:
  fast: { provider: mock, model: m }
steps:
  - id: condense
    kind: llm
    model: fast
    prompt: "Summarize: \${{ inputs.text }}"
`;

function parent(step: string, after = ''): string {
  return `name: brief
inputs:
  topic: { type: string }
  count: { type: integer, default: 2 }
outputs:
  out: { type: string, value: "\${{ steps.write.output.text }}" }
models:
  fast: { provider: mock, model: m }
steps:
  - id: draft
    kind: llm
    model: fast
    prompt: "Notes on \${{ inputs.topic }}"
${step}
  - id: write
    kind: llm
    model: fast
    prompt: "${after || 'Brief: ${{ steps.summarize.output.summary }}'}"
`;
}

const STEP = `  - id: summarize
    kind: workflow
    workflow: ./summarize.workflow.yaml
    inputs:
      text: \${{ steps.draft.output.text }}`;

function check(files: Record<string, string>, file = '/w/brief.yaml') {
  return checkWorkflow(files[file]!, { file, resolve: memoryResolver(files) });
}

function errors(diagnostics: Diagnostic[]) {
  return diagnostics.filter((d) => d.severity === 'error');
}

/** The text a diagnostic's range covers. */
function covered(text: string, d: Diagnostic): string {
  return text.slice(d.range.start, d.range.end);
}

describe('kind: workflow (sub-workflows) at edit time', () => {
  it('a valid call checks clean, carries the child definition and orders the step after what it reads', () => {
    const files = { '/w/brief.yaml': parent(STEP), '/w/summarize.workflow.yaml': CHILD };
    const { definition, diagnostics } = check(files);
    expect(errors(diagnostics)).toEqual([]);
    const step = definition!.steps.find((s) => s.id === 'summarize');
    expect(step).toMatchObject({
      kind: 'workflow',
      workflow: './summarize.workflow.yaml',
      file: '/w/summarize.workflow.yaml',
      needs: ['draft'],
    });
    expect(step?.kind === 'workflow' && step.definition?.name).toBe('summarize');
  });

  it('the output type is the child outputs: an unknown field downstream is an error', () => {
    const text = parent(STEP, 'Brief: ${{ steps.summarize.output.sumary }}');
    const { diagnostics } = check({ '/w/brief.yaml': text, '/w/summarize.workflow.yaml': CHILD });
    const d = errors(diagnostics).find((x) => x.code === 'unknown-field');
    expect(d?.message).toContain('`summary`');
    expect(covered(text, d!)).toBe('sumary');
  });

  it('a missing file is reported on the `workflow:` value', () => {
    const text = parent(STEP.replace('./summarize', './nope'));
    const [d, ...rest] = errors(check({ '/w/brief.yaml': text }).diagnostics);
    expect(rest).toEqual([]);
    expect(d).toMatchObject({ code: 'workflow-not-found' });
    expect(d!.message).toContain('./nope.workflow.yaml');
    expect(covered(text, d!)).toBe('./nope.workflow.yaml');
  });

  it("a child with errors: its file, line and column and the first error, on the parent's step", () => {
    const broken = CHILD.replace('model: fast\n    prompt', 'model: slow\n    prompt');
    const text = parent(STEP);
    const [d] = errors(check({ '/w/brief.yaml': text, '/w/summarize.workflow.yaml': broken }).diagnostics);
    expect(d).toMatchObject({ code: 'workflow-invalid' });
    expect(d!.message).toMatch(/^summarize\.workflow\.yaml:12:12 has 1 error: unknown model `slow`/);
    expect(covered(text, d!)).toBe('./summarize.workflow.yaml');
  });

  it('a cycle of files is an error naming the chain', () => {
    const a = parent(STEP.replace('./summarize.workflow.yaml', './b.yaml'));
    const b = `name: b
models:
  fast: { provider: mock, model: m }
steps:
  - id: back
    kind: workflow
    workflow: ../w/brief.yaml
    inputs: { topic: x }
`;
    const [d] = errors(check({ '/w/brief.yaml': a, '/w/b.yaml': b }).diagnostics);
    expect(d).toMatchObject({ code: 'workflow-cycle' });
    expect(d!.message).toContain('brief.yaml -> b.yaml -> brief.yaml');
    const self = parent(STEP.replace('./summarize.workflow.yaml', './brief.yaml'));
    const [s] = errors(check({ '/w/brief.yaml': self }).diagnostics);
    expect(s).toMatchObject({
      code: 'workflow-cycle',
      message: expect.stringContaining('brief.yaml -> brief.yaml'),
    });
  });

  it('inputs: an unknown name, a missing required one and a wrong type', () => {
    const step = `  - id: summarize
    kind: workflow
    workflow: ./summarize.workflow.yaml
    inputs:
      txt: \${{ steps.draft.output.text }}
      sentences: "\${{ inputs.topic }}"`;
    const text = parent(step);
    const found = errors(check({ '/w/brief.yaml': text, '/w/summarize.workflow.yaml': CHILD }).diagnostics);
    const byCode = Object.fromEntries(found.map((d) => [d.code, d]));
    expect(Object.keys(byCode).sort()).toEqual(['input-type', 'missing-input', 'unknown-input']);
    expect(byCode['unknown-input']!.message).toContain('did you mean `text`');
    expect(covered(text, byCode['unknown-input']!)).toBe('txt');
    expect(byCode['missing-input']!.message).toContain('`text`');
    expect(byCode['input-type']!.message).toContain('"integer"');
    expect(covered(text, byCode['input-type']!)).toBe('"${{ inputs.topic }}"');
  });

  it('types that fit: an integer input from an integer input or a literal; text around an expression is a string', () => {
    const step = `  - id: summarize
    kind: workflow
    workflow: ./summarize.workflow.yaml
    inputs:
      text: "about \${{ inputs.count }}"
      sentences: \${{ inputs.count }}`;
    const files = { '/w/brief.yaml': parent(step), '/w/summarize.workflow.yaml': CHILD };
    expect(errors(check(files).diagnostics)).toEqual([]);
    const literal = step
      .replace('${{ inputs.count }}`', '4`')
      .replace('sentences: ${{ inputs.count }}', 'sentences: 4');
    expect(errors(check({ ...files, '/w/brief.yaml': parent(literal) }).diagnostics)).toEqual([]);
  });

  it('an edit of the child is seen by the next check of the parent (the child cache is validated)', () => {
    const files: Record<string, string> = {
      '/w/brief.yaml': parent(STEP),
      '/w/summarize.workflow.yaml': CHILD,
    };
    expect(errors(check(files).diagnostics)).toEqual([]);
    files['/w/summarize.workflow.yaml'] = CHILD.replace('summary:', 'digest:');
    const found = errors(check(files).diagnostics);
    expect(found.map((d) => d.code)).toEqual(['unknown-field']);
  });

  it('without a resolver the step is accepted unchecked and carries no child', () => {
    const { definition, diagnostics } = checkWorkflow(parent(STEP));
    expect(errors(diagnostics)).toEqual([]);
    const step = definition!.steps.find((s) => s.id === 'summarize');
    expect(step?.kind === 'workflow' && step.definition).toBeUndefined();
  });

  it('the schema refuses a step without `workflow` and unknown keys', () => {
    const step = `  - id: summarize
    kind: workflow
    input: {}`;
    const found = errors(checkWorkflow(parent(step)).diagnostics);
    expect(found.some((d) => d.code === 'schema' && /workflow/.test(d.message))).toBe(true);
    expect(found.some((d) => d.code === 'schema' && /input/.test(d.message))).toBe(true);
  });
});
