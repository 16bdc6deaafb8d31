// References from steps and agents to declared models, agents and tools.
import type { Node } from 'yaml';
import { locate, type PathSegment, rangeOf } from '../positions.js';
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

function checkName(context: CheckContext, kind: Kind, name: unknown, path: PathSegment[]): void {
  if (typeof name !== 'string') return;
  const names = declared(context, kind);
  if (Object.hasOwn(names, name)) return;
  const located = locate(context.parsed, path);
  const message = `unknown ${kind} \`${name}\`; declare it under \`${SECTION[kind]}\`${didYouMean(name, Object.keys(names))}`;
  report(context, `unknown-${kind}`, message, rangeOf(context.parsed, located.node as Node));
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

export function checkDeclarations(context: CheckContext): void {
  for (const entry of context.index.all) {
    const v = entry.value;
    const p = entry.path;
    if (entry.kind === 'llm') checkName(context, 'model', v.model, [...p, 'model']);
    if (entry.kind === 'agent') checkName(context, 'agent', v.agent, [...p, 'agent']);
    if (entry.kind === 'tool') checkName(context, 'tool', v.tool, [...p, 'tool']);
    if (entry.kind === 'debate') {
      list(v.participants).forEach((participant, i) => {
        checkName(context, 'model', (participant as { model?: unknown })?.model, [
          ...p,
          'participants',
          i,
          'model',
        ]);
      });
      checkName(context, 'model', (v.judge as { model?: unknown })?.model, [...p, 'judge', 'model']);
    }
  }
  for (const [name, agent] of Object.entries(declared(context, 'agent'))) {
    const a = (agent ?? {}) as { model?: unknown; tools?: unknown };
    checkName(context, 'model', a.model, ['agents', name, 'model']);
    list(a.tools).forEach((tool, i) => {
      checkName(context, 'tool', tool, ['agents', name, 'tools', i]);
    });
  }
}
