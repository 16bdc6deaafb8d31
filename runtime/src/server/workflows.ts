// The workflows a server serves: one workflow.yaml, or a folder of them (reloaded on change).
// Each is checked by the one language module; the last valid version of a file keeps serving
// while an edit has errors, and the errors are reported.

import { existsSync, type FSWatcher, readdirSync, readFileSync, statSync, watch } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { checkWorkflow } from '../language/index.js';
import { compileInputValidator, type InputValidator, inputsSchema } from '../language/inputs.js';
import type { Diagnostic, WorkflowDefinition } from '../language/types.js';
import { fileCheckOptions } from '../workflow-files/resolver.js';

export interface LoadedWorkflow {
  name: string;
  file: string;
  definition: WorkflowDefinition;
  validate: InputValidator;
  loadedAt: string;
}

export interface WorkflowProblem {
  file: string;
  diagnostics: Array<Pick<Diagnostic, 'code' | 'message' | 'severity'> & { line: number; column: number }>;
}

/** `*.yaml`/`*.yml` directly in the folder and `<sub>/workflow.yaml|yml` one level down. */
export function findWorkflowFiles(folder: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
    const path = join(folder, entry.name);
    if (entry.isFile() && /\.ya?ml$/i.test(entry.name)) out.push(path);
    else if (entry.isDirectory()) {
      for (const name of ['workflow.yaml', 'workflow.yml']) {
        if (existsSync(join(path, name))) out.push(join(path, name));
      }
    }
  }
  return out.sort();
}

export interface WorkflowRegistryOptions {
  /** A workflow file or a folder of workflows. */
  path: string;
  /** Watch for changes and reload (default true for folders and files). */
  watch?: boolean;
  onReload?: (summary: { workflows: string[]; problems: WorkflowProblem[] }) => void;
}

export class WorkflowRegistry {
  readonly root: string;
  readonly isFolder: boolean;
  private workflows = new Map<string, LoadedWorkflow>();
  private byFile = new Map<string, LoadedWorkflow>();
  private problemList: WorkflowProblem[] = [];
  private watcher?: FSWatcher;
  private timer?: NodeJS.Timeout;

  constructor(private readonly options: WorkflowRegistryOptions) {
    this.root = resolve(options.path);
    if (!existsSync(this.root)) throw new Error(`workflows path not found: ${this.root}`);
    this.isFolder = statSync(this.root).isDirectory();
    this.reload();
    if (options.watch !== false) this.startWatching();
  }

  /** Re-read every file. A file with errors keeps its last valid version (if any). */
  reload(): void {
    const files = this.isFolder ? findWorkflowFiles(this.root) : [this.root];
    const next = new Map<string, LoadedWorkflow>();
    const nextByFile = new Map<string, LoadedWorkflow>();
    const problems: WorkflowProblem[] = [];
    for (const file of files) {
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (error) {
        problems.push({
          file: this.display(file),
          diagnostics: [
            { code: 'io', message: (error as Error).message, severity: 'error', line: 1, column: 1 },
          ],
        });
        continue;
      }
      const result = checkWorkflow(text, fileCheckOptions(file));
      const errors = result.diagnostics.filter((d) => d.severity === 'error');
      let loaded: LoadedWorkflow | undefined;
      if (result.definition && errors.length === 0) {
        loaded = {
          name: result.definition.name,
          file,
          definition: result.definition,
          validate: compileInputValidator(result.definition.inputs),
          loadedAt: new Date().toISOString(),
        };
      } else {
        problems.push({
          file: this.display(file),
          diagnostics: errors.map((d) => ({
            code: d.code,
            message: d.message,
            severity: d.severity,
            line: d.range.line,
            column: d.range.column,
          })),
        });
        loaded = this.byFile.get(file);
      }
      if (!loaded) continue;
      const clash = next.get(loaded.name);
      if (clash) {
        problems.push({
          file: this.display(file),
          diagnostics: [
            {
              code: 'duplicate-workflow',
              message: `workflow name "${loaded.name}" is also used by ${this.display(clash.file)}; only that one is served`,
              severity: 'error',
              line: 1,
              column: 1,
            },
          ],
        });
        continue;
      }
      next.set(loaded.name, loaded);
      nextByFile.set(file, loaded);
    }
    this.workflows = next;
    this.byFile = nextByFile;
    this.problemList = problems;
    this.options.onReload?.({ workflows: [...next.keys()], problems });
  }

  private display(file: string): string {
    return this.isFolder ? relative(this.root, file) : basename(file);
  }

  private startWatching(): void {
    try {
      this.watcher = watch(this.root, { recursive: this.isFolder, persistent: false }, () => {
        clearTimeout(this.timer);
        this.timer = setTimeout(() => this.reload(), 100);
      });
      this.watcher.on('error', () => {});
    } catch {
      // watching is a convenience; the server still serves what it loaded
    }
  }

  get(name: string): LoadedWorkflow | undefined {
    return this.workflows.get(name);
  }

  /** The workflow `POST /run` runs: the only one served (undefined when there are several or none). */
  single(): LoadedWorkflow | undefined {
    return this.workflows.size === 1 ? [...this.workflows.values()][0] : undefined;
  }

  list(): LoadedWorkflow[] {
    return [...this.workflows.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  get problems(): WorkflowProblem[] {
    return this.problemList;
  }

  close(): void {
    clearTimeout(this.timer);
    this.watcher?.close();
  }
}

/** What `GET /schema` shows for a workflow: its inputs and outputs as JSON Schemas. */
export function workflowIo(workflow: LoadedWorkflow): {
  name: string;
  description?: string;
  inputs: unknown;
  outputs: unknown;
} {
  const outputs: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(workflow.definition.outputs)) {
    outputs[name] = { ...spec.schema, ...(spec.description ? { description: spec.description } : {}) };
  }
  const out: { name: string; description?: string; inputs: unknown; outputs: unknown } = {
    name: workflow.name,
    inputs: inputsSchema(workflow.definition.inputs),
    outputs: { type: 'object', properties: outputs },
  };
  if (workflow.definition.description) out.description = workflow.definition.description;
  return out;
}
