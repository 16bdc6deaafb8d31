// The `weft` task type (adapter): "weft: stack up" ends when every service answers its health probe
// (the CLI's `up` returns only then), so a launch configuration can use it as its preLaunchTask.
// Runs in a pseudoterminal (CustomExecution) through the same StackController as the commands.
import * as vscode from 'vscode';
import type { StackController } from './controller.js';
import {
  parseTaskDefinition,
  TASK_COMMANDS,
  TASK_TYPE,
  taskName,
  type WeftTaskDefinition,
} from './task-definition.js';

export class WeftTaskProvider implements vscode.TaskProvider {
  constructor(private readonly stack: StackController) {}

  provideTasks(): vscode.Task[] {
    return TASK_COMMANDS.map((command) => this.task({ type: TASK_TYPE, command }, taskName(command)));
  }

  resolveTask(task: vscode.Task): vscode.Task | undefined {
    if (task.definition.type !== TASK_TYPE) return undefined;
    return this.task(task.definition as WeftTaskDefinition, task.name, task.scope);
  }

  private task(
    definition: WeftTaskDefinition,
    name: string,
    scope: vscode.TaskScope.Workspace | vscode.WorkspaceFolder | vscode.TaskScope.Global | undefined = vscode
      .TaskScope.Workspace,
  ): vscode.Task {
    const task = new vscode.Task(
      definition,
      scope ?? vscode.TaskScope.Workspace,
      name,
      TASK_TYPE,
      new vscode.CustomExecution(
        async (resolved) =>
          new StackTaskTerminal(this.stack, resolved as unknown as Record<string, unknown>, name),
      ),
    );
    task.detail =
      definition.command === 'down'
        ? 'weft stack down: stops what the stack started'
        : 'weft stack up: ends when every service is healthy';
    task.presentationOptions = { reveal: vscode.TaskRevealKind.Silent, clear: true };
    return task;
  }
}

const RED = '\x1b[31m';
const GREEN = '\x1b[32m';
const RESET = '\x1b[0m';

class StackTaskTerminal implements vscode.Pseudoterminal {
  private readonly writer = new vscode.EventEmitter<string>();
  private readonly closer = new vscode.EventEmitter<number>();
  readonly onDidWrite = this.writer.event;
  readonly onDidClose = this.closer.event;
  private readonly abort = new AbortController();

  constructor(
    private readonly stack: StackController,
    private readonly definition: Record<string, unknown>,
    private readonly label: string,
  ) {}

  open(): void {
    void this.run();
  }

  close(): void {
    this.abort.abort();
  }

  private write(text: string): void {
    this.writer.fire(`${text.replace(/\r?\n/g, '\r\n')}\r\n`);
  }

  private async run(): Promise<void> {
    if (!vscode.workspace.isTrusted) {
      this.write(`${RED}Weft starts the local stack only in a trusted workspace.${RESET}`);
      this.closer.fire(1);
      return;
    }
    let parsed: ReturnType<typeof parseTaskDefinition>;
    try {
      parsed = parseTaskDefinition(this.definition, this.label);
    } catch (error) {
      this.write(`${RED}${(error as Error).message}${RESET}`);
      this.closer.fire(2);
      return;
    }
    const onLine = (line: string) => this.write(line);
    const { command, options, volumes } = parsed;
    this.write(`> weft stack ${command}`);
    const ok =
      command === 'up'
        ? await this.stack.up(options, onLine, this.abort.signal)
        : command === 'down'
          ? await this.stack.down(options, volumes, onLine)
          : await this.stack.restart(options, volumes, onLine, this.abort.signal);
    if (ok) {
      const services = this.stack.status?.services ?? [];
      if (command !== 'down')
        for (const s of services)
          this.write(`${GREEN}${s.name}${RESET} ${s.state}${s.url ? ` ${s.url}` : ''}`);
      this.write(command === 'down' ? 'stack stopped' : `${GREEN}stack healthy${RESET}`);
      this.closer.fire(0);
    } else {
      this.write(`${RED}${this.stack.lastError ?? 'failed'}${RESET}`);
      this.closer.fire(1);
    }
  }
}
