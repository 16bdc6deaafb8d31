// The one place the extension reaches into the runtime's pure language module (bundled by esbuild).
// There is no second parser or checker: everything here is a thin view over this module.

export type {
  CheckResult,
  Diagnostic,
  JsonSchema,
  SourceRange,
  StepSpec,
  WorkflowDefinition,
  WorkflowStep,
} from '../../../runtime/src/language/index.js';
export {
  budgetBound,
  checkWorkflow,
  describeBound,
  expressionReferences,
  findTemplateExpressions,
  // the checker's parses: fast (js-yaml rebuilding yaml's nodes), chunked (cached per top-level key and per
  // step), whole: the index uses them in that order too
  parseWorkflowChunked,
  parseWorkflowFast,
  parseWorkflowText,
  stepOutputSchema,
  workflowSchema,
} from '../../../runtime/src/language/index.js';
export { fileWorkflowResolver } from '../../../runtime/src/workflow-files/resolver.js';
