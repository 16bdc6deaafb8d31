// How the stack looks in the status bar: its text, its tooltip (Markdown with theme icons) and the
// actions offered when it is clicked. Pure: the adapter turns these into VS Code objects.
import { overallState, type ServiceState, type StackState, type StackStatus } from './status.js';

/** What the extension is doing to the stack right now, if anything. */
export type StackOperation = 'starting' | 'stopping' | 'restarting';

export interface StatusBarView {
  text: string;
  /** Markdown (theme icons allowed). */
  tooltip: string;
  /** A theme color id for the background, when the state needs attention. */
  background?: 'statusBarItem.warningBackground' | 'statusBarItem.errorBackground';
}

/** In Restricted Mode the stack stays idle (starting it runs programs from the workspace). */
export const UNTRUSTED_VIEW: StatusBarView = {
  text: '$(shield) Weft stack',
  tooltip:
    '**Weft stack**: not available in Restricted Mode.\n\nStarting the stack runs programs from this workspace; trust the workspace to use it.',
};

const SERVICE_ICON: Record<ServiceState, string> = {
  healthy: '$(pass)',
  starting: '$(loading~spin)',
  unhealthy: '$(error)',
  stopped: '$(circle-outline)',
};

export function stateOf(status: StackStatus | undefined, operation?: StackOperation): StackState {
  return operation ? 'busy' : overallState(status);
}

export function statusBarView(
  status: StackStatus | undefined,
  operation?: StackOperation,
  lastError?: string,
): StatusBarView {
  const state = stateOf(status, operation);
  const tooltip = tooltipOf(status, state, operation, lastError);
  switch (state) {
    case 'busy':
      return { text: `$(loading~spin) Weft stack: ${operation}…`, tooltip };
    case 'healthy':
      return { text: '$(check) Weft stack', tooltip };
    case 'starting':
      return { text: '$(loading~spin) Weft stack: starting', tooltip };
    case 'degraded': {
      const bad = status!.services.filter((s) => s.state !== 'healthy' && s.state !== 'starting');
      return {
        text: `$(warning) Weft stack: ${bad.map((s) => s.name).join(', ')} ${bad.length > 1 ? 'are' : 'is'} down`,
        tooltip,
        background: 'statusBarItem.warningBackground',
      };
    }
    case 'stopped':
      return lastError
        ? { text: '$(error) Weft stack: failed', tooltip, background: 'statusBarItem.errorBackground' }
        : { text: '$(circle-outline) Weft stack: stopped', tooltip };
    default:
      return lastError
        ? { text: '$(error) Weft stack', tooltip, background: 'statusBarItem.errorBackground' }
        : { text: '$(question) Weft stack', tooltip };
  }
}

function tooltipOf(
  status: StackStatus | undefined,
  state: StackState,
  operation: StackOperation | undefined,
  lastError: string | undefined,
): string {
  const lines: string[] = [];
  const backend = status && status.backend !== 'none' ? ` · ${status.backend} backend` : '';
  lines.push(`**Weft stack**: ${operation ? `${operation}…` : state}${backend}`, '');
  const running = status?.services.filter((s) => s.state !== 'stopped' || status.backend !== 'none') ?? [];
  if (running.length) {
    for (const s of running)
      lines.push(
        `${SERVICE_ICON[s.state]} **${s.name}** ${s.state}${s.url ? ` · ${s.url}` : ''}${s.detail ? ` · ${escapeMarkdown(s.detail)}` : ''}  `,
      );
    lines.push('');
  } else if (state === 'unknown') {
    lines.push('State not known yet.', '');
  } else {
    lines.push('Not running. Start it with **Weft: Start Stack**.', '');
  }
  if (lastError) lines.push(`$(error) Last error: ${escapeMarkdown(firstLine(lastError))}`, '');
  lines.push('Click for stack actions.');
  return lines.join('\n');
}

export interface StackAction {
  label: string;
  description?: string;
  command: string;
}

const START: StackAction = { label: '$(play) Start Stack', command: 'weft.stack.start' };
const STOP: StackAction = { label: '$(debug-stop) Stop Stack', command: 'weft.stack.stop' };
const RESTART: StackAction = { label: '$(debug-restart) Restart Stack', command: 'weft.stack.restart' };
const LOGS: StackAction = { label: '$(output) Show Stack Logs', command: 'weft.stack.showLogs' };
const UI: StackAction = { label: '$(link-external) Open Temporal UI', command: 'weft.stack.openTemporalUi' };

/** The quick pick offered by a click on the status bar item, most likely action first. */
export function actionsFor(status: StackStatus | undefined, operation?: StackOperation): StackAction[] {
  switch (stateOf(status, operation)) {
    case 'busy':
      return [LOGS];
    case 'healthy':
      return [LOGS, UI, RESTART, STOP];
    case 'starting':
      return [LOGS, STOP];
    case 'degraded':
      return [{ ...START, description: 'starts what is down, keeps what is healthy' }, LOGS, RESTART, STOP];
    case 'stopped':
      return [START, LOGS];
    default:
      return [START, STOP, LOGS];
  }
}

function firstLine(text: string): string {
  const line = text.trim().split('\n')[0] ?? '';
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}

function escapeMarkdown(text: string): string {
  return text.replace(/([\\`*_{}[\]<>()#+!|])/g, '\\$1');
}
