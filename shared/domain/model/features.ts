import type { SmtpReply } from '../types.js';

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

function hashed(name: string, buckets: number): HashedFeature {
  const hash = fnv1a(name);
  return { bucket: hash % buckets, sign: hash >>> 31 === 1 ? -1 : 1 };
}

/** How many words the masked reply text has (the model is not asked about a text of one word). */
export function wordCount(text: string): number {
  return maskedText(text.slice(0, MAX_TEXT))
    .split(WORD_SPLIT)
    .filter((w) => w !== '').length;
}

/**
 * The words of the reply (masked) and the hashed features. `named` is filled
 * with the word n-grams only when asked (the scorer's explanation), so the
 * common path allocates no strings for it.
 */
export function featuresOf(reply: SmtpReply, bounceType: string, buckets: number, named?: NamedFeature[]): HashedFeature[] {
  const out: HashedFeature[] = [];
  const add = (name: string, keep: boolean): void => {
    const feature = hashed(name, buckets);
    out.push(feature);
    if (keep && named !== undefined) named.push({ ...feature, name: name.slice(2) });
  };
  add('b:bias', false);
  const smtp = reply.smtpCode === null ? null : String(reply.smtpCode);
  add(`c:${smtp === null ? 'none' : `${smtp.charAt(0)}xx`}`, false);
  if (smtp !== null) add(`c:${smtp}`, false);
  const enhanced = reply.enhancedCode;
  if (enhanced === null) add('e:none', false);
  else {
    const [klass, subject] = enhanced.split('.');
    add(`e:${klass}.${subject}`, false);
    add(`e:${enhanced}`, false);
  }
  add(`t:${bounceType || 'none'}`, false);
  const text = maskedText(reply.text.slice(0, MAX_TEXT));
  const words = text.split(WORD_SPLIT).filter((w) => w !== '');
  for (let i = 0; i < words.length; i++) {
    add(`w:${words[i]}`, true);
    if (i + 1 < words.length) add(`w:${words[i]} ${words[i + 1]}`, true);
  }
  for (const word of words) {
    const padded = ` ${word} `;
    for (let n = 3; n <= 5; n++) {
      for (let i = 0; i + n <= padded.length; i++) add(`g:${padded.slice(i, i + n)}`, false);
    }
  }
  return out;
}
