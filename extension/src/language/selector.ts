// Which YAML files are Weft workflows: `workflow.yaml`, `*.workflow.yaml`, or any YAML file whose
// first line is the yaml-language-server modeline pointing at the Weft schema, wherever it lives
// (`../../schemas/workflow.schema.json`, a path `weft schema --write` chose, or a URL). Pure.
const MODELINE = /^#\s*yaml-language-server:\s*\$schema=\S*workflow\.schema\.json\s*$/;

export const WORKFLOW_GLOBS = ['**/workflow.yaml', '**/*.workflow.yaml'] as const;

export function isWorkflowFile(fileName: string, firstLine: string): boolean {
  const base = fileName.replace(/\\/g, '/').split('/').pop() ?? '';
  if (base === 'workflow.yaml' || base.endsWith('.workflow.yaml')) return true;
  return /\.ya?ml$/i.test(base) && MODELINE.test(firstLine.replace(/^\uFEFF/, ''));
}
