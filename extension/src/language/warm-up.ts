// A synthetic workflow the check worker checks while idle after it starts, so the JIT has compiled
// the checker's hot paths (YAML, schema, expressions, type flow) before the first big file arrives.
// Every step kind and the usual references, repeated `rounds` times; it checks without errors. Step
// ids start with `tag`: another tag, other step texts (the checker's per-step caches miss).
export function warmUpWorkflow(rounds: number, tag = 'w'): string {
  const lines = [
    'name: warm-up',
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
    `  last: { type: string, value: "\${{ steps.${tag}${rounds - 1}_end.output.text }}" }`,
    'steps:',
  ];
  let prev = '';
  for (let r = 0; r < rounds; r++) {
    const s = (name: string) => `${tag}${r}_${name}`;
    const ref = prev ? `\${{ steps.${prev}.output.text }}` : '${{ inputs.message }}';
    lines.push(
      `  - id: ${s('classify')}`,
      '    kind: llm',
      '    model: fast',
      `    prompt: "Classify ${ref}"`,
      '    output_schema:',
      '      type: object',
      '      properties: { category: { type: string }, score: { type: number } }',
      '      required: [category, score]',
      `  - id: ${s('search')}`,
      '    kind: tool',
      '    tool: search',
      `    args: { query: "\${{ steps.${s('classify')}.output.category }}" }`,
      '    retry: { attempts: 3, backoff: 1s }',
      `  - id: ${s('route')}`,
      '    kind: decision',
      '    branches:',
      `      - when: steps.${s('classify')}.output.category == "sales" && steps.${s('classify')}.output.score > 0.5`,
      `        then: [${s('both')}]`,
      `    otherwise: [${s('each')}]`,
      `  - id: ${s('both')}`,
      '    kind: parallel',
      '    steps:',
      `      - { id: ${s('a')}, kind: llm, model: fast, prompt: "A \${{ steps.${s('search')}.output.body.results }}" }`,
      `      - { id: ${s('b')}, kind: agent, agent: helper, prompt: "B \${{ inputs.message }}" }`,
      `  - id: ${s('each')}`,
      '    kind: map',
      '    items: inputs.documents',
      '    concurrency: 2',
      `    step: { id: ${s('m')}, kind: llm, model: fast, prompt: "Summarize \${{ item }} (\${{ index }})" }`,
      `  - id: ${s('debate')}`,
      '    kind: debate',
      `    topic: "Is \${{ steps.${s('classify')}.output.category }} right?"`,
      '    participants: [{ name: pro, model: fast }, { name: con, model: fast }]',
      '    judge: { model: fast }',
      `  - id: ${s('end')}`,
      '    kind: llm',
      '    model: fast',
      `    needs: [${s('both')}, ${s('each')}, ${s('debate')}]`,
      `    prompt: "Done: \${{ steps.${s('classify')}.output.category }}"`,
    );
    prev = s('end');
  }
  return `${lines.join('\n')}\n`;
}
