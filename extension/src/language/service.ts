// Everything the VS Code adapters use from the language side, as one module. esbuild bundles it
// on its own (out/language.js) and the extension loads it on first use, so activation does not
// pay for evaluating yaml, ajv and the CEL parser.
export {
  analyze,
  findDefinition,
  findReferences,
  outline,
  prepareRename,
  rename,
  symbolAt,
} from './analysis.js';
export { complete } from './completion.js';
export { hover } from './hover.js';
export { checkWorkflow, fileWorkflowResolver } from './runtime.js';
