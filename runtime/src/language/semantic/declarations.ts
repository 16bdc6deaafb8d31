// References from steps and agents to declared models, agents and tools.
import type { Node } from 'yaml';
import { type Located, locate, locateFrom, type PathSegment, rangeOf } from '../positions.js';
import { didYouMean } from '../suggest.js';
import { type CheckContext, report } from './context.js';

type Kind = 'model' | 'agent' | 'tool';
const SECTION: Record<Kind, string> = { model: 'models', agent: 'agents', tool: 'tools' };

function declared(context: CheckContext, kind: Kind): Record<string, unknown> {
  const section = context.root[SECTION[kind]];
  return section && typeof section === 'object' && !Array.isArray(section)
    ? (section as Record<string, unknown>)
    : {};
}

/** Whether `name` is a string not declared under the section of `kind`. */
function undeclared(context: CheckContext, kind: Kind, name: unknown): name is string {
  return typeof name === 'string' && !Object.hasOwn(declared(context, kind), name);
}

/**
 * Reports `name`, not declared. Its node is at `segments` inside `from` (a step's location, or the root when
 * undefined), located only for a report, as locate(parsed, [...path of from, ...segments]) would.
 */
function reportName(
  context: CheckContext,
  kind: Kind,
  name: string,
  from: Located | undefined,
  segments: readonly PathSegment[],
): void {
  let located = from ?? locate(context.parsed, []);
  for (const segment of segments) {
    if (!located.complete) break;
    located = locateFrom(context.parsed, located, segment);
  }
  const names = declared(context, kind);
  const message = `unknown ${kind} \`${name}\`; declare it under \`${SECTION[kind]}\`${didYouMean(name, Object.keys(names))}`;
  report(context, `unknown-${kind}`, message, rangeOf(context.parsed, located.node as Node));
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** The names steps and agents use, each declared (the path segments of a node are made only for a report). */
export function checkDeclarations(context: CheckContext): void {
  const all = context.index.all;
  for (let n = 0; n < all.length; n++) {
    const entry = all[n]!;
    const v = entry.value;
    const at = entry.located;
    switch (entry.kind) {
      case 'llm':
        if (undeclared(context, 'model', v.model)) reportName(context, 'model', v.model, at, ['model']);
        break;
      case 'agent':
        if (undeclared(context, 'agent', v.agent)) reportName(context, 'agent', v.agent, at, ['agent']);
        break;
      case 'tool':
        if (undeclared(context, 'tool', v.tool)) reportName(context, 'tool', v.tool, at, ['tool']);
        break;
      case 'debate': {
        const participants = list(v.participants);
        for (let i = 0; i < participants.length; i++) {
          const model = (participants[i] as { model?: unknown })?.model;
          if (undeclared(context, 'model', model))
            reportName(context, 'model', model, at, ['participants', i, 'model']);
        }
        const judge = (v.judge as { model?: unknown })?.model;
        if (undeclared(context, 'model', judge)) reportName(context, 'model', judge, at, ['judge', 'model']);
        break;
      }
    }
  }
  for (const [name, agent] of Object.entries(declared(context, 'agent'))) {
    const a = (agent ?? {}) as { model?: unknown; tools?: unknown };
    if (undeclared(context, 'model', a.model))
      reportName(context, 'model', a.model, undefined, ['agents', name, 'model']);
    list(a.tools).forEach((tool, i) => {
      if (undeclared(context, 'tool', tool))
        reportName(context, 'tool', tool, undefined, ['agents', name, 'tools', i]);
    });
  }
}
