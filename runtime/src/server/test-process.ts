// Helpers for tests that run `weft serve` as a real child process (the built CLI bundle) on a data
// dir, kill it, and start it again.
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));

export interface Served {
  proc: ChildProcess;
  url: string;
  /** Everything the process wrote so far (stdout and stderr: the JSON log lines). */
  logs: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const running = new Set<ChildProcess>();

/** Kills (SIGKILL) every server still running: for afterEach/afterAll. */
export function killAll(): void {
  for (const proc of [...running]) proc.kill('SIGKILL');
}

/** Starts `weft serve --port 0` from `cliFile` and waits for its "listening" log line (which names the address). */
export async function serve(
  cliFile: string,
  workflows: string,
  dataDir: string,
  env: Record<string, string> = {},
): Promise<Served> {
  const proc = spawn(
    process.execPath,
    [cliFile, 'serve', '--host', '127.0.0.1', '--port', '0', '--workflows', workflows],
    {
      cwd: REPO,
      env: {
        ...process.env,
        WEFT_DATA_DIR: dataDir,
        WEFT_LOG_LEVEL: 'info',
        WEFT_SYNC_TIMEOUT_MS: '20000',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  running.add(proc);
  let out = '';
  proc.stdout!.on('data', (d) => {
    out += d;
  });
  proc.stderr!.on('data', (d) => {
    out += d;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.on('exit', (code, signal) => {
      running.delete(proc);
      resolve({ code, signal });
    }),
  );
  const url = await new Promise<string>((resolve, reject) => {
    const deadline = setTimeout(() => reject(new Error(`weft serve did not start:\n${out}`)), 30_000);
    const check = () => {
      for (const line of out.split('\n')) {
        if (!line.includes('weft serve listening')) continue;
        clearTimeout(deadline);
        resolve((JSON.parse(line) as { address: string }).address);
        return;
      }
    };
    proc.stdout!.on('data', check);
    void exited.then(({ code }) =>
      reject(new Error(`weft serve exited (${code}) before listening:\n${out}`)),
    );
  });
  return { proc, url, logs: () => out, exited };
}

/** The server's JSON log lines (pino), parsed. */
export function logLines(served: Served): Array<Record<string, unknown> & { msg?: string }> {
  return served
    .logs()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

export async function json<T = Record<string, unknown>>(url: string, init?: RequestInit): Promise<T> {
  const response = await fetch(url, init);
  const text = await response.text();
  if (!response.ok) throw new Error(`${init?.method ?? 'GET'} ${url}: ${response.status} ${text}`);
  return JSON.parse(text) as T;
}

export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  ms = 30_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Two model steps on the fake OpenAI-compatible server at `baseUrl` (key in FAKE_OPENAI_KEY): "STEP ONE topic", then "STEP TWO <first answer>". */
export function twoStepWorkflow(baseUrl: string): string {
  return `name: two-steps
inputs:
  topic: { type: string }
outputs:
  final: { type: string, value: "\${{ steps.two.output.text }}" }
models:
  remote:
    provider: openai
    model: gpt-test
    base_url: ${baseUrl}
    api_key_env: FAKE_OPENAI_KEY
steps:
  - id: one
    kind: llm
    model: remote
    prompt: "STEP ONE \${{ inputs.topic }}"
  - id: two
    kind: llm
    model: remote
    prompt: "STEP TWO \${{ steps.one.output.text }}"
`;
}
