// Approval steps in VS Code: a notification when a run the Runs view shows waits for a decision (one
// button per decision), and the Approve…/Reject… actions of a waiting run, through
// POST /runs/{id}/approvals/{step}.
import { userInfo } from 'node:os';
import * as vscode from 'vscode';
import {
  type ApprovalRecord,
  pendingApprovals,
  type RunRecord,
  type RuntimeClient,
} from '../runtime-client/client.js';

/** What Approve…/Reject… accept besides a Runs view item (tests, automation): no prompt when complete. */
export interface ApprovalRequest {
  runId: string;
  step?: string;
  decision?: string;
  comment?: string;
}

function who(): string {
  try {
    return userInfo().username || 'vscode';
  } catch {
    return 'vscode';
  }
}

export class ApprovalNotifier {
  /** `runId/step` of every approval a notification was shown for (once each). */
  readonly notified = new Set<string>();

  constructor(
    private readonly client: () => Promise<RuntimeClient | undefined>,
    private readonly log: vscode.LogOutputChannel,
    private readonly reload: (runId: string) => Promise<unknown>,
  ) {}

  /** Shows a notification for each approval of `run` that waits and was not shown yet. */
  consider(run: RunRecord): void {
    for (const approval of pendingApprovals(run)) {
      const id = `${run.runId}/${approval.step}`;
      if (this.notified.has(id)) continue;
      this.notified.add(id);
      void vscode.window
        .showInformationMessage(
          `Weft: ${run.workflow} waits for a decision on ${approval.step}: ${approval.prompt}`,
          ...approval.decisions,
        )
        .then((decision) => {
          if (decision) void this.decide({ runId: run.runId, step: approval.step, decision });
        });
    }
  }

  /**
   * Decides an approval of `run`: the step (asked when several wait), the decision (asked unless given
   * or implied by `prefer`) and an optional comment (asked only when nothing was given).
   */
  async decide(request: ApprovalRequest, run?: RunRecord, prefer?: 'approve' | 'reject'): Promise<boolean> {
    const client = await this.client();
    if (!client) return false;
    const record = run?.approvals ? run : await client.getRun(request.runId);
    const waiting = pendingApprovals(record);
    if (waiting.length === 0) {
      void vscode.window.showInformationMessage(`Weft: run ${request.runId} waits for no decision`);
      return false;
    }
    const approval = request.step
      ? waiting.find((a) => a.step === request.step)
      : waiting.length === 1
        ? waiting[0]
        : await pickStep(waiting);
    if (!approval) return false;
    const interactive = request.decision === undefined;
    let decision = request.decision;
    if (decision === undefined && prefer && approval.decisions.includes(prefer)) decision = prefer;
    decision ??= await vscode.window.showQuickPick(approval.decisions, {
      title: `${approval.step}: ${approval.prompt}`,
      placeHolder: 'the decision',
    });
    if (!decision) return false;
    const comment =
      request.comment ??
      (interactive
        ? await vscode.window.showInputBox({
            title: `${decision} ${approval.step}`,
            prompt: 'A comment (optional)',
          })
        : undefined);
    try {
      await client.decideApproval(request.runId, approval.step, {
        decision,
        by: who(),
        ...(comment ? { comment } : {}),
      });
      this.log.info(`run ${request.runId}: ${approval.step} ${decision}`);
      await this.reload(request.runId);
      return true;
    } catch (error) {
      void vscode.window.showErrorMessage(`Weft: the decision was not recorded: ${(error as Error).message}`);
      return false;
    }
  }
}

async function pickStep(waiting: ApprovalRecord[]): Promise<ApprovalRecord | undefined> {
  const picked = await vscode.window.showQuickPick(
    waiting.map((a) => ({ label: a.step, detail: a.prompt, approval: a })),
    { title: 'Which approval?' },
  );
  return picked?.approval;
}
