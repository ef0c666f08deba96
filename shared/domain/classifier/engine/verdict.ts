// One piece of evidence to a verdict: parse the reply, walk the table, and ask the model only when no rule holds.
import { UNKNOWN_RULE_ID } from '../precedence.js';
import { providerOfText } from '../providers/index.js';
import type { BounceCategory, FailureClass, Provider, SmtpReply } from '../../types.js';
import { firstMatchingRule } from './match.js';
import { wordCount } from './model/features.js';
import { secondOpinion } from './model/second-opinion.js';
import { MODEL } from './model/weights.js';
import { failureClassOf, parseSmtpReply } from './smtp.js';

/** The rule of a decision made by the learned second opinion (followed by its outcome, probability and words). */
export const MODEL_RULE_ID = 'model';

/** Longest diagnostic kept on a decision; enough for a person, bounded for storage. */
export const MAX_DIAGNOSTIC_LENGTH = 1000;

export function truncateDiagnostic(text: string | null | undefined): string | null {
  if (!text) return null;
  const trimmed = text.trim();
  if (trimmed === '') return null;
  return trimmed.length > MAX_DIAGNOSTIC_LENGTH ? `${trimmed.slice(0, MAX_DIAGNOSTIC_LENGTH - 1)}…` : trimmed;
}

/**
 * Everything in a decision that follows from the evidence alone: the reply,
 * SES's labels and the provider the recipient's domain names. Only the retry
 * delay depends on the address itself (a stable spread per address).
 */
export interface RuleVerdict {
  readonly category: BounceCategory;
  readonly rule: string;
  readonly failureClass: FailureClass;
  readonly provider: Provider;
  readonly smtpCode: number | null;
  readonly enhancedCode: string | null;
  readonly diagnostic: string | null;
}

/**
 * The verdict for one piece of evidence. `domainProvider` is what the
 * recipient's domain alone says (`providerOfDomain`); the reply text decides
 * the provider only when it is null, as in `providerOf`. Absent, null and
 * empty texts are the same evidence ("") for every step below.
 */
export function verdictOf(
  domainProvider: Provider | null,
  diagnosticCode: string,
  status: string,
  bounceType: string,
  bounceSubType: string,
): RuleVerdict {
  const reply = parseSmtpReply(diagnosticCode, status);
  const failureClass = failureClassOf(reply, bounceType);
  const provider = domainProvider ?? providerOfText(reply.text);
  const rule = firstMatchingRule({
    enhanced: reply.enhancedCode ?? '',
    smtp: reply.smtpCode === null ? '' : String(reply.smtpCode),
    text: reply.text,
    failureClass,
    provider,
    bounceType,
    bounceSubType,
  });
  const second = rule === undefined ? modelVerdict(reply, bounceType) : null;
  return {
    category: rule?.category ?? second?.category ?? 'unknown',
    rule: rule?.id ?? second?.rule ?? UNKNOWN_RULE_ID,
    failureClass,
    provider,
    smtpCode: reply.smtpCode,
    enhancedCode: reply.enhancedCode,
    diagnostic: truncateDiagnostic(diagnosticCode),
  };
}

/** Where the learned second opinion sends a failure no rule knows (it never suppresses). */
const MODEL_CATEGORY: Readonly<Record<'dead' | 'sender', BounceCategory>> = {
  // Held for a person's review, as a 554 with nothing sharper is: a model's word is not enough to suppress.
  dead: 'transaction-failed',
  // Sender-side: investigated, the address kept.
  sender: 'reputation-block',
};

/**
 * The learned second opinion where no rule matched: a dead address over the
 * review threshold goes to review, a sender-side failure is marked so, and
 * anything else stays `unknown`. The rule says `model`, the probability and
 * the three words that weighed most.
 */
function modelVerdict(reply: SmtpReply, bounceType: string): { category: BounceCategory; rule: string } | null {
  // A 2xx reply is no failure, and one word ("Rejected") says too little to weigh: both stay unknown.
  if (reply.smtpCode !== null && reply.smtpCode < 300) return null;
  if (wordCount(reply.text) < 2) return null;
  const opinion = secondOpinion(reply, bounceType);
  const outcome =
    opinion.deadProbability >= MODEL.threshold
      ? 'dead'
      : opinion.outcome === 'sender' && opinion.probability >= MODEL.senderThreshold
        ? 'sender'
        : null;
  if (outcome === null) return null;
  const probability = outcome === 'dead' ? opinion.deadProbability : opinion.probability;
  return {
    category: MODEL_CATEGORY[outcome],
    rule: `${MODEL_RULE_ID} ${outcome} p=${probability.toFixed(2)} (${opinion
      .evidence()
      .map((e) => `"${e}"`)
      .join(', ')})`,
  };
}
