/** Edit distance with adjacent transpositions (optimal string alignment): "lokup" is 1 from "lookup", "lookpu" too. */
export function editDistance(a: string, b: string): number {
  const rows: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 0; j <= b.length; j++) (rows[0] as number[])[j] = j;
  for (let i = 1; i <= a.length; i++) {
    const row = rows[i] as number[];
    const above = rows[i - 1] as number[];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min((above[j] as number) + 1, (row[j - 1] as number) + 1, (above[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        row[j] = Math.min(row[j] as number, ((rows[i - 2] as number[])[j - 2] as number) + 1);
    }
  }
  return (rows[a.length] as number[])[b.length] as number;
}

/**
 * The known word the user most likely meant, or null: a unique one that starts
 * with what was typed (3 characters at least), else the nearest within a typo
 * or two (a third of the word at most, so "frobnicate" suggests nothing).
 */
export function nearest(typed: string, known: readonly string[]): string | null {
  const word = typed.toLowerCase();
  const prefixed = word.length >= 3 ? known.filter((k) => k.startsWith(word)) : [];
  if (prefixed.length === 1) return prefixed[0] as string;
  let best: string | null = null;
  let bestDistance = Math.min(2, Math.max(1, Math.floor(word.length / 3)));
  for (const candidate of known) {
    const distance = editDistance(word, candidate);
    if (distance < bestDistance || (distance === bestDistance && best === null)) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}
