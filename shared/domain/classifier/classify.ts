import { domainOf, normaliseAddress } from '../address.js';
import type { Decision, RecipientEvidence } from '../types.js';
import { cachedVerdictOf } from './engine/cache.js';
import { verdictOf } from './engine/verdict.js';
import { CATEGORY_POLICY, retryDelayFor } from './policy.js';
import { providerOfDomain } from './providers/index.js';

/**
 * Classify one bounced recipient. Pure and total: any input, however odd,
 * yields a decision (`unknown` when nothing is recognisable). `useCache =
 * false` computes the verdict afresh (tests check both give the same decision).
 */
export function classifyRecipient(evidence: RecipientEvidence, useCache = true): Decision {
  return classifyNormalisedRecipient(
    normaliseAddress(evidence.recipient ?? ''),
    evidence.diagnosticCode,
    evidence.status,
    evidence.bounceType,
    evidence.bounceSubType,
    useCache,
  );
}

/**
 * `classifyRecipient` for a recipient already normalised by `normaliseAddress`
 * (callers that keep the normal address anyway skip doing it twice).
 */
export function classifyNormalisedRecipient(
  recipient: string,
  diagnosticCode: string | null | undefined,
  status: string | null | undefined,
  bounceType: string | null | undefined,
  bounceSubType: string | null | undefined,
  useCache = true,
): Decision {
  const domainProvider = providerOfDomain(domainOf(recipient));
  const verdict = (useCache ? cachedVerdictOf : verdictOf)(
    domainProvider,
    diagnosticCode ?? '',
    status ?? '',
    bounceType ?? '',
    bounceSubType ?? '',
  );
  const policy = CATEGORY_POLICY[verdict.category];
  return {
    category: verdict.category,
    action: policy.action,
    suppress: policy.suppress,
    retryAfterSeconds: retryDelayFor(verdict.category, verdict.failureClass, recipient),
    failureClass: verdict.failureClass,
    provider: verdict.provider,
    smtpCode: verdict.smtpCode,
    enhancedCode: verdict.enhancedCode,
    rule: verdict.rule,
    diagnostic: verdict.diagnostic,
  };
}
