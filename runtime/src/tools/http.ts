// HTTP tools: render the request from the tool's templates, call it with a timeout, return
// { status, body }. Environment values (keys) reach only the URL and headers, and are redacted from
// everything this module returns or throws.

import { renderTemplate } from '../language/expressions.js';
import { truncateText } from '../language/text.js';
import type { JsonValue, ToolSpec } from '../language/types.js';
import { envNamesUsed, redactText, redactValue, secretValues } from './secrets.js';
import { renderUrl } from './template-url.js';

export interface HttpToolResult {
  status: number;
  body: JsonValue;
}

export class ToolError extends Error {
  constructor(
    message: string,
    readonly code: 'http_error' | 'timeout' | 'network' | 'aborted' | 'bad_template',
    readonly retryable: boolean,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'ToolError';
  }
}

export interface HttpToolOptions {
  inputs: Record<string, JsonValue>;
  env: Record<string, string | undefined>;
  fetch?: typeof fetch;
  signal?: AbortSignal;
}

const BODYLESS = new Set(['GET', 'DELETE']);

function envScope(env: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined) out[k] = v;
  return out;
}

export async function callHttpTool(
  name: string,
  tool: ToolSpec,
  args: { [key: string]: JsonValue },
  options: HttpToolOptions,
): Promise<HttpToolResult> {
  const secrets = secretValues(envNamesUsed(tool), options.env);
  const safe = (text: string) => redactText(text, secrets);
  const missing = envNamesUsed(tool).filter((n) => options.env[n] === undefined);
  if (missing.length > 0) {
    throw new ToolError(
      `tool ${name}: environment variable ${missing.join(', ')} is not set (the tool's url/headers use it)`,
      'bad_template',
      false,
    );
  }

  let url: string;
  const headers: Record<string, string> = {};
  let body: string | undefined;
  try {
    const scope = { args, inputs: options.inputs, env: envScope(options.env) };
    url = renderUrl(tool.url, scope);
    for (const [header, template] of Object.entries(tool.headers)) {
      const value = renderTemplate(template, scope);
      headers[header] = typeof value === 'string' ? value : JSON.stringify(value);
    }
    const bodyValue =
      tool.body !== undefined
        ? renderTemplate(tool.body, { args, inputs: options.inputs })
        : BODYLESS.has(tool.method)
          ? undefined
          : args;
    if (bodyValue !== undefined) {
      body = JSON.stringify(bodyValue);
      headers['content-type'] ??= 'application/json';
    }
  } catch (error) {
    throw new ToolError(`tool ${name}: ${safe((error as Error).message)}`, 'bad_template', false);
  }

  const timeout = AbortSignal.timeout(tool.timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  const doFetch = options.fetch ?? fetch;
  const label = `tool ${name}: ${tool.method} ${safe(url.split('?')[0]!)}`;
  let response: Response;
  let text: string;
  try {
    response = await doFetch(url, {
      method: tool.method,
      headers,
      ...(body !== undefined ? { body } : {}),
      signal,
    });
    text = await response.text();
  } catch (error) {
    if (timeout.aborted) throw new ToolError(`${label} timed out after ${tool.timeoutMs}ms`, 'timeout', true);
    if (options.signal?.aborted) throw new ToolError(`${label} aborted`, 'aborted', false);
    const cause = (error as Error & { cause?: Error }).cause?.message ?? (error as Error).message;
    throw new ToolError(`${label} failed: ${safe(cause)}`, 'network', true);
  }

  let parsed: JsonValue = text;
  if ((response.headers.get('content-type') ?? '').includes('json') && text.trim() !== '') {
    try {
      parsed = JSON.parse(text) as JsonValue;
    } catch {
      parsed = text;
    }
  }
  if (!response.ok) {
    const detail = safe(truncateText(text, 300));
    throw new ToolError(
      `${label} returned HTTP ${response.status}${detail ? `: ${detail}` : ''}`,
      'http_error',
      response.status === 429 || response.status >= 500,
      response.status,
    );
  }
  return { status: response.status, body: redactValue(parsed, secrets) };
}
