import type { SmtpReply } from '../../../types.js';

/**
 * The features of the learned second opinion: word 1–2-grams and character
 * 3–5-grams of the reply text (addresses, hosts and digits masked, so a line
 * differing only by them is the same line), the reply code's class and its
 * enhanced code's class and subject. Each feature is hashed into one of
 * `buckets` weights, with a sign from the same hash (collisions then cancel
 * on average rather than add up). Training and scoring share this code.
 */
export interface HashedFeature {
  readonly bucket: number;
  readonly sign: 1 | -1;
}

/** A word n-gram, kept by the scorer to say which words weighed most. */
export interface NamedFeature extends HashedFeature {
  readonly name: string;
}

const ADDRESS = /[^\s<>()[\]"',;:]+@[^\s<>()[\]"',;:]+/g;
const BRACKETED_HOST = /\[[^\]\s]{0,80}\]/g;
const URL = /\bhttps?:\/\/\S+/g;
const DIGITS = /\d+/g;
const WORD_SPLIT = /[^\p{L}\p{N}']+/u;
/** Longest text read: real replies are shorter, and the cost stays bounded for any input. */
const MAX_TEXT = 600;

/** The reply text as the model reads it: lower case, addresses, hosts in brackets, links and digits masked. */
export function maskedText(text: string): string {
  return text
    .toLowerCase()
    .replace(URL, ' url ')
    .replace(ADDRESS, ' addr ')
    .replace(BRACKETED_HOST, ' host ')
    .replace(DIGITS, '0')
    .replace(/\s+/g, ' ')
    .trim();
}

/** FNV-1a over UTF-16 code units: stable across runs and machines. */
export function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}

/** How many words the masked reply text has (the model is not asked about a text of one word). */
export function wordCount(text: string): number {
  return maskedText(text.slice(0, MAX_TEXT))
    .split(WORD_SPLIT)
    .filter((w) => w !== '').length;
}

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** FNV-1a state after `text`, continuing from `hash` (the same value `fnv1a` gives for the whole string). */
function extend(hash: number, text: string, from = 0, to = text.length): number {
  for (let i = from; i < to; i++) hash = Math.imul(hash ^ text.charCodeAt(i), FNV_PRIME);
  return hash;
}

const W_PREFIX = extend(FNV_OFFSET, 'w:');
const G_PREFIX = extend(FNV_OFFSET, 'g:');
const SPACE = ' '.charCodeAt(0);

/** Called once per feature with its bucket and sign; `name` only for word n-grams, and only when `names` was asked. */
export type FeatureVisitor = (bucket: number, sign: 1 | -1, name?: string) => void;

/**
 * Visits every feature of a reply without building the feature strings: each
 * hash is extended character by character (FNV-1a), so a word bigram or a
 * character 5-gram costs a few multiplications and no allocation. The
 * hashes are exactly `fnv1a` of the names `featuresOf` lists.
 */
export function visitFeatures(reply: SmtpReply, bounceType: string, buckets: number, visit: FeatureVisitor, names = false): void {
  // A power-of-two count of buckets takes the low bits (the same bucket as the remainder, cheaper).
  const mask = (buckets & (buckets - 1)) === 0 ? buckets - 1 : -1;
  const emit = (raw: number, name?: string): void => {
    const hash = raw >>> 0;
    visit(mask >= 0 ? hash & mask : hash % buckets, hash >>> 31 === 1 ? -1 : 1, name);
  };
  emit(fnv1a('b:bias'));
  const smtp = reply.smtpCode === null ? null : String(reply.smtpCode);
  emit(fnv1a(`c:${smtp === null ? 'none' : `${smtp.charAt(0)}xx`}`));
  if (smtp !== null) emit(fnv1a(`c:${smtp}`));
  const enhanced = reply.enhancedCode;
  if (enhanced === null) emit(fnv1a('e:none'));
  else {
    const [klass, subject] = enhanced.split('.');
    emit(fnv1a(`e:${klass}.${subject}`));
    emit(fnv1a(`e:${enhanced}`));
  }
  emit(fnv1a(`t:${bounceType || 'none'}`));
  const words = maskedText(reply.text.slice(0, MAX_TEXT))
    .split(WORD_SPLIT)
    .filter((w) => w !== '');
  for (let i = 0; i < words.length; i++) {
    const word = words[i] ?? '';
    const unigram = extend(W_PREFIX, word);
    emit(unigram, names ? word : undefined);
    const next = words[i + 1];
    if (next !== undefined) emit(extend(Math.imul(unigram ^ SPACE, FNV_PRIME), next), names ? `${word} ${next}` : undefined);
  }
  for (const word of words) {
    // The character n-grams of " word ": spaces mark the word's start and end.
    const padded = ` ${word} `;
    const length = padded.length;
    for (let start = 0; start + 3 <= length; start++) {
      let hash = G_PREFIX;
      for (let k = start; k < start + 5 && k < length; k++) {
        hash = Math.imul(hash ^ padded.charCodeAt(k), FNV_PRIME);
        if (k - start >= 2) emit(hash);
      }
    }
  }
}

/**
 * The hashed features as a list (the trainer's form), the word n-grams named
 * in `named` when given (built by `visitFeatures`, so the two agree).
 */
export function featuresOf(reply: SmtpReply, bounceType: string, buckets: number, named?: NamedFeature[]): HashedFeature[] {
  const out: HashedFeature[] = [];
  visitFeatures(
    reply,
    bounceType,
    buckets,
    (bucket, sign, name) => {
      out.push({ bucket, sign });
      if (name !== undefined && named !== undefined) named.push({ bucket, sign, name });
    },
    named !== undefined,
  );
  return out;
}
