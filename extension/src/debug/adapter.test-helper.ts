// Drives the standalone adapter (out/debug-adapter.js, built by `npm run build`) over DAP with DebugClient.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';

export const ADAPTER = fileURLToPath(new URL('../../out/debug-adapter.js', import.meta.url));

export function requireAdapter(): void {
  if (!existsSync(ADAPTER)) throw new Error(`${ADAPTER} is missing: run \`npm run build\` first`);
}

export interface Workspace {
  dir: string;
  dataDir: string;
  write(name: string, text: string): string;
  dispose(): void;
}

export function workspace(): Workspace {
  const dir = mkdtempSync(join(tmpdir(), 'weft-debug-'));
  return {
    dir,
    dataDir: join(dir, '.weft'),
    write(name, text) {
      const file = join(dir, name);
      writeFileSync(file, text);
      return file;
    },
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** 1-based line of the first line containing `needle`. */
export function lineOf(file: string, needle: string): number {
  const lines = readFileSync(file, 'utf8').split('\n');
  const index = lines.findIndex((l) => l.includes(needle));
  if (index < 0) throw new Error(`${needle} is not in ${file}`);
  return index + 1;
}

/** Events of a kind in arrival order, each taken once (no event is missed between two requests). */
class EventQueue {
  private readonly seen: DebugProtocol.Event[] = [];
  private readonly waiting: Array<(event: DebugProtocol.Event) => void> = [];

  push(event: DebugProtocol.Event): void {
    const waiter = this.waiting.shift();
    if (waiter) waiter(event);
    else this.seen.push(event);
  }

  next(what: string, timeoutMs = 20_000): Promise<DebugProtocol.Event> {
    const event = this.seen.shift();
    if (event) return Promise.resolve(event);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${what} event within ${timeoutMs} ms`)), timeoutMs);
      this.waiting.push((e) => {
        clearTimeout(timer);
        resolve(e);
      });
    });
  }
}

const queues = new WeakMap<DebugClient, { stopped: EventQueue; ended: EventQueue }>();

export async function startClient(): Promise<DebugClient> {
  requireAdapter();
  const client = new DebugClient('node', ADAPTER, 'weft', { env: { ...process.env, WEFT_DATA_DIR: '' } });
  const queue = { stopped: new EventQueue(), ended: new EventQueue() };
  client.on('stopped', (e: DebugProtocol.Event) => queue.stopped.push(e));
  client.on('weft/ended', (e: DebugProtocol.Event) => queue.ended.push(e));
  queues.set(client, queue);
  await client.start();
  return client;
}

export interface Ended {
  runId: string;
  status: string;
  outputs?: Record<string, unknown>;
  error?: { code: string; message: string };
}

/** Launches; calls `configure` once the adapter is initialized (breakpoints), then configurationDone. */
export async function launch(
  client: DebugClient,
  args: Record<string, unknown>,
  configure: () => Promise<unknown> = async () => {},
): Promise<void> {
  await client.initializeRequest();
  const initialized = client.waitForEvent('initialized');
  const launched = client.launchRequest(args as DebugProtocol.LaunchRequestArguments);
  await Promise.race([initialized, launched]);
  await configure();
  await client.configurationDoneRequest();
  await launched;
}

export async function ended(client: DebugClient): Promise<Ended> {
  const event = await queues.get(client)!.ended.next('weft/ended');
  return event.body as Ended;
}

export async function stopped(
  client: DebugClient,
): Promise<{ reason: string; text?: string; frames: DebugProtocol.StackFrame[] }> {
  const event = (await queues.get(client)!.stopped.next('stopped')) as DebugProtocol.StoppedEvent;
  const trace = await client.stackTraceRequest({ threadId: 1 });
  return {
    reason: event.body.reason,
    ...(event.body.text ? { text: event.body.text } : {}),
    frames: trace.body.stackFrames,
  };
}

/** Scope name -> its variables (one level), for the top frame. */
export async function scopes(
  client: DebugClient,
  frameId = 0,
): Promise<Record<string, Record<string, DebugProtocol.Variable>>> {
  const out: Record<string, Record<string, DebugProtocol.Variable>> = {};
  const { body } = await client.scopesRequest({ frameId });
  for (const scope of body.scopes) {
    const vars = await client.variablesRequest({ variablesReference: scope.variablesReference });
    out[scope.name] = Object.fromEntries(vars.body.variables.map((v) => [v.name, v]));
  }
  return out;
}

export async function children(
  client: DebugClient,
  variable: DebugProtocol.Variable,
): Promise<Record<string, DebugProtocol.Variable>> {
  const vars = await client.variablesRequest({ variablesReference: variable.variablesReference });
  return Object.fromEntries(vars.body.variables.map((v) => [v.name, v]));
}
