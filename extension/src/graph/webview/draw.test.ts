import { describe, expect, it } from 'vitest';
import { checkWorkflow } from '../../language/runtime.js';
import { graphHtml } from '../html.js';
import { graphModel } from '../model.js';
import { graphMarkup, layoutKey, sizeOf, standaloneSvg } from './draw.js';
import { layout } from './layout.js';

const text = [
  'name: t',
  'models: { m: { provider: mock, model: mock-1 } }',
  'steps:',
  '  - { id: a, kind: llm, model: m, prompt: "<b>hi</b>" }',
  '  - id: pick',
  '    kind: decision',
  '    branches: [{ when: "steps.a.output.text == \'<x>\'", then: [b] }]',
  '    otherwise: [c]',
  '  - { id: b, kind: llm, model: m, prompt: x }',
  '  - { id: c, kind: llm, model: m, prompt: y }',
  '',
].join('\n');

describe('graph drawing', () => {
  const model = graphModel(checkWorkflow(text).definition!);
  const laid = layout({
    key: layoutKey(model),
    nodes: model.nodes.map((n) => ({ id: n.id, ...sizeOf(n) })),
    edges: model.edges.map((e) => ({ id: e.id, from: e.from, to: e.to, label: e.label })),
  });

  it('draws every node with its kind, status and an accessible name, escaping what the YAML says', () => {
    const svg = graphMarkup(model, laid, { a: { status: 'failed', text: '✗ 1.20 s · timeout' } }, 'b');
    for (const id of ['a', 'pick', 'b', 'c']) expect(svg).toContain(`data-id="${id}"`);
    expect(svg).toContain('class="node kind-llm status-failed"');
    expect(svg).toContain('class="node kind-llm highlighted"');
    expect(svg).toMatch(/tabindex="0" role="button" aria-label="decision step pick; 1 branch \+ otherwise"/);
    expect(svg).toContain('&#60;x&#62;'); // the branch label, escaped
    expect(svg).not.toContain("'<x>'");
    expect(svg).toContain('class="edge kind-otherwise"');
    expect(svg).not.toMatch(/#[0-9a-f]{6}\b/i); // theme colours only
  });

  it('exports a standalone SVG with the theme variables resolved', () => {
    const out = standaloneSvg(
      graphMarkup(model, laid, undefined, undefined),
      laid.width,
      laid.height,
      (name) =>
        name === '--vscode-editor-background'
          ? '#1e1e1e'
          : name === '--vscode-charts-purple'
            ? '#b180d7'
            : '',
    );
    expect(out).toMatch(/^<\?xml/);
    expect(out).not.toContain('var(--');
    expect(out).toContain('fill:#b180d7');
    expect(out).toContain('<rect width="100%" height="100%" fill="#1e1e1e"/>');
  });

  it('serves the page under a strict CSP: one nonce script, the worker from blob:, no network', () => {
    const html = graphHtml({
      scriptUri: 'vscode-resource:/out/graph/webview.js',
      cspSource: 'vscode-resource:',
      nonce: 'n0nce',
      title: 'T <g>',
    });
    const csp = /content="(default-src 'none';[^"]+)"/.exec(html)?.[1];
    expect(csp).toBe(
      "default-src 'none'; style-src vscode-resource: 'unsafe-inline'; script-src 'nonce-n0nce'; worker-src blob:; img-src vscode-resource: data:;",
    );
    expect(html.match(/<script/g)).toHaveLength(1);
    expect(html).toContain('<script nonce="n0nce" src="vscode-resource:/out/graph/webview.js">');
    expect(html).toContain('T &#60;g&#62;');
    expect(html).not.toContain('connect-src');
  });
});
