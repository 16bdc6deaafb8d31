// What Temporal shows of a Weft run: the workflow name and version in the memo (and the `WeftWorkflow`
// search attribute when the namespace has it), a one-line summary, and the run's end (status, usage,
// error code) upserted into the memo; `weft runs` lists runs back through the visibility API.
import type { Client, Connection, WorkflowExecutionInfo } from '@temporalio/client';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { ZERO_USAGE } from '../../engine/journal.js';
import type { RunStatus, RunSummary } from '../../engine/run-record.js';
import type { WorkflowDefinition } from '../../language/types.js';
import { WORKFLOW_TYPE } from './workflows.js';

/** A Keyword search attribute; create it with `temporal operator search-attribute create --name WeftWorkflow --type Keyword`. */
export const WEFT_SEARCH_ATTRIBUTE = 'WeftWorkflow';
const workflowKey = defineSearchAttributeKey(WEFT_SEARCH_ATTRIBUTE, SearchAttributeType.KEYWORD);

/** Memo keys (see also the end-of-run keys upserted by the workflow in workflows.ts). */
export interface WeftMemo {
  weftWorkflow: string;
  weftVersion?: string;
  weftWorkflowFile?: string;
  weftStatus?: RunStatus;
  weftUsage?: RunSummary['usage'];
  weftError?: string;
}

/** Start options that describe the run to Temporal users. Pure. */
export function startMetadata(
  definition: WorkflowDefinition,
  workflowFile: string | undefined,
  searchable: boolean,
) {
  const memo: WeftMemo = {
    weftWorkflow: definition.name,
    ...(definition.version !== undefined ? { weftVersion: definition.version } : {}),
    ...(workflowFile !== undefined ? { weftWorkflowFile: workflowFile } : {}),
  };
  return {
    memo: memo as unknown as Record<string, unknown>,
    staticSummary: `weft ${definition.name}${definition.version !== undefined ? ` ${definition.version}` : ''}`,
    ...(searchable ? { typedSearchAttributes: [{ key: workflowKey, value: definition.name }] } : {}),
  };
}

/** True when the namespace has the WeftWorkflow search attribute (the dev server can register it). */
export async function hasWeftSearchAttribute(connection: Connection, namespace: string): Promise<boolean> {
  try {
    const response = await connection.operatorService.listSearchAttributes({ namespace });
    return WEFT_SEARCH_ATTRIBUTE in (response.customAttributes ?? {});
  } catch {
    return false; // Temporal Cloud answers this only through its cloud API: use the memo
  }
}

const STATUS: Record<string, RunStatus> = {
  RUNNING: 'running',
  CONTINUED_AS_NEW: 'running',
  COMPLETED: 'succeeded',
  FAILED: 'failed',
  TERMINATED: 'failed',
  TIMED_OUT: 'failed',
  CANCELLED: 'cancelled',
};

/** A run summary from a Temporal workflow execution (its memo says what Temporal's status cannot). */
export function summaryOf(info: WorkflowExecutionInfo): RunSummary {
  const memo = (info.memo ?? {}) as Partial<WeftMemo>;
  const status = memo.weftStatus ?? STATUS[info.status.name] ?? 'failed';
  const failure = info.status.name === 'FAILED' ? memo.weftError : undefined;
  const ended =
    info.status.name === 'TERMINATED'
      ? 'terminated'
      : info.status.name === 'TIMED_OUT'
        ? 'timed_out'
        : undefined;
  const code = memo.weftError ?? failure ?? ended;
  return {
    runId: info.workflowId,
    workflow: memo.weftWorkflow ?? info.type,
    status,
    startedAt: info.startTime.toISOString(),
    ...(info.closeTime ? { endedAt: info.closeTime.toISOString() } : {}),
    usage: memo.weftUsage ?? ZERO_USAGE,
    ...(code ? { error: { code, message: `Temporal status ${info.status.name}` } } : {}),
    needsAttention: false,
  };
}

export interface ListOptions {
  workflow?: string;
  status?: RunStatus;
  limit: number;
}

/** Weft runs on the namespace, newest first, through the visibility API. */
export async function listTemporalRuns(client: Client, options: ListOptions): Promise<RunSummary[]> {
  const query = `WorkflowType = '${WORKFLOW_TYPE}'`;
  const out: RunSummary[] = [];
  for await (const info of client.workflow.list({ query, pageSize: Math.min(1000, options.limit * 2) })) {
    const summary = summaryOf(info);
    if (options.workflow !== undefined && summary.workflow !== options.workflow) continue;
    if (options.status !== undefined && summary.status !== options.status) continue;
    out.push(summary);
    if (out.length >= options.limit) break;
  }
  return out;
}
