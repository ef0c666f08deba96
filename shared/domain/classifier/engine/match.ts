// The walk over the precedence table: the rules whose codes hold (cached per combination of codes), then their
// patterns, compiled by the optimiser and skipped by their gates when they cannot match.
import { CLASSIFICATION_RULES } from '../precedence.js';
import type { ClassificationRule } from '../wording.js';
import type { FailureClass, Provider } from '../../types.js';
import { factorByFirstCharacter, gateOpen, markTrigrams, trigramGate } from './optimise.js';

export interface RuleInput {
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
  /**
   * A cheap necessary condition for `lowerText` (see `trigramGate`): when it
   * fails the pattern cannot match and is not run; null means always run.
   */
  readonly gate: Int32Array | null;
}

function compile(rule: ClassificationRule): CompiledRule {
  const text = rule.text;
  // Only when lower-casing the source cannot change an escape's meaning (\D, \S, \W, \B, \P…).
  const lowerable = text !== undefined && text.flags.includes('i') && !/\\[A-Z]/.test(text.source);
  // Case-sensitive patterns (provider codes, SES's own texts) run as written: a test for their literals first (one
  // `includes` per alternative) took longer than the pattern itself on every bench text.
  if (!lowerable) return { rule, lowerText: null, gate: null };
  const lowerSource = text.source.toLowerCase();
  return {
    rule,
    lowerText: new RegExp(factorByFirstCharacter(lowerSource), text.flags.replace('i', '')),
    gate: trigramGate(lowerSource),
  };
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
interface CandidateEntry {
  readonly bounceType: string;
  readonly bounceSubType: string;
  readonly candidates: readonly CompiledRule[];
}

const candidatesByEvidence = new WeakMap<readonly ClassificationRule[], Map<string, CandidateEntry[]>>();
const CANDIDATE_CACHE_LIMIT = 4096;
const ENTRIES_PER_CODE_KEY = 16;

function candidatesFor(rules: readonly ClassificationRule[], input: RuleInput): readonly CompiledRule[] {
  let cache = candidatesByEvidence.get(rules);
  if (!cache) {
    cache = new Map();
    candidatesByEvidence.set(rules, cache);
  }
  // Codes length-prefixed, class and provider plain words: no two inputs share a key. SES's labels (free
  // text) are compared as they are.
  const key = `${input.enhanced.length}:${input.enhanced}${input.smtp.length}:${input.smtp}|${input.failureClass}|${input.provider}`;
  let entries = cache.get(key);
  if (entries !== undefined) {
    for (const entry of entries) {
      if (entry.bounceType === input.bounceType && entry.bounceSubType === input.bounceSubType) return entry.candidates;
    }
  }
  const candidates = compiled(rules).filter((entry) => codesHold(entry.rule, input));
  if (entries === undefined) {
    if (cache.size >= CANDIDATE_CACHE_LIMIT) cache.clear();
    entries = [];
    cache.set(key, entries);
  }
  if (entries.length >= ENTRIES_PER_CODE_KEY) entries.shift();
  entries.push({ bounceType: input.bounceType, bounceSubType: input.bounceSubType, candidates });
  return candidates;
}

/**
 * The first rule of `rules` that holds for `input`, or undefined. The gates
 * only skip patterns that cannot match; `useGates = false` runs every pattern
 * (tests check both give the same rule).
 */
export function firstMatchingRule(
  input: RuleInput,
  rules: readonly ClassificationRule[] = CLASSIFICATION_RULES,
  useGates = true,
): ClassificationRule | undefined {
  let lower: string | null = null;
  let stamp = 0;
  for (const { rule, lowerText, gate } of candidatesFor(rules, input)) {
    if (rule.text === undefined) return rule;
    if (lowerText === null) {
      if (rule.text.test(input.text)) return rule;
      continue;
    }
    lower ??= input.text.toLowerCase();
    if (gate !== null && useGates) {
      // No alternative's literal has all its trigrams in the text: the pattern cannot match.
      if (stamp === 0) stamp = markTrigrams(lower);
      if (!gateOpen(gate, stamp)) continue;
    }
    if (lowerText.test(lower)) return rule;
  }
  return undefined;
}
