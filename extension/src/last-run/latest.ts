// The newest run of each workflow on the configured runtime, with its trace: asked of the runtime
// directly (the Runs view may be filtered), cached per workflow, and asked again when the Runs
// controller sees a run change (a run started, progressed or finished).
import * as vscode from 'vscode';
import type { RunsController } from '../runs/controller.js';
import type { RunRecord } from '../runtime-client/client.js';

export class LatestRuns implements vscode.Disposable {
  private readonly cache = new Map<string, Promise<RunRecord | undefined>>();
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires when a workflow's newest run may have changed (ask `latest` again). */
  readonly onDidChange = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly runs: RunsController,
    private readonly log: vscode.LogOutputChannel,
  ) {
    const soon = () => {
      if (this.timer) clearTimeout(this.timer);
      this.timer = setTimeout(() => {
        this.cache.clear();
        this.changed.fire();
      }, 100);
    };
    this.disposables.push(
      runs.runs.onDidChangeTreeData(soon),
      runs.trace.onDidChangeTreeData(soon),
      vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('weft.runtimeUrl') && soon()),
      this.changed,
    );
  }

  /** The newest run of `workflow` (with its trace), or undefined without a runtime or a run. */
  latest(workflow: string): Promise<RunRecord | undefined> {
    let found = this.cache.get(workflow);
    if (!found) {
      found = this.fetch(workflow);
      this.cache.set(workflow, found);
    }
    return found;
  }

  /** The run to show on a workflow's graph: the one the Trace view shows when it is of this workflow. */
  async shown(workflow: string): Promise<RunRecord | undefined> {
    const traced = this.runs.trace.run;
    if (traced?.workflow === workflow) {
      if (traced.trace) return traced;
      const full = await this.runs.reload(traced.runId);
      if (full) return full;
    }
    return this.latest(workflow);
  }

  private async fetch(workflow: string): Promise<RunRecord | undefined> {
    const client = await this.runs.connection.existingClient();
    if (!client) return undefined;
    try {
      const [newest] = await client.listRuns({ workflow, limit: 1 });
      if (!newest) return undefined;
      return newest.trace ? newest : await client.getRun(newest.runId);
    } catch (error) {
      this.log.warn(`last run of ${workflow}: ${(error as Error).message}`);
      this.cache.delete(workflow);
      return undefined;
    }
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    for (const d of this.disposables) d.dispose();
  }
}

/** Each map step's id -> its template step's id (run keys `m[i]` belong to the template). */
export function mapTemplates(
  steps: ReadonlyArray<{ id: string; kind: string; step?: unknown; steps?: unknown }>,
) {
  const out = new Map<string, string>();
  const visit = (list: ReadonlyArray<{ id: string; kind: string; step?: unknown; steps?: unknown }>) => {
    for (const s of list) {
      if (s.kind === 'map' && s.step && typeof s.step === 'object') {
        const template = s.step as { id: string; kind: string };
        out.set(s.id, template.id);
        visit([template]);
      } else if (s.kind === 'parallel' && Array.isArray(s.steps)) visit(s.steps);
    }
  };
  visit(steps);
  return out;
}
