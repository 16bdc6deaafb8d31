import { describe, expect, it } from 'vitest';
import { isWorkflowFile } from './selector.js';

describe('isWorkflowFile', () => {
  it('matches workflow.yaml and *.workflow.yaml by name', () => {
    expect(isWorkflowFile('/a/b/workflow.yaml', '')).toBe(true);
    expect(isWorkflowFile('C:\\x\\triage.workflow.yaml', '')).toBe(true);
    expect(isWorkflowFile('/a/b/workflows.yaml', '')).toBe(false);
  });
  it('matches other YAML files only with the Weft schema modeline on the first line', () => {
    const modeline = '# yaml-language-server: $schema=https://weft.dev/schemas/workflow.schema.json';
    expect(isWorkflowFile('/a/pipeline.yml', modeline)).toBe(true);
    expect(
      isWorkflowFile(
        '/a/pipeline.yaml',
        '# yaml-language-server: $schema=https://json.schemastore.org/x.json',
      ),
    ).toBe(false);
    expect(isWorkflowFile('/a/pipeline.json', modeline)).toBe(false);
    // the samples' relative path, and a copy `weft schema --write` placed in a project
    expect(
      isWorkflowFile('/a/p.yaml', '# yaml-language-server: $schema=../../schemas/workflow.schema.json'),
    ).toBe(true);
    expect(isWorkflowFile('/a/p.yaml', '# yaml-language-server: $schema=./.weft/workflow.schema.json')).toBe(
      true,
    );
  });
});
