/*
 * The pattern optimiser: rewrites a family's pattern into one V8 runs faster
 * with exactly the same matches, and derives the trigram gate that skips a
 * pattern on texts that cannot match it. Knows nothing of bounces.
 */

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
 * requires no literal of three characters. Alternatives are grouped by one
 * trigram they all contain (see the layout below); every trigram of an
 * alternative's required literal is in any text it matches.
 */
export function trigramGate(lowerSource: string): Int32Array | null {
  const perAlternative: number[][] = [];
  // How many alternatives share each trigram ("no such user", "no such mailbox"… all hold " su").
  const shared = new Map<number, number>();
  for (const alternative of alternativesOf(lowerSource)) {
    const literal = requiredLiteral(alternative);
    if (literal.length < 3) return null;
    const hashes = new Set<number>();
    for (let at = 0; at + 2 < literal.length; at++) hashes.add(trigramHash(literal, at));
    for (const hash of hashes) shared.set(hash, (shared.get(hash) ?? 0) + 1);
    perAlternative.push([...hashes]);
  }
  // Alternatives grouped by their most shared trigram: one lookup rules out a whole group when it is absent.
  const groups = new Map<number, number[][]>();
  for (const hashes of perAlternative) {
    let key = hashes[0] as number;
    for (const hash of hashes) if ((shared.get(hash) ?? 0) > (shared.get(key) ?? 0)) key = hash;
    const rest = hashes.filter((hash) => hash !== key);
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [rest]);
    else group.push(rest);
  }
  // Per group: its trigram, the group's length after these two, then per alternative its count and other trigrams.
  const gate: number[] = [];
  for (const [key, members] of groups) {
    const body = members.flatMap((rest) => [rest.length, ...rest]);
    gate.push(key, body.length, ...body);
  }
  return Int32Array.from(gate);
}

/**
 * Trigrams present in the current text, marked with a stamp that changes per
 * text (no clearing between texts). A hash collision only lets a pattern run.
 */
const trigramStamps = new Uint32Array(GATE_SIZE);
let currentStamp = 0;

export function markTrigrams(text: string): number {
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
export function gateOpen(gate: Int32Array, stamp: number): boolean {
  for (let group = 0; group < gate.length;) {
    const groupEnd = group + 2 + (gate[group + 1] as number);
    if (trigramStamps[gate[group] as number] === stamp) {
      for (let at = group + 2; at < groupEnd;) {
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
    }
    group = groupEnd;
  }
  return false;
}
