import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { classifyText, classifyValue, decisionLineJson, type DecisionLine } from '../../cli/classify.js';
import { diagnosticsCorpus, projectRoot, sisimaiDevSet } from '../support/corpus.js';

function decisionsOf(text: string): DecisionLine[] {
  const result = classifyText(text);
  return result.ok ? result.decisions : [];
}

describe('bounce classify output lines', () => {
  it('writes every decision line exactly as JSON.stringify would (corpus notifications and recipient lines)', () => {
    const dir = join(projectRoot, 'test/fixtures/corpus/notifications');
    const lines = [
      ...readdirSync(dir).flatMap((name) => decisionsOf(JSON.stringify(JSON.parse(readFileSync(join(dir, name), 'utf8'))))),
      ...readFileSync(join(projectRoot, 'examples/recipients.jsonl'), 'utf8').trim().split('\n').flatMap(decisionsOf),
      ...[...diagnosticsCorpus(), ...sisimaiDevSet()].flatMap((row, i) => decisionsOf(JSON.stringify({ ...row, id: i }))),
    ];
    expect(lines.length).toBeGreaterThan(300);
    expect(new Set(lines.map((line) => line.category)).size).toBeGreaterThan(8);
    for (const line of lines) expect(decisionLineJson(line)).toBe(JSON.stringify(line));
  });

  it('escapes ids, addresses and campaign names like JSON.stringify', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ unit: 'binary' }), fc.integer(), fc.double()),
        fc.string({ minLength: 1, unit: 'binary' }),
        fc.oneof(fc.string(), fc.string({ unit: 'binary' })),
        (id, recipient, campaign) => {
          const result = classifyValue({ id, recipient, diagnosticCode: 'smtp; 550 5.1.1 user unknown', bounceType: 'Permanent' });
          if (!result.ok) return;
          for (const line of result.decisions) {
            const withCampaign = { ...line, campaign, messageId: `${campaign}"\\\n` };
            expect(decisionLineJson(withCampaign)).toBe(JSON.stringify(withCampaign));
          }
        },
      ),
    );
  });
});
