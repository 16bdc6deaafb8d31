// POST /runs/{id}/approvals/{step}: a person's decision for an approval step the run waits for.
import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import { ApiError } from '../errors.js';
import { ref } from '../openapi/schemas.js';
import type { RunManager } from '../runs.js';
import { storeCall } from './runs.js';

export interface ApprovalRoutesOptions {
  runs: RunManager;
}

interface DecideBody {
  decision: string;
  comment?: string;
  by?: string;
}

const STATUS: Record<string, { code: number; error: string }> = {
  no_run: { code: 404, error: 'run_not_found' },
  unknown_step: { code: 404, error: 'step_not_found' },
  not_waiting: { code: 409, error: 'approval_not_waiting' },
  elsewhere: { code: 409, error: 'run_elsewhere' },
  invalid_decision: { code: 400, error: 'invalid_decision' },
  unsupported: { code: 409, error: 'approvals_unsupported' },
};

const approvalRoutes: FastifyPluginAsync<ApprovalRoutesOptions> = async (app, options) => {
  const { runs } = options;
  app.post<{ Params: { id: string; step: string }; Body: DecideBody }>(
    '/runs/:id/approvals/:step',
    {
      config: { apiErrors: ['409'] },
      schema: {
        operationId: 'decideApproval',
        summary: 'Decide an approval step the run waits for (approve, reject, ...)',
        description:
          'The decision, who (`by`, default `api`) and when go in the run journal and trace; the run continues. 404: unknown run or step; 409: the step is not waiting (already decided, or not reached); 400: the decision is not one the step allows.',
        tags: ['runs'],
        params: {
          type: 'object',
          properties: {
            id: { type: 'string', maxLength: 200 },
            step: {
              type: 'string',
              maxLength: 300,
              description: 'The step instance key (`review`, `each[2]`)',
            },
          },
          required: ['id', 'step'],
        },
        body: {
          type: 'object',
          properties: {
            decision: {
              type: 'string',
              minLength: 1,
              maxLength: 100,
              description: "One of the step's decisions",
            },
            comment: { type: 'string', maxLength: 10_000 },
            by: { type: 'string', minLength: 1, maxLength: 200, description: 'Who decides (default `api`)' },
          },
          required: ['decision'],
          additionalProperties: false,
        },
        response: { 200: ref('ApprovalDecided') },
      },
    },
    async (request) => {
      const { id, step } = request.params;
      const { decision, comment } = request.body;
      const by = request.body.by ?? 'api';
      const result = await storeCall(() =>
        runs.decideApproval(id, step, { decision, by, ...(comment !== undefined ? { comment } : {}) }),
      );
      if (!result.ok) {
        const status = STATUS[result.reason] ?? { code: 409, error: result.reason };
        throw new ApiError(
          status.code,
          status.error,
          result.message,
          result.decisions ? { decisions: result.decisions } : undefined,
        );
      }
      const approval = result.approval as { at?: string };
      return {
        runId: id,
        step,
        decision,
        by,
        at: approval.at ?? new Date().toISOString(),
        ...(comment !== undefined ? { comment } : {}),
      };
    },
  );
};

export default fp(approvalRoutes, { name: 'weft-approval-routes' });
