// The Weft expression under the mouse while debugging (`steps.classify.output.confidence`, `inputs.topic`,
// `item.name`): what the debug hover evaluates, instead of the single word VS Code would take. Pure.

const PATH = /\b(?:steps|inputs|item|index)(?:\.[A-Za-z_][\w-]*|\[\d+\])*/g;

/** The expression path covering `offset` in `line`, with its start and end offsets. */
export function expressionAt(
  line: string,
  offset: number,
): { start: number; end: number; text: string } | undefined {
  for (const match of line.matchAll(PATH)) {
    const start = match.index ?? 0;
    const end = start + match[0].length;
    if (offset >= start && offset <= end) {
      // hovering `steps.a.output` in `steps.a.output.text` evaluates up to the hovered segment
      const next = line.slice(offset).search(/[.[]/);
      const stop = next < 0 || offset + next > end ? end : offset + next;
      return { start, end: stop, text: line.slice(start, stop) };
    }
  }
  return undefined;
}
