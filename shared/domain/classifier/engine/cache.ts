// The verdict cache: real bounce streams repeat a limited set of texts, and a verdict is a pure function of its evidence.
import type { Provider } from '../../types.js';
import { verdictOf, type RuleVerdict } from './verdict.js';

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

export function cachedVerdictOf(
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
