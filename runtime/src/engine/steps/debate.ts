// Debate: participants make claims with confidence over several rounds, a judge scores them,
// and Elo ratings (persisted across runs) are updated once per step instance.
import type { JsonSchema, JsonValue } from '../../language/types.js';
import type { DebateRequest } from '../commands.js';
import type { StepContext } from './context.js';
import { debateWinner, updateElo } from './elo.js';
import type { ModelCaller } from './model-call.js';
import { askForJson } from './structured.js';

const CLAIMS_SCHEMA: JsonSchema = {
  type: 'object',
  properties: {
    claims: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        properties: { text: { type: 'string' }, confidence: { type: 'number', minimum: 0, maximum: 1 } },
        required: ['text', 'confidence'],
      },
    },
  },
  required: ['claims'],
};

const MAX_ASKS = 3;

interface Turn {
  round: number;
  participant: string;
  claims: Array<{ text: string; confidence: number }>;
}

function judgeSchema(names: string[]): JsonSchema {
  return {
    type: 'object',
    properties: {
      scores: {
        type: 'object',
        properties: Object.fromEntries(names.map((n) => [n, { type: 'number', minimum: 0, maximum: 10 }])),
        required: names,
      },
      winner: { type: 'string', enum: names },
    },
    required: ['scores', 'winner'],
  };
}

function render(transcript: Turn[]): string {
  return transcript
    .map(
      (t) =>
        `Round ${t.round}, ${t.participant}:\n${t.claims.map((c) => `- ${c.text} (confidence ${c.confidence})`).join('\n')}`,
    )
    .join('\n\n');
}

export async function runDebate(
  request: DebateRequest,
  caller: ModelCaller,
  ctx: StepContext,
  key: string,
): Promise<JsonValue> {
  const names = request.participants.map((p) => p.name);
  const transcript: Turn[] = [];
  for (let round = 1; round <= request.rounds; round++) {
    const before = render(transcript);
    const turns = await Promise.all(
      request.participants.map(async (p) => {
        const prompt = [
          `Debate topic: ${request.topic}`,
          `You are ${p.name}${p.stance ? `, arguing: ${p.stance}` : ''}. This is round ${round} of ${request.rounds}.`,
          before ? `The debate so far:\n${before}` : 'You speak first.',
          'State your claims, each with your confidence between 0 and 1, as JSON {"claims":[{"text","confidence"}]}.',
        ].join('\n\n');
        const value = (await askForJson(
          caller,
          p.model,
          { messages: [{ role: 'user', content: prompt }] },
          CLAIMS_SCHEMA,
          MAX_ASKS,
        )) as { claims: Turn['claims'] };
        return { round, participant: p.name, claims: value.claims };
      }),
    );
    transcript.push(...turns);
  }

  const verdict = (await askForJson(
    caller,
    request.judge.model,
    {
      ...(request.judge.instructions ? { system: request.judge.instructions } : {}),
      messages: [
        {
          role: 'user',
          content: `Judge this debate on "${request.topic}". Score each participant from 0 to 10 and name the winner.\n\n${render(transcript)}`,
        },
      ],
    },
    judgeSchema(names),
    MAX_ASKS,
  )) as { scores: Record<string, number>; winner: string };

  // One decision: the winner is read from the scores, and the ratings are updated from the same games.
  const scores = Object.fromEntries(names.map((n) => [n, Number(verdict.scores[n] ?? 0)]));
  const winner = debateWinner(scores, verdict.winner);
  const ratings = await ctx.ratings.update(ctx.definition.name, `${ctx.runId}/${key}`, (current) =>
    updateElo(Object.fromEntries(names.map((n) => [n, current[n] ?? 1500])), scores, request.kFactor, winner),
  );
  return { winner, scores, ratings, transcript: transcript as unknown as JsonValue };
}
