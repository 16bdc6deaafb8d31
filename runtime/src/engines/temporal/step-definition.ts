// What one step's activity needs of the definition: the budget and the models, agents and tools the
// step uses, not the whole workflow (each activity's input is kept in Temporal's history; the whole
// definition travels once, in the workflow's input). Pure and deterministic (runs in the workflow).
import type { ExecuteCommand } from '../../engine/commands.js';
import type { JsonValue, WorkflowDefinition } from '../../language/types.js';

export function stepDefinition(definition: WorkflowDefinition, command: ExecuteCommand): WorkflowDefinition {
  const models = new Set<string>();
  const agents = new Set<string>();
  const tools = new Set<string>();
  const { request } = command;
  switch (request.kind) {
    case 'llm':
      models.add(request.model);
      break;
    case 'agent': {
      agents.add(request.agent);
      const agent = definition.agents[request.agent];
      if (agent) {
        models.add(agent.model);
        for (const tool of agent.tools) tools.add(tool);
      }
      break;
    }
    case 'tool':
      tools.add(request.tool);
      break;
    case 'debate':
      for (const participant of request.participants) models.add(participant.model);
      models.add(request.judge.model);
      break;
  }
  const pick = <T>(all: Record<string, T>, names: Set<string>): Record<string, T> =>
    Object.fromEntries([...names].filter((n) => all[n] !== undefined).map((n) => [n, all[n]!]));
  return {
    name: definition.name,
    ...(definition.version !== undefined ? { version: definition.version } : {}),
    inputs: {},
    outputs: {},
    models: pick(definition.models, models),
    agents: pick(definition.agents, agents),
    tools: pick(definition.tools, tools),
    budget: definition.budget,
    steps: [],
  };
}

/** The run's inputs when the step reads them (tool URLs and bodies may template them), else none. */
export function stepInputs(
  command: ExecuteCommand,
  inputs: Record<string, JsonValue>,
): Record<string, JsonValue> {
  return command.request.kind === 'tool' || command.request.kind === 'agent' ? inputs : {};
}

/** The activity id that names the step in Temporal's UI and CLI: `step:classify`, `step:classify#2`. */
export function stepActivityId(command: ExecuteCommand): string {
  return command.attempt > 1 ? `step:${command.key}#${command.attempt}` : `step:${command.key}`;
}

/** The activity's one-line summary (shown by Temporal's UI and `temporal workflow describe`). */
export function stepSummary(command: ExecuteCommand): string {
  const { request } = command;
  const what =
    request.kind === 'llm'
      ? `llm ${request.model}`
      : request.kind === 'agent'
        ? `agent ${request.agent}`
        : request.kind === 'tool'
          ? `tool ${request.tool}`
          : request.kind === 'workflow'
            ? `workflow ${request.workflow}`
            : 'debate';
  return `step ${command.key} (${what}, attempt ${command.attempt})`;
}
