// A generated workflow of N steps using every step kind, expressions and type flow: what bench:check checks
// and what the language and extension tests use as a large, valid file.

export function generateWorkflow(steps: number): string {
  const lines = [
    'name: bench',
    'inputs:',
    '  message: { type: string }',
    '  documents: { type: array, items: { type: string } }',
    'models:',
    '  fast: { provider: mock, model: mock-1 }',
    'agents:',
    '  helper: { model: fast, instructions: Help., tools: [search] }',
    'tools:',
    '  search:',
    '    kind: http',
    '    url: "http://127.0.0.1:8080/search?q=${{ args.query }}"',
    '    response_schema: { type: object, properties: { results: { type: array } } }',
    'outputs:',
    `  last: { type: string, value: "\${{ steps.s${steps - 1}.output.text }}" }`,
    'steps:',
  ];
  const classifiers: number[] = [];
  for (let i = 0; i < steps; i++) {
    const prev = i > 0 ? `s${i - 1}` : undefined;
    const ref = prev ? `\${{ steps.${prev}.output }}` : '${{ inputs.message }}';
    const kind = i === steps - 1 ? 0 : i % 7;
    lines.push(`  - id: s${i}`);
    switch (kind) {
      case 0:
        lines.push(
          '    kind: llm',
          '    model: fast',
          `    prompt: "Step ${i}: ${ref} and \${{ inputs.message }}"`,
        );
        break;
      case 1:
        classifiers.push(i);
        lines.push(
          '    kind: llm',
          '    model: fast',
          `    prompt: "Classify ${ref}"`,
          '    output_schema:',
          '      type: object',
          '      properties: { category: { type: string }, score: { type: number } }',
          '      required: [category, score]',
        );
        break;
      case 2:
        lines.push(
          '    kind: tool',
          '    tool: search',
          `    args: { query: "${ref}" }`,
          '    retry: { attempts: 3, backoff: 1s }',
        );
        break;
      case 3:
        lines.push(
          '    kind: decision',
          '    branches:',
          `      - when: steps.s${i - 2}.output.category == "sales" && steps.s${i - 2}.output.score > 0.5`,
          `        then: [s${i + 1}]`,
          `    otherwise: [s${i + 2}]`,
        );
        break;
      case 4:
        lines.push(
          '    kind: parallel',
          '    steps:',
          `      - { id: p${i}a, kind: llm, model: fast, prompt: "A \${{ steps.s${i - 2}.output.body.results }}" }`,
          `      - { id: p${i}b, kind: agent, agent: helper, prompt: "B \${{ inputs.message }}" }`,
        );
        break;
      case 5:
        lines.push(
          '    kind: map',
          '    items: inputs.documents',
          '    concurrency: 2',
          `    step: { id: m${i}, kind: llm, model: fast, prompt: "Summarize \${{ item }} (\${{ index }}) \${{ steps.s${i - 1}.output.p${i - 1}a.text }}" }`,
        );
        break;
      default:
        lines.push(
          '    kind: debate',
          `    topic: "Is \${{ steps.s${i - 1}.output[0].text }} right?"`,
          '    participants: [{ name: pro, model: fast }, { name: con, model: fast }]',
          '    judge: { model: fast }',
        );
    }
  }
  return `${lines.join('\n')}\n`;
}
