import { domainOf, normaliseAddress } from './address.js';
import { CATEGORY_POLICY, retryDelayFor } from './policy.js';
import { providerOf } from './provider.js';
import { CLASSIFICATION_RULES, UNKNOWN_RULE_ID, type ClassificationRule } from './rules.js';
import { failureClassOf, parseSmtpReply } from './smtp.js';
import type { BounceCategory, Decision, FailureClass, Provider, RecipientEvidence } from './types.js';

/** Longest diagnostic kept on a decision; enough for a person, bounded for storage. */
export const MAX_DIAGNOSTIC_LENGTH = 1000;

interface RuleInput {
  readonly enhanced: string;
  readonly smtp: string;
  readonly text: string;
  readonly failureClass: FailureClass;
  readonly provider: Provider;
  readonly bounceType: string;
  readonly bounceSubType: string;
}

/**
 * A rule's case-insensitive text pattern, compiled once to a case-sensitive
 * one over lower-cased text: the same matches, and V8 runs it faster.
 */
interface CompiledRule {
  readonly rule: ClassificationRule;
  readonly lowerText: RegExp | null;
}

function compile(rule: ClassificationRule): CompiledRule {
  const text = rule.text;
  // Only when lower-casing the source cannot change an escape's meaning (\D, \S, \W, \B, \P…).
  const lowerable = text !== undefined && text.flags.includes('i') && !/\\[A-Z]/.test(text.source);
  return { rule, lowerText: lowerable ? new RegExp(text.source.toLowerCase(), text.flags.replace('i', '')) : null };
}

const compiledRules = new WeakMap<readonly ClassificationRule[], readonly CompiledRule[]>();
function compiled(rules: readonly ClassificationRule[]): readonly CompiledRule[] {
  let result = compiledRules.get(rules);
  if (!result) {
    result = rules.map(compile);
    compiledRules.set(rules, result);
  }
  return result;
}

/** Every condition of the rule except its text: codes, class, provider and SES labels. */
function codesHold(rule: ClassificationRule, input: RuleInput): boolean {
  return (
    (rule.classes === undefined || rule.classes.includes(input.failureClass)) &&
    (rule.providers === undefined || rule.providers.includes(input.provider)) &&
    (rule.sesBounceType === undefined || rule.sesBounceType.includes(input.bounceType)) &&
    (rule.sesSubType === undefined || rule.sesSubType.includes(input.bounceSubType)) &&
    (rule.enhanced === undefined || rule.enhanced.test(input.enhanced)) &&
    (rule.smtp === undefined || rule.smtp.test(input.smtp))
  );
}

/**
 * The rules whose non-text conditions hold, per combination of codes, class,
 * provider and SES labels. Few combinations occur in practice, so the walk over
 * the table only tests text patterns. Bounded: cleared when it grows past the limit.
 */
const candidatesByEvidence = new WeakMap<readonly ClassificationRule[], Map<string, readonly CompiledRule[]>>();
const CANDIDATE_CACHE_LIMIT = 4096;

function candidatesFor(rules: readonly ClassificationRule[], input: RuleInput): readonly CompiledRule[] {
  let cache = candidatesByEvidence.get(rules);
  if (!cache) {
    cache = new Map();
    candidatesByEvidence.set(rules, cache);
  }
  const key = `${input.enhanced}|${input.smtp}|${input.failureClass}|${input.provider}|${input.bounceType}|${input.bounceSubType}`;
  let candidates = cache.get(key);
  if (!candidates) {
    candidates = compiled(rules).filter((entry) => codesHold(entry.rule, input));
    if (cache.size >= CANDIDATE_CACHE_LIMIT) cache.clear();
    cache.set(key, candidates);
  }
  return candidates;
}

/** The first rule of `rules` that holds for `input`, or undefined. */
export function firstMatchingRule(
  input: RuleInput,
  rules: readonly ClassificationRule[] = CLASSIFICATION_RULES,
): ClassificationRule | undefined {
  let lower: string | null = null;
  for (const { rule, lowerText } of candidatesFor(rules, input)) {
    if (rule.text === undefined) return rule;
    if (lowerText === null) {
      if (rule.text.test(input.text)) return rule;
      continue;
    }
    lower ??= input.text.toLowerCase();
    if (lowerText.test(lower)) return rule;
  }
  return undefined;
}

/** Build a decision for a category, applying the category's policy. */
export function decisionFor(
  category: BounceCategory,
  rule: string,
  context: {
    recipient: string;
    failureClass: FailureClass;
    provider: Provider;
    smtpCode: number | null;
    enhancedCode: string | null;
    diagnostic: string | null;
  },
): Decision {
  const policy = CATEGORY_POLICY[category];
  return {
    category,
    action: policy.action,
    suppress: policy.suppress,
    retryAfterSeconds: retryDelayFor(category, context.failureClass, context.recipient),
    failureClass: context.failureClass,
    provider: context.provider,
    smtpCode: context.smtpCode,
    enhancedCode: context.enhancedCode,
    rule,
    diagnostic: context.diagnostic,
  };
}

export function truncateDiagnostic(text: string | null | undefined): string | null {
  if (!text) return null;
  const trimmed = text.trim();
  if (trimmed === '') return null;
  return trimmed.length > MAX_DIAGNOSTIC_LENGTH ? `${trimmed.slice(0, MAX_DIAGNOSTIC_LENGTH - 1)}…` : trimmed;
}

/**
 * Classify one bounced recipient. Pure and total: any input, however odd,
 * yields a decision (`unknown` when nothing is recognisable).
 */
export function classifyRecipient(evidence: RecipientEvidence): Decision {
  const recipient = normaliseAddress(evidence.recipient ?? '');
  const reply = parseSmtpReply(evidence.diagnosticCode, evidence.status);
  const bounceType = evidence.bounceType ?? '';
  const failureClass = failureClassOf(reply, bounceType);
  const provider = providerOf(domainOf(recipient), reply.text);
  const rule = firstMatchingRule({
    enhanced: reply.enhancedCode ?? '',
    smtp: reply.smtpCode === null ? '' : String(reply.smtpCode),
    text: reply.text,
    failureClass,
    provider,
    bounceType,
    bounceSubType: evidence.bounceSubType ?? '',
  });
  return decisionFor(rule?.category ?? 'unknown', rule?.id ?? UNKNOWN_RULE_ID, {
    recipient,
    failureClass,
    provider,
    smtpCode: reply.smtpCode,
    enhancedCode: reply.enhancedCode,
    diagnostic: truncateDiagnostic(evidence.diagnosticCode),
  });
}
