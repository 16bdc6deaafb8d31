// The stack as the editor sees it: its last status (from `weft stack status --json`), what the
// extension is doing to it (up/down/restart through the CLI), its logs in the "Weft Stack" output
// channel, and the stack server's URL handed to the Runs view. The CLI is the one source of truth;
// dockerode (compose backend) only tells us when to ask it again, and streams container logs.
import * as vscode from 'vscode';
import { findWeftCli } from '../runs/local-runtime.js';
import { followCli, type LogFollower, runCli, type WeftCli } from './cli.js';
import { activeEndpoint, dockerLive } from './docker.js';
import { describeEndpoint } from './docker-endpoint.js';
import { formatStackLogLine } from './log-lines.js';
import { mergeOptions, type StackOptions, stackArgs, temporalUiPort } from './options.js';
import type { StackOperation } from './presentation.js';
import { readStackOptions, stackFolder } from './settings.js';
import {
  cliError,
  overallState,
  parseStatus,
  type StackStatus,
  sameStatus,
  serverUrl,
  stackContainers,
} from './status.js';

/** What the stack needs from the rest of the extension. */
export interface StackHooks {
  /** The Weft log channel (one line per stack operation). */
  output: vscode.LogOutputChannel;
  /** Told the stack server's URL whenever it changes (undefined: no healthy stack server). */
  setStackRuntime(url: string | undefined): void;
}

interface Prepared {
  cli: WeftCli;
  cwd: string;
  options: StackOptions;
}

const POLL_RUNNING_MS = 10_000;
const POLL_STOPPED_MS = 60_000;

