// One line of `weft stack logs` ("weft     | {pino JSON}") made readable: the service prefix kept,
// the JSON of weft serve / weft worker turned into "LEVEL message {extra}". Pure.
import { formatLogLine } from '../runs/local-runtime.js';

export function formatStackLogLine(line: string): string {
  const m = /^(\S+\s*\| )(\{.*\})\s*$/.exec(line);
  if (!m) return line;
  const { level, text } = formatLogLine(m[2]!);
  return `${m[1]}${level === 'info' ? '' : `${level.toUpperCase()} `}${text}`;
}
