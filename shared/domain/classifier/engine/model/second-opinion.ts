import type { SmtpReply } from '../../../types.js';
import { visitFeatures } from './features.js';
import { unpackWeights } from './weight-codec.js';
import { MODEL } from './weights.js';

/** What the second opinion says about a failure the rules do not recognise. */
export const OUTCOMES = ['dead', 'sender', 'temp'] as const;
export type Outcome = (typeof OUTCOMES)[number];

export interface SecondOpinion {
  readonly outcome: Outcome;
  /** The model's probability of that outcome. */
  readonly probability: number;
  /** P(dead), compared with the review threshold. */
  readonly deadProbability: number;
  /** The three words or word pairs that pushed most toward the outcome (worked out only when asked). */
  readonly evidence: () => readonly string[];
}

/** Decoded on first use only: most processes never meet a text the rules do not know. */
let weights: Int8Array | null = null;

/**
 * The learned second opinion on a reply: a linear model over hashed word and
 * character n-grams and the codes (see features.ts), trained by
 * scripts/train-model.ts on the repository's labelled lines.
 */
export function secondOpinion(reply: SmtpReply, bounceType: string): SecondOpinion {
  const w = (weights ??= unpackWeights(MODEL.weights));
  let dead = 0;
  let sender = 0;
  visitFeatures(reply, bounceType, MODEL.buckets, (bucket, sign) => {
    dead += sign * (w[2 * bucket] ?? 0);
    sender += sign * (w[2 * bucket + 1] ?? 0);
  });
  dead *= MODEL.deadScale;
  sender *= MODEL.senderScale;
  const top = Math.max(dead, sender, 0);
  const ed = Math.exp(dead - top);
  const es = Math.exp(sender - top);
  const et = Math.exp(-top);
  const sum = ed + es + et;
  const p = { dead: ed / sum, sender: es / sum, temp: et / sum };
  const outcome: Outcome = p.dead >= p.sender && p.dead >= p.temp ? 'dead' : p.sender >= p.temp ? 'sender' : 'temp';
  return { outcome, probability: p[outcome], deadProbability: p.dead, evidence: () => weighedMost(reply, bounceType, outcome) };
}

/** An n-gram of mask tokens only says nothing a person can read. */
const MASK_ONLY = /^(?:addr|url|host|0)(?: (?:addr|url|host|0))?$/;

/** The word n-grams with the largest push toward `outcome` over the others (temp is the reference, logit 0). */
function weighedMost(reply: SmtpReply, bounceType: string, outcome: Outcome): string[] {
  const w = weights ?? new Int8Array(0);
  const best = new Map<string, number>();
  visitFeatures(
    reply,
    bounceType,
    MODEL.buckets,
    (bucket, sign, name) => {
      if (name === undefined || MASK_ONLY.test(name)) return;
      const d = sign * (w[2 * bucket] ?? 0) * MODEL.deadScale;
      const s = sign * (w[2 * bucket + 1] ?? 0) * MODEL.senderScale;
      const value = outcome === 'dead' ? d - Math.max(s, 0) : outcome === 'sender' ? s - Math.max(d, 0) : -Math.max(d, s);
      if (value > (best.get(name) ?? 0)) best.set(name, value);
    },
    true,
  );
  return [...best.entries()]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, 3)
    .map(([name]) => name);
}
