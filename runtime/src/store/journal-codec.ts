// One journal line: {"seq":N,"crc":"<crc32 hex of seq + event JSON>","event":{...}}. Decoding finds
// where a journal stops being trustworthy: a torn last line (crash mid-write) or a corrupt line.
import { crc32 } from 'node:zlib';
import type { JournalEvent } from '../engine/journal.js';

export function checksum(seq: number, eventJson: string): string {
  return crc32(eventJson, crc32(`${seq}:`))
    .toString(16)
    .padStart(8, '0');
}

/** A workflow definition's JSON, made once per definition object (every run_started line holds it). */
const definitionJson = new WeakMap<object, string>();

function eventJson(event: JournalEvent): string {
  const { seq: _seq, ...rest } = event as JournalEvent & { definition?: unknown };
  const definition = rest.definition;
  if (definition === null || typeof definition !== 'object') return JSON.stringify(rest);
  let json = definitionJson.get(definition);
  if (json === undefined) {
    json = JSON.stringify(definition);
    definitionJson.set(definition, json);
  }
  // the other fields as JSON.stringify writes them, then the definition as the last field
  rest.definition = undefined;
  const head = JSON.stringify(rest);
  return head === '{}' ? `{"definition":${json}}` : `${head.slice(0, -1)},"definition":${json}}`;
}

export function encodeLine(seq: number, event: JournalEvent): string {
  const json = eventJson(event);
  return `{"seq":${seq},"crc":"${checksum(seq, json)}","event":${json}}\n`;
}

export interface JournalProblem {
  /** `truncated_tail`: the last line was cut off (safe to drop). `corrupt`: a complete line is damaged. */
  kind: 'truncated_tail' | 'corrupt';
  file: string;
  /** 1-based line number of the first bad line. */
  line: number;
  /** Byte length of the trustworthy prefix of the file. */
  validBytes: number;
  message: string;
  /** What is wrong with the line (`corrupt`: "its checksum does not match", ...). */
  reason?: string;
  /** What a person can do about it (`corrupt` only). */
  hint?: string;
}

/** How to repair a journal that is corrupt from `line` on. */
export function repairHint(line: number): string {
  return (
    `inspect the file; to resume from the last good event, delete line ${line} and everything after it, ` +
    'then resume the run again (steps after that point run again); or start a new run.'
  );
}

export interface DecodedJournal {
  events: JournalEvent[];
  problem?: JournalProblem;
}

function decodeLine(line: string, expectedSeq: number): JournalEvent | string {
  let parsed: { seq?: unknown; crc?: unknown; event?: unknown };
  try {
    parsed = JSON.parse(line) as typeof parsed;
  } catch {
    return 'it is not valid JSON';
  }
  if (parsed.seq !== expectedSeq)
    return `its sequence number is ${String(parsed.seq)}, expected ${expectedSeq}`;
  if (!parsed.event || typeof parsed.event !== 'object') return 'it has no event';
  if (parsed.crc !== checksum(expectedSeq, JSON.stringify(parsed.event)))
    return 'its checksum does not match';
  return { ...(parsed.event as JournalEvent), seq: expectedSeq };
}

export function decodeJournal(text: string, file: string): DecodedJournal {
  const events: JournalEvent[] = [];
  let offset = 0;
  let lineNumber = 0;
  while (offset < text.length) {
    lineNumber += 1;
    const end = text.indexOf('\n', offset);
    const complete = end !== -1;
    const line = text.slice(offset, complete ? end : text.length);
    const decoded = decodeLine(line, events.length + 1);
    if (typeof decoded === 'string' || !complete) {
      const validBytes = Buffer.byteLength(text.slice(0, offset));
      if (!complete) {
        return {
          events,
          problem: {
            kind: 'truncated_tail',
            file,
            line: lineNumber,
            validBytes,
            message: `${file}:${lineNumber}: the last line is incomplete (the process stopped while writing it); it is treated as not written`,
          },
        };
      }
      const hint = repairHint(lineNumber);
      const reason = decoded as string;
      return {
        events,
        problem: {
          kind: 'corrupt',
          file,
          line: lineNumber,
          validBytes,
          message: `${file}:${lineNumber}: the journal is corrupt (${reason}). The run needs attention: ${hint}`,
          reason,
          hint,
        },
      };
    }
    events.push(decoded);
    offset = end + 1;
  }
  return { events };
}
