import { describe, expect, it } from 'vitest';
import type { StepExecutor } from './executors.js';
import { checkWorkflow, type JournalEvent } from './runtime.js';
import { type Point, Stepper } from './stepper.js';

const WORKFLOW = `name: t
models:
  fast: { provider: mock, model: m }
steps:
  - id: review
    kind: approval
    prompt: "Ship it?"
    decisions: [ship, hold]
  - id: after
    kind: llm
    model: fast
    prompt: "\${{ steps.review.output.decision }}"
`;

const definition = checkWorkflow(WORKFLOW).definition!;
const started: JournalEvent = { type: 'run_started', runId: 'r', workflow: 't', inputs: {} };
const echo: StepExecutor = {
  live: true,
  async execute(command) {
    const prompt = (command.request as { prompt: string }).prompt;
    return {
      event: {
        type: 'step_completed',
        key: command.key,
        output: { text: prompt },
        usage: { inputTokens: 0, outputTokens: 0, totalTokens: 0, costUsd: 0 },
        calls: [],
      },
    };
  },
};

describe('the debugger stepper and approval steps', () => {
  it('a live run takes the first decision, says so, and stops after it on request', async () => {
    const stepper = new Stepper({ definition, inputs: {}, journal: [started], executor: echo });
    const stop = await stepper.advance((p: Point) => (p.key === 'review' ? 'breakpoint' : undefined));
    expect(stop).toMatchObject({ stopped: { kind: 'after', key: 'review' } });
    const end = await stepper.advance(() => undefined);
    expect(end).toEqual({ ended: { status: 'succeeded', outputs: {} } });
    expect(stepper.journal).toContainEqual(
      expect.objectContaining({ type: 'approval_decided', decision: 'ship', by: 'debugger' }),
    );
    expect(stepper.journal).toContainEqual(
      expect.objectContaining({ type: 'warning', message: expect.stringMatching(/decided ship/) }),
    );
    expect(stepper.journal).toContainEqual(
      expect.objectContaining({ type: 'step_completed', key: 'after', output: { text: 'ship' } }),
    );
  });

  it('a replay takes the recorded decision', async () => {
    const executor: StepExecutor = { ...echo, approve: () => ({ decision: 'hold', by: 'ada' }) };
    const stepper = new Stepper({ definition, inputs: {}, journal: [started], executor });
    await stepper.advance(() => undefined);
    expect(stepper.journal).toContainEqual(
      expect.objectContaining({ type: 'approval_decided', decision: 'hold', by: 'ada' }),
    );
    expect(stepper.journal.some((e) => e.type === 'warning')).toBe(false);
  });
});
