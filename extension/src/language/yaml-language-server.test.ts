// The schema as Red Hat YAML users get it, with no network: yaml-language-server (the engine of the
// Red Hat YAML extension) loads each sample, follows its modeline to the repository's
// schemas/workflow.schema.json, and validates and hovers with it. Any http(s) fetch fails the test.
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { getLanguageService } from 'yaml-language-server';

const root = new URL('../../../', import.meta.url);
const SCHEMA = new URL('schemas/workflow.schema.json', root).href;
const SAMPLES = ['sales-inquiry', 'research', 'debate', 'http-tool', 'sub-workflow'];

function service() {
  const fetched: string[] = [];
  const ls = getLanguageService({
    schemaRequestService: async (uri) => {
      fetched.push(uri);
      if (!uri.startsWith('file:')) throw new Error(`offline: no network fetch of ${uri}`);
      return readFile(fileURLToPath(uri), 'utf8');
    },
    // as the server resolves a modeline's relative path: against the document's URI
    workspaceContext: { resolveRelativePath: (relative, resource) => new URL(relative, resource).href },
  });
  ls.configure({ validate: true, hover: true, completion: true, yamlVersion: '1.2', customTags: [] });
  return { ls, fetched };
}

function sample(name: string, edit?: (text: string) => string) {
  const file = new URL(`samples/${name}/workflow.yaml`, root);
  const text = readFileSync(file, 'utf8');
  // an edit is a new version (yaml-language-server caches parses by URI and version, as editors bump it)
  return TextDocument.create(file.href, 'yaml', edit ? 2 : 1, edit ? edit(text) : text);
}

describe('the workflow schema in yaml-language-server, offline', () => {
  it.each(SAMPLES)(
    '%s: the modeline resolves to the repository schema and the sample is valid',
    async (name) => {
      const { ls, fetched } = service();
      const doc = sample(name);
      expect(doc.getText().split('\n')[0]).toBe(
        '# yaml-language-server: $schema=../../schemas/workflow.schema.json',
      );
      const diagnostics = await ls.doValidation(doc, false);
      expect(diagnostics.map((d) => d.message)).toEqual([]);
      expect(fetched).toEqual([SCHEMA]);
    },
  );

  it('reports schema errors and shows schema hovers from that file', async () => {
    const { ls, fetched } = service();
    const doc = sample('sales-inquiry', (t) =>
      t.replace('max_tokens: 20000', 'max_tokens: lots').replace('name: sales-inquiry', 'name: 5'),
    );
    const diagnostics = await ls.doValidation(doc, false);
    const messages = diagnostics.map((d) => `${d.range.start.line + 1}: ${d.message}`).join('\n');
    expect(messages).toContain('Incorrect type. Expected "string".');
    expect(messages).toContain('Incorrect type. Expected "integer".');
    const text = doc.getText();
    const at = doc.positionAt(text.indexOf('budget:') + 2);
    const hover = await ls.doHover(doc, at);
    expect(JSON.stringify(hover?.contents)).toMatch(/token|budget/i);
    expect(fetched.every((uri) => uri === SCHEMA)).toBe(true);
  });

  it('the extension contributes the bundled schema to Red Hat YAML', () => {
    const manifest = JSON.parse(readFileSync(new URL('extension/package.json', root), 'utf8'));
    expect(manifest.contributes.yamlValidation).toEqual([
      { fileMatch: ['workflow.yaml', '*.workflow.yaml'], url: './out/workflow.schema.json' },
    ]);
    expect(manifest.activationEvents).toContain('onLanguage:yaml');
    const bundled = new URL('extension/out/workflow.schema.json', root);
    // `npm run build` (before the tests, in scripts/test.sh) copies it; the .vsix ships it
    expect(existsSync(bundled)).toBe(true);
    expect(readFileSync(bundled, 'utf8')).toBe(readFileSync(new URL(SCHEMA), 'utf8'));
    expect(readFileSync(new URL('extension/.vscodeignore', root), 'utf8')).toContain(
      '!out/workflow.schema.json',
    );
  });
});
