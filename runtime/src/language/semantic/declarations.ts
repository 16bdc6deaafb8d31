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

/**
 * Reports `name` when it is not declared. Its node is at `segments` inside `from` (a step's location, or the root
 * when undefined), located only for a report, as locate(parsed, [...path of from, ...segments]) would.
 */
function checkName(
  context: CheckContext,
  kind: Kind,
  name: unknown,
  from: Located | undefined,
  ...segments: PathSegment[]
): void {
  if (typeof name !== 'string') return;
  const names = declared(context, kind);
  if (Object.hasOwn(names, name)) return;
  let located = from ?? locate(context.parsed, []);
  for (const segment of segments) {
    if (!located.complete) break;
    located = locateFrom(context.parsed, located, segment);
  }
  const message = `unknown ${kind} \`${name}\`; declare it under \`${SECTION[kind]}\`${didYouMean(name, Object.keys(names))}`;
  report(context, `unknown-${kind}`, message, rangeOf(context.parsed, located.node as Node));
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

export function checkDeclarations(context: CheckContext): void {
  const all = context.index.all;
  for (let n = 0; n < all.length; n++) {
    const entry = all[n]!;
    const v = entry.value;
    const at = entry.located;
    if (entry.kind === 'llm') checkName(context, 'model', v.model, at, 'model');
    if (entry.kind === 'agent') checkName(context, 'agent', v.agent, at, 'agent');
    if (entry.kind === 'tool') checkName(context, 'tool', v.tool, at, 'tool');
    if (entry.kind === 'debate') {
      const participants = list(v.participants);
      for (let i = 0; i < participants.length; i++) {
        const model = (participants[i] as { model?: unknown })?.model;
        checkName(context, 'model', model, at, 'participants', i, 'model');
      }
      checkName(context, 'model', (v.judge as { model?: unknown })?.model, at, 'judge', 'model');
    }
  }
  for (const [name, agent] of Object.entries(declared(context, 'agent'))) {
    const a = (agent ?? {}) as { model?: unknown; tools?: unknown };
    checkName(context, 'model', a.model, undefined, 'agents', name, 'model');
    list(a.tools).forEach((tool, i) => {
      checkName(context, 'tool', tool, undefined, 'agents', name, 'tools', i);
    });
  }
}
