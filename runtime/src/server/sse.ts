// Server-Sent Events framing (pure). https://html.spec.whatwg.org/multipage/server-sent-events.html

export interface SseMessage {
  id?: string;
  event?: string;
  data: unknown;
}

/** One SSE message; data is JSON (one line, so no multi-line splitting needed). */
export function formatSse(message: SseMessage): string {
  let out = '';
  if (message.id !== undefined) out += `id: ${stripNewlines(message.id)}\n`;
  if (message.event !== undefined) out += `event: ${stripNewlines(message.event)}\n`;
  const data = typeof message.data === 'string' ? message.data : JSON.stringify(message.data);
  for (const line of data.split(/\r\n|\r|\n/)) out += `data: ${line}\n`;
  return `${out}\n`;
}

/** A comment line (ignored by clients; keeps proxies from timing the connection out). */
export function formatComment(text: string): string {
  return `: ${stripNewlines(text)}\n\n`;
}

/** `retry:` field: how long a client waits before reconnecting. */
export function formatRetry(ms: number): string {
  return `retry: ${Math.max(0, Math.floor(ms))}\n\n`;
}

function stripNewlines(value: string): string {
  return value.replace(/[\r\n]/g, '');
}

/** The resume point: Last-Event-ID header, else a `lastEventId` query parameter (EventSource cannot set headers on first connect). */
export function resumeId(
  header: string | string[] | undefined,
  query: string | undefined,
): string | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  const id = (value ?? query ?? '').trim();
  return id === '' ? undefined : id;
}

export const SSE_HEADERS: Record<string, string> = {
  'Content-Type': 'text/event-stream; charset=utf-8',
  'Cache-Control': 'no-cache',
  Connection: 'keep-alive',
  'X-Accel-Buffering': 'no',
};
