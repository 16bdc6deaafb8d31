// The workflow.yaml language: parse and check a workflow, and the types the rest of Weft codes against.

export { type BudgetBound, budgetBound, describeBound, type StepBound } from './budget-bound.js';
export { checkWorkflow } from './check.js';
export * from './expressions.js';
export { parseFast as parseWorkflowFast } from './fast-parse.js';
export { parseWorkflowChunked } from './incremental.js';
export * from './inputs.js';
export { type ParsedWorkflow, parseWorkflowText } from './parse.js';
export { workflowSchema } from './schema.js';
export type { CheckOptions, WorkflowResolver, WorkflowSource } from './semantic/sub-workflows.js';
export { findStep, stepOutputSchema } from './type-flow.js';
export * from './types.js';
