import { describe, expect, it } from 'vitest';
import { subWorkflowAt } from './sub-workflow-link.js';

const TEXT = `steps:
  - id: sum
    kind: workflow
    workflow: "./summarize.workflow.yaml" # the child
  - { id: x, kind: llm, model: fast, prompt: "workflow: ./no.yaml" }
`;

describe('subWorkflowAt', () => {
  it('finds the path under the cursor on a workflow: line, quotes and comment left out', () => {
    const at = TEXT.indexOf('summarize');
    const found = subWorkflowAt(TEXT, at);
    expect(found?.ref).toBe('./summarize.workflow.yaml');
    expect(TEXT.slice(found!.start, found!.end)).toBe('./summarize.workflow.yaml');
  });

  it('nothing on the key, on other lines, or inside a prompt', () => {
    expect(subWorkflowAt(TEXT, TEXT.indexOf('workflow:'))).toBeUndefined();
    expect(subWorkflowAt(TEXT, TEXT.indexOf('kind: workflow'))).toBeUndefined();
    expect(subWorkflowAt(TEXT, TEXT.indexOf('./no.yaml'))).toBeUndefined();
  });
});
