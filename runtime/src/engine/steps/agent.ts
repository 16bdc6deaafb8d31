// The agent loop: model -> tool calls -> tool results -> model, at most maxIterations model turns.
import type { JsonValue } from '../../language/types.js';
import type { ChatMessage, ToolDefinition } from '../../models/types.js';
import { callHttpTool } from '../../tools/http.js';
import type { AgentRequest } from '../commands.js';
import type { StepContext } from './context.js';
import { StepError } from './errors.js';
import { parseOutput, reaskMessage } from './json-output.js';
import type { ModelCaller } from './model-call.js';

export async function runAgent(
  request: AgentRequest,
  caller: ModelCaller,
  ctx: StepContext,
): Promise<JsonValue> {
  const agent = ctx.definition.agents[request.agent];
  if (!agent) throw new StepError('unknown_agent', `agent ${request.agent} is not declared in agents`, false);
  const tools: ToolDefinition[] = agent.tools.map((name) => {
    const tool = ctx.definition.tools[name];
    return {
      name,
      ...(tool?.description !== undefined ? { description: tool.description } : {}),
      parameters: tool?.argsSchema ?? { type: 'object', properties: {} },
    };
  });
  const messages: ChatMessage[] = [{ role: 'user', content: request.prompt }];
  let asks = 0;
  for (let iteration = 1; iteration <= request.maxIterations; iteration++) {
    const response = await caller.call(agent.model, {
      system: agent.instructions,
      messages: [...messages],
      ...(tools.length > 0 ? { tools } : {}),
      ...(request.outputSchema ? { outputSchema: request.outputSchema } : {}),
    });
    if (response.toolCalls.length > 0) {
      messages.push({ role: 'assistant', content: response.text, toolCalls: response.toolCalls });
      for (const call of response.toolCalls) {
        messages.push({
          role: 'tool',
          toolCallId: call.id,
          toolName: call.name,
          content: JSON.stringify(await toolResult(call.name, call.args, ctx)),
        });
      }
      continue;
    }
    if (!request.outputSchema) return { text: response.text };
    const parsed = parseOutput(response.text, request.outputSchema);
    if (parsed.ok) return parsed.value;
    asks += 1;
    if (asks >= request.maxAsks) {
      throw new StepError(
        'invalid_output',
        `agent ${request.agent}: ${parsed.error} (after ${asks} asks)`,
        false,
      );
    }
    messages.push(
      { role: 'assistant', content: response.text },
      { role: 'user', content: reaskMessage(parsed.error) },
    );
  }
  throw new StepError(
    'max_iterations',
    `agent ${request.agent} did not finish within max_iterations (${request.maxIterations})`,
    false,
  );
}

/** A tool's result as the model sees it; failures are reported to the model, not thrown. */
async function toolResult(
  name: string,
  args: { [key: string]: JsonValue },
  ctx: StepContext,
): Promise<JsonValue> {
  const tool = ctx.definition.tools[name];
  if (!tool) return { error: `unknown tool ${name}` };
  try {
    return (await callHttpTool(name, tool, args, {
      inputs: ctx.inputs,
      env: ctx.env,
      signal: ctx.signal,
      ...(ctx.fetch ? { fetch: ctx.fetch } : {}),
    })) as unknown as JsonValue;
  } catch (error) {
    if (ctx.signal.aborted) throw error;
    return { error: (error as Error).message };
  }
}
