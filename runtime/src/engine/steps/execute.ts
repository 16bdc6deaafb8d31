// Runs one execute command: the step's timeout, its model calls and tool calls, and the mapping of
// whatever went wrong to a step error with what the step had spent.

import { findStep } from '../../language/type-flow.js';
import { callHttpTool } from '../../tools/http.js';
import type { ExecuteCommand } from '../commands.js';
import { runAgent } from './agent.js';
import type { ChildRun, StepContext, StepResult } from './context.js';
import { runDebate } from './debate.js';
import { StepError } from './errors.js';
import { runLlm } from './llm.js';
import { modelCaller } from './model-call.js';

export async function executeStep(command: ExecuteCommand, ctx: StepContext): Promise<StepResult> {
  const timeout = command.timeoutMs !== undefined ? AbortSignal.timeout(command.timeoutMs) : undefined;
  const signal = timeout ? AbortSignal.any([ctx.signal, timeout]) : ctx.signal;
  // agent and debate steps read the context with the step's signal; llm and tool steps need no copy
  const stepCtx = (): StepContext => (signal === ctx.signal ? ctx : { ...ctx, signal });
  const onDelta = ctx.onTextDelta;
  const caller = modelCaller({
    models: ctx.definition.models,
    client: ctx.model,
    meter: ctx.meter,
    signal,
    ...(onDelta ? { onTextDelta: (text: string, model: string) => onDelta(command.key, text, model) } : {}),
  });
  const { request } = command;
  if (request.kind === 'workflow')
    return runSubWorkflow(command as ExecuteCommand & { request: typeof request }, ctx, signal, timeout);
  try {
    let output: StepResult['output'];
    switch (request.kind) {
      case 'llm':
        output = await runLlm(request, caller);
        break;
      case 'agent':
        output = await runAgent(request, caller, stepCtx());
        break;
      case 'tool': {
        const tool = ctx.definition.tools[request.tool];
        if (!tool)
          throw new StepError('unknown_tool', `tool ${request.tool} is not declared in tools`, false);
        output = (await callHttpTool(request.tool, tool, request.args, {
          inputs: ctx.inputs,
          env: ctx.env,
          signal,
          ...(ctx.fetch ? { fetch: ctx.fetch } : {}),
        })) as unknown as StepResult['output'];
        break;
      }
      case 'debate':
        output = await runDebate(request, caller, stepCtx(), command.key);
        break;
    }
    return { output, usage: caller.usage, calls: caller.calls };
  } catch (error) {
    const failure = classify(error, ctx, timeout, command);
    failure.usage = caller.usage;
    failure.calls = caller.calls;
    throw failure;
  }
}

/** A sub-workflow step: the engine runs the child (ctx.runWorkflow); its usage and calls become the step's. */
async function runSubWorkflow(
  command: ChildRun['command'],
  ctx: StepContext,
  signal: AbortSignal,
  timeout: AbortSignal | undefined,
): Promise<StepResult> {
  const spec = findStep(ctx.definition, command.stepId);
  if (spec?.kind !== 'workflow' || !spec.definition) {
    throw new StepError(
      'workflow_unresolved',
      `step ${command.key}: the sub-workflow ${command.request.workflow} was not resolved when this workflow was loaded; load it from its file (weft run FILE, or the server's workflows folder) so its children are read and checked`,
      false,
    );
  }
  if (!ctx.runWorkflow) {
    throw new StepError('unsupported', `step ${command.key}: this driver cannot run sub-workflows`, false);
  }
  try {
    return await ctx.runWorkflow({
      command,
      definition: spec.definition,
      ...(spec.file !== undefined ? { file: spec.file } : {}),
      signal,
    });
  } catch (error) {
    // the step's timeout cancelled the child: a timeout (retryable), with what the child spent
    if (!timeout?.aborted || ctx.signal.aborted) throw error;
    const timedOut = new StepError('timeout', `step ${command.key} timed out after ${command.timeoutMs}ms`);
    const { usage, calls, childRunId } = error as { usage?: never; calls?: never; childRunId?: string };
    Object.assign(timedOut, { usage, calls, childRunId });
    throw timedOut;
  }
}

function classify(
  error: unknown,
  ctx: StepContext,
  timeout: AbortSignal | undefined,
  command: ExecuteCommand,
): StepError {
  if (ctx.meter.exceeded) {
    return new StepError('budget_exceeded', (ctx.meter.reason as Error).message, false);
  }
  if (ctx.signal.aborted) return new StepError('cancelled', `step ${command.key} was cancelled`, false);
  if (timeout?.aborted)
    return new StepError('timeout', `step ${command.key} timed out after ${command.timeoutMs}ms`);
  if (error instanceof StepError) return error;
  const e = error as { code?: unknown; retryable?: unknown; status?: unknown; message?: unknown };
  return new StepError(
    typeof e.code === 'string' ? e.code : 'error',
    typeof e.message === 'string' ? e.message : String(error),
    typeof e.retryable === 'boolean' ? e.retryable : true,
    typeof e.status === 'number' ? e.status : undefined,
  );
}
