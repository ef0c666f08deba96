import { domainOf, normaliseAddress } from './address.js';
import { CATEGORY_POLICY, retryDelayFor } from './policy.js';
import { providerOfDomain, providerOfText } from './provider.js';
import { CLASSIFICATION_RULES, UNKNOWN_RULE_ID, type ClassificationRule } from './rules.js';
import { wordCount } from './model/features.js';
import { secondOpinion } from './model/second-opinion.js';
import { MODEL } from './model/weights.js';
import { failureClassOf, parseSmtpReply } from './smtp.js';
import type { BounceCategory, Decision, FailureClass, Provider, RecipientEvidence, SmtpReply } from './types.js';

/** The rule of a decision made by the learned second opinion (followed by its outcome, probability and words). */
export const MODEL_RULE_ID = 'model';

/** Longest diagnostic kept on a decision; enough for a person, bounded for storage. */
export const MAX_DIAGNOSTIC_LENGTH = 1000;

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

/** Index just past the group or character class that opens at `start`. */
function endOfBracket(source: string, start: number): number {
  let depth = 0;
  let inClass = false;
  for (let i = start; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') i++;
    else if (inClass) {
      if (c === ']') {
        inClass = false;
        if (depth === 0) return i + 1;
      }
    } else if (c === '[') inClass = true;
    else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return i + 1;
  }
  return source.length;
}

