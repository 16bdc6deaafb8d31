// Quick fixes where the checker already knows the fix, read from its diagnostics (the same check):
// "did you mean `x`?" replaces the name it underlines; a missing required key inserts it as a
// snippet; a dependency cycle offers to open each step in it. Pure.

export interface FixableDiagnostic {
  code: string;
  message: string;
  /** 0-based offsets of the underlined text. */
  start: number;
  end: number;
}

export type QuickFix =
  | { kind: 'replace'; title: string; start: number; end: number; text: string; preferred: boolean }
  | { kind: 'snippet'; title: string; at: number; snippet: string }
  | { kind: 'open'; title: string; step: string };

const DID_YOU_MEAN = /did you mean `([^`]+)`\?$/;
const MISSING_KEY = /is missing the required key `([^`]+)`$/;
const CYCLE = /^dependency cycle: (.+?)(?: \(|$)/;

/** A first value for a key, as a snippet body (tab stops where the user types). */
const SNIPPET_VALUE: Record<string, string> = {
  prompt: '"${1:what to ask}"',
  model: '${1:model}',
  kind: '${1|llm,agent,tool,decision,parallel,map,debate,approval|}',
  id: '${1:step_id}',
  provider: '${1|openai,anthropic,gemini,mock|}',
  steps:
    '\n${INDENT}  - id: ${1:step_id}\n${INDENT}    kind: llm\n${INDENT}    model: ${2:model}\n${INDENT}    prompt: "$3"',
  branches: '\n${INDENT}  - when: ${1:condition}\n${INDENT}    then: [${2:step_id}]',
  items: '${1:inputs.list}',
  step: '\n${INDENT}  id: ${1:step_id}\n${INDENT}  kind: llm\n${INDENT}  model: ${2:model}\n${INDENT}  prompt: "$3"',
};

export function quickFixes(text: string, d: FixableDiagnostic): QuickFix[] {
  const fixes: QuickFix[] = [];
  const suggestion = DID_YOU_MEAN.exec(d.message)?.[1];
  if (suggestion && d.end > d.start) {
    const wrong = text.slice(d.start, d.end);
    if (wrong !== suggestion)
      fixes.push({
        kind: 'replace',
        title: `Change \`${wrong}\` to \`${suggestion}\``,
        start: d.start,
        end: d.end,
        text: suggestion,
        preferred: true,
      });
  }
  const missing = MISSING_KEY.exec(d.message)?.[1];
  if (missing) {
    const fix = insertKey(text, d.start, missing);
    if (fix) fixes.push(fix);
  }
  if (d.code === 'cycle') {
    const chain = CYCLE.exec(d.message)?.[1];
    const steps = chain ? [...new Set(chain.split(' -> ').map((s) => s.trim().replace(/^`|`$/g, '')))] : [];
    const here = text.slice(d.start, d.end);
    for (const step of steps)
      if (/^[\w-]+$/.test(step))
        fixes.push({
          kind: 'open',
          title: `Open \`${step}\`${step === here ? ' (this end of the cycle)' : ' (in the cycle)'}`,
          step,
        });
  }
  return fixes;
}

/** Inserts `key: ` on a new line after the line of `at` (a key of the map missing it), same indent. */
function insertKey(text: string, at: number, key: string): QuickFix | undefined {
  const lineStart = text.lastIndexOf('\n', at - 1) + 1;
  let lineEnd = text.indexOf('\n', at);
  if (lineEnd < 0) lineEnd = text.length;
  const line = text.slice(lineStart, lineEnd);
  if (line.includes('{')) return undefined; // a flow map: no safe line to add
  // the key's column: where the map's key at `at` starts (after a `- ` when it is the item's first key)
  const column = at - lineStart;
  const indent = ' '.repeat(column);
  const value = (SNIPPET_VALUE[key] ?? '$1').replaceAll('${INDENT}', indent);
  return {
    kind: 'snippet',
    title: `Add the required key \`${key}\``,
    at: lineEnd,
    snippet: `\n${indent}${key}: ${value}`,
  };
}
