/**
 * How the model's int8 weights ship: a canonical Huffman code over the weight
 * values, the bits in base64. Lossless, and about half the size of plain
 * base64 (most weights are small, two in five are 0), which keeps the classify
 * bundle within its target. The weights themselves, and the hash the
 * reproducibility test compares, are those of `encodeWeights`.
 */

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
/** A code length as one base-36 character (0: the value does not occur). */
const LENGTH_DIGITS = 36;
const MAX_CODE_LENGTH = 24;

/** int8 weights as plain base64 (what the model's hash is computed over). */
export function encodeWeights(weights: Int8Array): string {
  const bytes = new Uint8Array(weights.buffer, weights.byteOffset, weights.byteLength);
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const a = bytes[i] ?? 0;
    const b = bytes[i + 1] ?? 0;
    const c = bytes[i + 2] ?? 0;
    out += BASE64[a >> 2];
    out += BASE64[((a & 3) << 4) | (b >> 4)];
    out += i + 1 < bytes.length ? BASE64[((b & 15) << 2) | (c >> 6)] : '=';
    out += i + 2 < bytes.length ? BASE64[c & 63] : '=';
  }
  return out;
}

/** The shipped form: each value's code length, and the coded weights. */
export interface PackedWeights {
  /** The smallest weight value; `codeLengths` starts there. */
  readonly minWeight: number;
  /** One base-36 digit per value from `minWeight` up: its code length in bits, 0 when the value does not occur. */
  readonly codeLengths: string;
  /** How many weights were coded. */
  readonly count: number;
  /** The codes, most significant bit first, six bits a base64 character. */
  readonly bits: string;
}

/**
 * Huffman code lengths of `counts` (value index → occurrences). Ties are broken
 * by a fixed order (fewest occurrences, then the subtree made first), so the
 * same weights always give the same code.
 */
function codeLengthsOf(counts: readonly number[]): number[] {
  interface Node {
    readonly count: number;
    readonly order: number;
    readonly values: readonly number[];
  }
  let nodes: Node[] = counts.flatMap((count, value) => (count > 0 ? [{ count, order: value, values: [value] }] : []));
  const lengths = counts.map(() => 0);
  if (nodes.length === 1) for (const value of nodes[0]?.values ?? []) lengths[value] = 1;
  let order = counts.length;
  while (nodes.length > 1) {
    nodes = [...nodes].sort((a, b) => a.count - b.count || a.order - b.order);
    const [a, b, ...rest] = nodes;
    if (a === undefined || b === undefined) break;
    for (const value of [...a.values, ...b.values]) lengths[value] = (lengths[value] ?? 0) + 1;
    nodes = [...rest, { count: a.count + b.count, order: order++, values: [...a.values, ...b.values] }];
  }
  return lengths;
}

/** The canonical code of each value: codes in order of length, then of value. */
function canonicalCodes(lengths: readonly number[]): Map<number, { code: number; length: number }> {
  const order = lengths
    .map((length, value) => ({ length, value }))
    .filter((e) => e.length > 0)
    .sort((a, b) => a.length - b.length || a.value - b.value);
  const codes = new Map<number, { code: number; length: number }>();
  let code = 0;
  let previous = order[0]?.length ?? 0;
  for (const { length, value } of order) {
    code <<= length - previous;
    previous = length;
    codes.set(value, { code, length });
    code++;
  }
  return codes;
}

export function packWeights(weights: Int8Array): PackedWeights {
  let min = 0;
  let max = 0;
  for (const w of weights) {
    min = Math.min(min, w);
    max = Math.max(max, w);
  }
  const counts = new Array<number>(max - min + 1).fill(0);
  for (const w of weights) counts[w - min] = (counts[w - min] ?? 0) + 1;
  const lengths = codeLengthsOf(counts);
  // A d-bit code needs at least Fibonacci(d + 2) weights: 16,384 give at most 19 bits (the decoder's table has 2^longest rows).
  if (lengths.some((l) => l > MAX_CODE_LENGTH)) throw new Error(`a weight code is longer than ${MAX_CODE_LENGTH} bits`);
  const codes = canonicalCodes(lengths);
  let bits = '';
  let pending = 0;
  let pendingBits = 0;
  for (const w of weights) {
    const { code, length } = codes.get(w - min) ?? { code: 0, length: 0 };
    for (let bit = length - 1; bit >= 0; bit--) {
      pending = (pending << 1) | ((code >>> bit) & 1);
      if (++pendingBits === 6) {
        bits += BASE64[pending];
        pending = 0;
        pendingBits = 0;
      }
    }
  }
  if (pendingBits > 0) bits += BASE64[pending << (6 - pendingBits)];
  return { minWeight: min, codeLengths: lengths.map((l) => l.toString(LENGTH_DIGITS)).join(''), count: weights.length, bits };
}

/**
 * The weights `packWeights` coded. Table-driven: the next `longest` bits index
 * a table of (value, code length), so each weight costs one look-up.
 */
export function unpackWeights(packed: PackedWeights): Int8Array {
  const lengths = [...packed.codeLengths].map((digit) => parseInt(digit, LENGTH_DIGITS));
  const codes = canonicalCodes(lengths);
  const longest = Math.max(...lengths);
  const valueAt = new Int8Array(1 << longest);
  const lengthAt = new Uint8Array(1 << longest);
  for (const [index, { code, length }] of codes) {
    // Every bit pattern that starts with this code.
    const from = code << (longest - length);
    valueAt.fill(index + packed.minWeight, from, from + (1 << (longest - length)));
    lengthAt.fill(length, from, from + (1 << (longest - length)));
  }
  const sextetOf = new Uint8Array(128);
  for (let i = 0; i < BASE64.length; i++) sextetOf[BASE64.charCodeAt(i)] = i;
  const out = new Int8Array(packed.count);
  const text = packed.bits;
  let char = 0;
  let buffer = 0;
  let buffered = 0;
  for (let o = 0; o < out.length; o++) {
    // Past the last character the code is padded with zero bits.
    while (buffered < longest) {
      buffer = (buffer << 6) | (char < text.length ? (sextetOf[text.charCodeAt(char)] ?? 0) : 0);
      char++;
      buffered += 6;
    }
    const next = (buffer >>> (buffered - longest)) & ((1 << longest) - 1);
    out[o] = valueAt[next] ?? 0;
    buffered -= lengthAt[next] ?? longest;
    buffer &= (1 << buffered) - 1;
  }
  return out;
}
