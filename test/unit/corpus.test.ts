import { describe, expect, it } from 'vitest';
import { classifyRecipient } from '../../shared/domain/index.js';
import { diagnosticsCorpus, projectRoot, readJsonLines, type CorpusCase } from '../support/corpus.js';

const corpus = diagnosticsCorpus();

describe('diagnostics corpus', () => {
  it('is the full corpus', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(72);
  });

  it.each(corpus.map((c) => [c.id, c] as const))('%s', (_id, c) => {
    const decision = classifyRecipient(c);
    expect({ category: decision.category, suppress: decision.suppress }).toEqual({ category: c.category, suppress: c.suppress });
  });
});

// Real bounces gathered separately from the corpus (sources in each line), by helpers who did not
// see the rules. First runs, before any rule change: set 1, 90/99 right (3 wrong suppress
// decisions); set 2, 101/118 right (10 wrong suppress decisions). The misses were fixed by widening
// wording families and precedence (see git history), so both now guard against regressions.
for (const name of ['unseen-diagnostics.jsonl', 'unseen-diagnostics-2.jsonl']) {
  // Committed with the project: read unconditionally, so a missing file fails rather than skips.
  describe(`held-out diagnostics (${name})`, () => {
    const unseen = readJsonLines<CorpusCase>(`${projectRoot}test/fixtures/${name}`);
    it('is not empty', () => expect(unseen.length).toBeGreaterThan(90));
    it.each(unseen.map((c) => [c.id, c] as const))('%s', (_id, c) => {
      const decision = classifyRecipient(c);
      expect({ category: decision.category, suppress: decision.suppress }).toEqual({ category: c.category, suppress: c.suppress });
    });
  });
}