/** The top-level alternatives of a pattern, with `(?:…)` wrappers of whole alternatives opened up. */
function alternativesOf(source: string): string[] {
  const parts: string[] = [];
  let from = 0;
  for (let i = 0; i < source.length;) {
    const c = source[i];
    if (c === '\\') i += 2;
    else if (c === '(' || c === '[') i = endOfBracket(source, i);
    else if (c === '|') {
      parts.push(source.slice(from, i));
      from = ++i;
    } else i++;
  }
  parts.push(source.slice(from));
  return parts.flatMap((part) => {
    if (!part.startsWith('(?:')) return [part];
    const end = endOfBracket(part, 0);
    if (end === part.length) return alternativesOf(part.slice(3, -1));
    // `(?:a|b)rest` is `arest|brest` when the group is not quantified: distribute, so each starts with a character.
    const inner = alternativesOf(part.slice(3, end - 1));
    if (/^[?*+{]/.test(part.slice(end)) || inner.length > 12) return [part];
    return inner.flatMap((head) => alternativesOf(`(?:${head}${part.slice(end)})`));
  });
}

/**
 * The same pattern with its alternatives grouped by their first (literal)
 * character: `no such|not our|user unknown` becomes `n(?:o such|ot our)|u(?:ser unknown)`.
 * It matches exactly the same texts (only whether it matches is used), and V8
 * rejects a position after one character check instead of one per alternative.
 */
export function factorByFirstCharacter(source: string): string {
  return factorAlternatives(alternativesOf(source), 0);
}

/** Alternatives grouped into a trie on their leading plain characters, a few levels deep. */
function factorAlternatives(alternatives: readonly string[], depth: number): string {
  const byFirst = new Map<string, string[]>();
  const others: string[] = [];
  for (const written of alternatives) {
    // `\bx…` with x a word character is `x(?<!\w.)…` (the character before x is no word character): the same matches,
    // and it joins x's branch instead of being tried at every character of the text.
    const alternative = /^\\b[a-z0-9_](?![?*+{])/.test(written) ? `${written.charAt(2)}(?<!\\w.)${written.slice(3)}` : written;
    const first = alternative.charAt(0);
    // A plain character, not quantified: `a?`, `a*`, `a+` and `a{` stay as they are.
    if (depth < 4 && /^[a-z0-9 '<@\u0080-\uffff]$/.test(first) && !/^.[?*+{]/.test(alternative)) {
      const rests = byFirst.get(first) ?? [];
      rests.push(alternative.slice(1));
      byFirst.set(first, rests);
    } else others.push(alternative);
  }
  const grouped = [...byFirst].map(([first, rests]) =>
    rests.length === 1
      ? `${first}${rests[0]}`
      : `${first}(?:${factorAlternatives(
          rests.flatMap((rest) => alternativesOf(rest)),
          depth + 1,
        )})`,
  );
  return [...grouped, ...others].join('|');
}

/**
 * The longest run of plain characters that every match of an alternative
 * contains: groups, classes, assertions and anything quantified end a run.
 */
export function requiredLiteral(alternative: string): string {
  let longest = '';
  let run = '';
  const endRun = (): void => {
    if (run.length > longest.length) longest = run;
    run = '';
  };
  for (let i = 0; i < alternative.length;) {
    const c = alternative.charAt(i);
    if (c === '(' || c === '[') {
      endRun();
      i = endOfBracket(alternative, i);
      continue;
    }
    if (c === '{') {
      endRun();
      const close = alternative.indexOf('}', i);
      i = close === -1 ? alternative.length : close + 1;
      continue;
    }
    let character = c;
    let width = 1;
    if (c === '\\') {
      character = alternative.charAt(i + 1);
      width = 2;
      // `\d`, `\w`, `\b`, `\1`, `\u…` … stand for something else than the character itself.
      if (character === '' || /[0-9a-z]/i.test(character)) {
        endRun();
        i += width;
        continue;
      }
    } else if (')]}|.?*+^$'.includes(c)) {
      endRun();
      i++;
      continue;
    }
    const next = alternative.charAt(i + width);
    if (next === '?' || next === '*' || next === '{') {
      endRun();
    } else {
      run += character;
      if (next === '+') endRun();
    }
    i += width;
  }
  endRun();
  return longest;
}

/** Trigram hashes index a table small enough for the first-level cache (16 KiB of stamps). */
const GATE_SIZE = 1 << 12;
function trigramHash(text: string, at: number): number {
  return (text.charCodeAt(at) * 961 + text.charCodeAt(at + 1) * 31 + text.charCodeAt(at + 2)) & (GATE_SIZE - 1);
}

/**
 * The gate of a lower-cased pattern source, or null when some alternative
 * requires no literal of three characters. Per alternative: the count, then
 * the hashed trigrams of its required literal, all of which a match contains.
 */
export function trigramGate(lowerSource: string): Int32Array | null {
  const gate: number[] = [];
  for (const alternative of alternativesOf(lowerSource)) {
    const literal = requiredLiteral(alternative);
    if (literal.length < 3) return null;
    const hashes = new Set<number>();
    for (let at = 0; at + 2 < literal.length; at++) hashes.add(trigramHash(literal, at));
    gate.push(hashes.size, ...hashes);
  }
  return Int32Array.from(gate);
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

/**
 * Trigrams present in the current text, marked with a stamp that changes per
 * text (no clearing between texts). A hash collision only lets a pattern run.
 */
const trigramStamps = new Uint32Array(GATE_SIZE);
let currentStamp = 0;

function markTrigrams(text: string): number {
  if (currentStamp === 0xffffffff) {
    trigramStamps.fill(0);
    currentStamp = 0;
  }
  const stamp = ++currentStamp;
  // The same hash as `trigramHash`, rolled along the text (one character read per position).
  let first = text.charCodeAt(0);
  let second = text.charCodeAt(1);
  for (let at = 2; at < text.length; at++) {
    const third = text.charCodeAt(at);
    trigramStamps[(first * 961 + second * 31 + third) & (GATE_SIZE - 1)] = stamp;
    first = second;
    second = third;
  }
  return stamp;
}

/** Whether some alternative has every trigram of its literal in the current text. */
function gateOpen(gate: Int32Array, stamp: number): boolean {
  for (let at = 0; at < gate.length;) {
    const end = at + 1 + (gate[at] as number);
    let all = true;
    for (let i = at + 1; i < end; i++) {
      if (trigramStamps[gate[i] as number] !== stamp) {
        all = false;
        break;
      }
    }
    if (all) return true;
    at = end;
  }
  return false;
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

/** One cached verdict with every argument of `verdictOf` it was computed from, the diagnostic aside. */
interface CachedVerdict {
  readonly domainProvider: Provider | null;
  readonly status: string;
  readonly bounceType: string;
  readonly bounceSubType: string;
  readonly verdict: RuleVerdict;
}

/**
 * Verdicts of recently seen evidence, by diagnostic text. Real bounce streams
 * repeat a limited set of texts (one mail server's wording for one cause).
 * `verdictOf` is a pure function of its arguments, and an entry is only used
 * when every argument equals the one it was computed from: a cached verdict
 * is exactly the verdict `verdictOf` would return.
 *
 * Bounded and least-recently-used first, in two generations: lookups go to the
 * current one, then to the previous one (a hit there moves the entry up); when
 * the current one is full the previous one is dropped. Hits cost one lookup.
 * A text is kept from its second sighting on (see `seenBefore`).
 */
export const VERDICT_CACHE_LIMIT = 4096;
/** Longer diagnostics are not kept, so the cache holds at most about 4096 × 2048 characters of them. */
export const VERDICT_CACHE_MAX_KEY_LENGTH = 2048;
/** Verdicts kept per diagnostic (one per recipient provider, status and SES labels seen with it). */
const VERDICTS_PER_DIAGNOSTIC = 8;
/** Evidence with longer status and SES labels than this (together) is not kept. */
const MAX_LABELS_LENGTH = 64;
const GENERATION_SIZE = VERDICT_CACHE_LIMIT / 2;
let currentGeneration = new Map<string, CachedVerdict[]>();
let previousGeneration = new Map<string, CachedVerdict[]>();

function findVerdict(
  entries: readonly CachedVerdict[] | undefined,
  domainProvider: Provider | null,
  status: string,
  bounceType: string,
  bounceSubType: string,
): CachedVerdict | undefined {
  if (entries === undefined) return undefined;
  for (const entry of entries) {
    if (
      entry.domainProvider === domainProvider &&
      entry.status === status &&
      entry.bounceType === bounceType &&
      entry.bounceSubType === bounceSubType
    ) {
      return entry;
    }
  }
  return undefined;
}

function remember(diagnosticCode: string, entry: CachedVerdict): void {
  const entries = currentGeneration.get(diagnosticCode);
  if (entries !== undefined) {
    if (entries.length >= VERDICTS_PER_DIAGNOSTIC) entries.shift();
    entries.push(entry);
    return;
  }
  if (currentGeneration.size >= GENERATION_SIZE) {
    previousGeneration = currentGeneration;
    currentGeneration = new Map();
  }
  currentGeneration.set(diagnosticCode, [entry]);
}

function cachedVerdictOf(
  domainProvider: Provider | null,
  diagnosticCode: string,
  status: string,
  bounceType: string,
  bounceSubType: string,
): RuleVerdict {
  if (
    diagnosticCode.length > VERDICT_CACHE_MAX_KEY_LENGTH ||
    status.length + bounceType.length + bounceSubType.length > MAX_LABELS_LENGTH
  ) {
    return verdictOf(domainProvider, diagnosticCode, status, bounceType, bounceSubType);
  }
  const currentEntries = currentGeneration.get(diagnosticCode);
  const current = findVerdict(currentEntries, domainProvider, status, bounceType, bounceSubType);
  if (current !== undefined) return current.verdict;
  const previousEntries = previousGeneration.size === 0 ? undefined : previousGeneration.get(diagnosticCode);
  const previous = findVerdict(previousEntries, domainProvider, status, bounceType, bounceSubType);
  if (previous !== undefined) {
    remember(diagnosticCode, previous);
    return previous.verdict;
  }
  const verdict = verdictOf(domainProvider, diagnosticCode, status, bounceType, bounceSubType);
  // A text the cache does not hold is kept from its second sighting on: one unique to its message is never kept.
  if (currentEntries !== undefined || previousEntries !== undefined || seenBefore(diagnosticCode)) {
    remember(diagnosticCode, { domainProvider, status, bounceType, bounceSubType, verdict });
  }
  return verdict;
}

/**
 * Hashes of recently seen texts, one per slot (a newer text takes the slot).
 * What real servers make unique per message (session and queue ids) makes
 * many texts occur once: keeping those would only cost the garbage collector.
 * A collision only lets a text in early.
 */
const SEEN_SLOTS = 1 << 13;
const seenHashes = new Int32Array(SEEN_SLOTS);

/** Whether the text was (probably) seen since its slot was last taken; marks it seen. */
function seenBefore(text: string): boolean {
  let hash = 0x811c9dc5 ^ text.length;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  hash |= 1; // 0 marks an empty slot
  const slot = (hash >>> 7) & (SEEN_SLOTS - 1);
  if (seenHashes[slot] === hash) return true;
  seenHashes[slot] = hash;
  return false;
}

/** How many distinct diagnostics the verdict cache holds (tests and the bench read it). */
export function verdictCacheSize(): number {
  let size = currentGeneration.size;
  for (const key of previousGeneration.keys()) if (!currentGeneration.has(key)) size++;
  return size;
}

/** Empty the verdict cache (tests and the bench start cold with it). */
export function clearVerdictCache(): void {
  currentGeneration = new Map();
  previousGeneration = new Map();
  seenHashes.fill(0);
}

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
