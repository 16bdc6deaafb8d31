// One icon per run, step or span status (the Runs and Trace trees share them).
import * as vscode from 'vscode';

const STATUS_ICON: Record<string, vscode.ThemeIcon> = {
  running: new vscode.ThemeIcon('sync~spin', new vscode.ThemeColor('charts.blue')),
  succeeded: new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed')),
  failed: new vscode.ThemeIcon('error', new vscode.ThemeColor('testing.iconFailed')),
  cancelled: new vscode.ThemeIcon('circle-slash', new vscode.ThemeColor('disabledForeground')),
  skipped: new vscode.ThemeIcon('debug-step-over', new vscode.ThemeColor('disabledForeground')),
  // the run's journal is corrupt: not running, not resumed; the tooltip has the file, line and repair
  damaged: new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground')),
};
// span statuses (OpenTelemetry style) map onto run statuses
STATUS_ICON.ok = STATUS_ICON.succeeded!;
STATUS_ICON.error = STATUS_ICON.failed!;

export const iconFor = (status?: string): vscode.ThemeIcon =>
  STATUS_ICON[status ?? ''] ?? new vscode.ThemeIcon('circle-outline');