export class StackController implements vscode.Disposable {
  status: StackStatus | undefined;
  operation: StackOperation | undefined;
  lastError: string | undefined;
  /** lastError came from reading the status (cleared by the next good read), not from an action. */
  private statusFailed = false;
  readonly logs = vscode.window.createOutputChannel('Weft Stack');
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private logFollowers: Array<{ stop(): void }> = [];
  private dockerWatch: { stop(): void } | undefined;
  private poller: ReturnType<typeof setTimeout> | undefined;
  private refreshing: Promise<StackStatus | undefined> | undefined;
  private announcedUrl: string | undefined;
  private disposed = false;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly services: StackHooks,
    private readonly connectRuns: () => boolean,
  ) {}

  get state() {
    return this.operation ? 'busy' : overallState(this.status);
  }

  /** The CLI, the folder and the options (settings, then the overrides); throws saying what is wrong. */
  prepare(overrides: Partial<StackOptions> = {}): Prepared {
    const cwd = stackFolder();
    if (!cwd) throw new Error('Open a folder first: the Weft stack belongs to a workspace folder on disk.');
    const folders = (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath);
    return {
      // the runtime the Runs view uses too (weft.runtimePath, a workspace pin, else the bundled one)
      cli: findWeftCli(
        folders,
        this.context.extensionPath,
        vscode.workspace.getConfiguration('weft').get<string>('runtimePath', '').trim(),
      ),
      cwd,
      options: mergeOptions(readStackOptions(cwd), overrides),
    };
  }

  temporalUiPort(): number {
    return temporalUiPort(this.prepare().options);
  }

  /** Asks the CLI for the stack's status (one request at a time) and updates everything that shows it. */
  refresh(): Promise<StackStatus | undefined> {
    this.refreshing ??= this.readStatus().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  private async readStatus(): Promise<StackStatus | undefined> {
    let next: StackStatus | undefined;
    try {
      const { cli, cwd, options } = this.prepare();
      const result = await runCli(cli, stackArgs('status', options), { cwd });
      try {
        next = parseStatus(result.stdout);
        if (this.statusFailed) {
          this.statusFailed = false;
          this.lastError = undefined;
        }
      } catch (error) {
        throw new Error(
          result.code === 2 || !result.stdout.trim()
            ? `weft stack status failed (exit ${result.code}): ${tail(result.stderr) || (error as Error).message}`
            : (error as Error).message,
        );
      }
    } catch (error) {
      if (!this.operation) {
        this.lastError = (error as Error).message;
        this.statusFailed = true;
      }
      this.services.output.warn(`stack status: ${(error as Error).message}`);
    }
    if (this.disposed) return next;
    const before = overallState(this.status);
    if (!sameStatus(next, this.status)) {
      this.status = next;
      this.changed.fire();
    }
    this.afterStatus(before);
    return next;
  }

  private afterStatus(before: string): void {
    const state = overallState(this.status);
    if (state !== before) this.services.output.info(`stack: ${before} -> ${state}`);
    const url = this.connectRuns() ? serverUrl(this.status) : undefined;
    if (url !== this.announcedUrl) {
      this.announcedUrl = url;
      this.services.setStackRuntime(url);
    }
    const running = state !== 'stopped' && state !== 'unknown';
    if (running && !this.logFollowers.length && !this.operation) void this.followLogs();
    if (!running && this.logFollowers.length) this.stopFollowingLogs();
    if (this.status?.backend === 'compose' && running) void this.watchDocker();
    else this.stopWatchingDocker();
    this.schedulePoll(running ? POLL_RUNNING_MS : POLL_STOPPED_MS);
  }

  schedulePoll(ms: number): void {
    if (this.poller) clearTimeout(this.poller);
    if (this.disposed || !vscode.workspace.isTrusted) return;
    this.poller = setTimeout(() => void this.refresh(), ms);
  }

  private setOperation(operation: StackOperation | undefined): void {
    this.operation = operation;
    this.changed.fire();
  }

  /**
   * `weft stack up`: returns true once every service is healthy (the CLI's health probes). Each
   * progress line goes to onLine and the "Weft Stack" channel.
   */
  async up(
    overrides: Partial<StackOptions> = {},
    onLine?: (line: string) => void,
    signal?: AbortSignal,
    operation: StackOperation = 'starting',
  ): Promise<boolean> {
    return this.operate(operation, async () => {
      const { cli, cwd, options } = this.prepare(overrides);
      const result = await this.runLogged(cli, stackArgs('up', options), cwd, onLine, signal);
      if (signal?.aborted) throw new Error('stack start cancelled');
      if (result.code !== 0)
        throw new Error(
          cliError(result.stdout) ?? (tail(result.stderr) || `weft stack up failed (exit ${result.code})`),
        );
    });
  }

  /** `weft stack down [--volumes]`: stops what the stack started. */
  async down(
    overrides: Partial<StackOptions> = {},
    volumes = false,
    onLine?: (line: string) => void,
    operation: StackOperation = 'stopping',
  ): Promise<boolean> {
    this.stopFollowingLogs();
    this.stopWatchingDocker();
    return this.operate(operation, async () => {
      const { cli, cwd, options } = this.prepare(overrides);
      const result = await this.runLogged(cli, stackArgs('down', options, { volumes }), cwd, onLine);
      if (result.code !== 0)
        throw new Error(tail(result.stderr) || `weft stack down failed (exit ${result.code})`);
    });
  }

  async restart(
    overrides: Partial<StackOptions> = {},
    volumes = false,
    onLine?: (line: string) => void,
    signal?: AbortSignal,
  ): Promise<boolean> {
    if (!(await this.down(overrides, volumes, onLine, 'restarting'))) return false;
    return this.up(overrides, onLine, signal, 'restarting');
  }

  private async operate(operation: StackOperation, work: () => Promise<void>): Promise<boolean> {
    if (this.operation) {
      this.lastError = `the stack is already ${this.operation}; wait for it to finish`;
      return false;
    }
    this.setOperation(operation);
    const t0 = Date.now();
    try {
      await work();
      this.lastError = undefined;
      this.statusFailed = false;
      this.services.output.info(`stack ${operation} done in ${Date.now() - t0} ms`);
      return true;
    } catch (error) {
      this.lastError = (error as Error).message;
      this.statusFailed = false;
      this.services.output.error(`stack ${operation} failed: ${this.lastError}`);
      return false;
    } finally {
      this.operation = undefined;
      await this.refresh();
      this.changed.fire();
    }
  }

  private runLogged(
    cli: WeftCli,
    args: string[],
    cwd: string,
    onLine?: (line: string) => void,
    signal?: AbortSignal,
  ) {
    this.logs.appendLine(`> weft ${args.join(' ')}`);
    return runCli(cli, args, {
      cwd,
      signal,
      onLine: (line) => {
        this.logs.appendLine(line);
        onLine?.(line);
      },
    });
  }

  /** Streams every service's logs into the "Weft Stack" channel: dockerode for compose, else the CLI. */
  private async followLogs(): Promise<void> {
    const placeholder = { stop() {} };
    this.logFollowers = [placeholder];
    if (this.status?.backend === 'compose') {
      try {
        const containers = stackContainers(this.status);
        if (containers.length) {
          const live = dockerLive();
          const docker = live.connect(await activeEndpoint());
          const watches = await Promise.all(
            containers.map((c) =>
              live.followContainerLogs(
                docker,
                c.container,
                (line) => this.logs.appendLine(formatStackLogLine(`${c.service.padEnd(8)} | ${line}`)),
                50,
              ),
            ),
          );
          if (this.logFollowers[0] === placeholder) this.logFollowers = watches;
          else for (const w of watches) w.stop();
          return;
        }
      } catch (error) {
        this.services.output.warn(
          `stack logs through dockerode: ${(error as Error).message}; using weft stack logs`,
        );
      }
    }
    if (this.logFollowers[0] !== placeholder) return;
    try {
      const { cli, cwd, options } = this.prepare();
      const follower: LogFollower = followCli(cli, stackArgs('logs', options, { follow: true }), {
        cwd,
        onLine: (line) => this.logs.appendLine(formatStackLogLine(line)),
        onExit: () => {
          this.logFollowers = this.logFollowers.filter((f) => f !== follower);
        },
      });
      this.logFollowers = [follower];
    } catch (error) {
      this.logFollowers = [];
      this.services.output.warn(`stack logs: ${(error as Error).message}`);
    }
  }

  get followingLogs(): boolean {
    return this.logFollowers.length > 0;
  }

  private stopFollowingLogs(): void {
    const followers = this.logFollowers;
    this.logFollowers = [];
    for (const f of followers) f.stop();
  }

  /** Compose backend: container events from the active Docker context make us read the status at once. */
  private async watchDocker(): Promise<void> {
    const containers = stackContainers(this.status);
    if (this.dockerWatch || !containers.length) return;
    const placeholder = { stop() {} };
    this.dockerWatch = placeholder;
    try {
      const endpoint = await activeEndpoint();
      const live = dockerLive();
      let timer: ReturnType<typeof setTimeout> | undefined;
      const watch = await live.watchEvents(
        live.connect(endpoint),
        containers,
        (service, action) => {
          this.services.output.debug(`docker: ${service} ${action}`);
          clearTimeout(timer);
          timer = setTimeout(() => void this.refresh(), 300);
        },
        (error) => {
          if (this.dockerWatch === watch) this.dockerWatch = undefined;
          if (error) this.services.output.warn(`docker events ended: ${error.message}`);
        },
      );
      if (this.dockerWatch === placeholder) {
        this.dockerWatch = watch;
        this.services.output.info(`watching container events on ${describeEndpoint(endpoint)}`);
      } else watch.stop();
    } catch (error) {
      if (this.dockerWatch === placeholder) this.dockerWatch = undefined;
      this.services.output.warn(`docker events: ${(error as Error).message}; polling the status instead`);
    }
  }

  private stopWatchingDocker(): void {
    this.dockerWatch?.stop();
    this.dockerWatch = undefined;
  }

  dispose(): void {
    this.disposed = true;
    if (this.poller) clearTimeout(this.poller);
    this.stopFollowingLogs();
    this.stopWatchingDocker();
    this.logs.dispose();
    this.changed.dispose();
  }
}

/** The last lines of a CLI's stderr: its error message and what to do. */
export function tail(text: string, lines = 6): string {
  return text.trim().split('\n').slice(-lines).join('\n');
}
