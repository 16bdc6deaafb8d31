// Go to definition on a `workflow:` value (a sub-workflow step): the path under the cursor, if any. Pure.

const WORKFLOW_VALUE = /^(\s*(?:-\s+)?workflow:\s*)(["']?)([^"'#\s]+)\2\s*(?:#.*)?$/;

/** The `workflow:` path at `offset` of `text` with its [start, end) offsets, or undefined. */
export function subWorkflowAt(
  text: string,
  offset: number,
): { ref: string; start: number; end: number } | undefined {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const next = text.indexOf('\n', offset);
  const line = text.slice(lineStart, next === -1 ? text.length : next).replace(/\r$/, '');
  const match = WORKFLOW_VALUE.exec(line);
  if (!match) return undefined;
  const start = lineStart + match[1]!.length + match[2]!.length;
  const end = start + match[3]!.length;
  return offset >= start && offset <= end ? { ref: match[3]!, start, end } : undefined;
}
