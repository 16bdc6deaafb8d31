// A CodeLens above every step with what it did in the newest run of its workflow on the configured
// runtime ("✓ 320 ms · 1.2k tokens · $0.0004", or the failure); a click opens the step's span in
// the trace waterfall. Off with `weft.lastRun.codeLens`.
import * as vscode from 'vscode';
import type { DiagnosticsController } from '../language/diagnostics.js';
import type { StepSpec } from '../language/runtime.js';
import { cachedCheck, isWorkflowDocument } from '../vscode/documents.js';
import { formatFigures, stepFigures } from './figures.js';
import { type LatestRuns, mapTemplates } from './latest.js';

export const LENS_SETTING = 'lastRun.codeLens';

export class LastRunLenses implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [this.changed];

  constructor(
    private readonly latest: LatestRuns,
    private readonly diagnostics: DiagnosticsController,
  ) {
    this.disposables.push(
      latest.onDidChange(() => this.changed.fire()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(`weft.${LENS_SETTING}`)) this.changed.fire();
      }),
    );
  }

  async provideCodeLenses(doc: vscode.TextDocument): Promise<vscode.CodeLens[]> {
    if (!isWorkflowDocument(doc)) return [];
    if (!vscode.workspace.getConfiguration('weft').get<boolean>(LENS_SETTING, true)) return [];
    const check = cachedCheck(doc) ?? (await this.diagnostics.checkNow(doc));
    const definition = check?.definition;
    if (!definition) return [];
    const run = await this.latest.latest(definition.name);
    if (!run) return [];
    const figures = stepFigures(run, mapTemplates(definition.steps));
    const lenses: vscode.CodeLens[] = [];
    const visit = (steps: StepSpec[]) => {
      for (const step of steps) {
        if (step.range) {
          const f = figures.get(step.id);
          const line = doc.lineAt(step.range.line - 1).range;
          lenses.push(
            new vscode.CodeLens(line, {
              title: f ? formatFigures(f) : `not run in the last run (${run.status})`,
              tooltip: `${step.id} in run ${run.runId}${run.startedAt ? ` (${new Date(run.startedAt).toLocaleString()})` : ''}: open its span in the trace`,
              command: 'weft.showStepSpan',
              arguments: [run.runId, f?.spanId, step.id],
            }),
          );
        }
        if (step.kind === 'parallel') visit(step.steps);
        else if (step.kind === 'map') visit([step.step]);
      }
    };
    visit(definition.steps);
    return lenses;
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
