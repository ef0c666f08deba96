import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CATEGORY_POLICY, classifyRecipient, type BounceCategory, type CategoryPolicy } from '../../shared/domain/index.js';

/**
 * The category table of docs/classification.md (linked from the README) is
 * what a person reads of the policy: each row's action, suppression and
 * retry window must be what CATEGORY_POLICY does.
 */
const doc = readFileSync(join(import.meta.dirname, '../../docs/classification.md'), 'utf8');

interface DocRow {
  readonly line: number;
  readonly category: string;
  readonly action: string;
  readonly suppress: string;
  readonly evidence: string;
}

function categoryTable(text: string): DocRow[] {
  const lines = text.split('\n');
  const header = lines.findIndex((line) => /^\|\s*category\s*\|\s*action\s*\|\s*suppress\s*\|/.test(line));
  expect(header, 'docs/classification.md has no "| category | action | suppress |" table').toBeGreaterThan(-1);
  const rows: DocRow[] = [];
  for (let at = header + 2; at < lines.length && lines[at]?.startsWith('|'); at++) {
    const cells = (lines[at] as string).split('|').map((cell) => cell.trim());
    rows.push({ line: at + 1, category: cells[1] ?? '', action: cells[2] ?? '', suppress: cells[3] ?? '', evidence: cells[4] ?? '' });
  }
  return rows;
}

const HOUR = 3600;
/** "15–60 min", "2–4 h", "45–75 min": the retry window the cell states, in seconds. */
function windowOf(cell: string): readonly [number, number][] {
  return [...cell.matchAll(/(\d+)[–-](\d+) (min|h)\b/g)].map((match) => {
    const unit = match[3] === 'h' ? HOUR : 60;
    return [Number(match[1]) * unit, Number(match[2]) * unit] as [number, number];
  });
}

/** What the action cell says, checked against one policy; each mismatch is a message naming the doc line. */
function mismatches(row: DocRow, policy: CategoryPolicy): string[] {
  const where = `docs/classification.md:${row.line} (${row.category})`;
  const found: string[] = [];
  const firstWord = /^[a-z]+/.exec(row.action)?.[0];
  if (firstWord !== policy.action) found.push(`${where}: action "${row.action}" but the policy's is ${policy.action}`);
  if (row.suppress !== (policy.suppress ? 'yes' : 'no')) {
    found.push(`${where}: suppress "${row.suppress}" but the policy's is ${policy.suppress}`);
  }
  const retry = policy.retry;
  const saysRetry = /\bretry\b/.test(row.action);
  if (saysRetry !== (retry !== undefined)) found.push(`${where}: says ${saysRetry ? '' : 'no '}retry, the policy does the opposite`);
  if (retry === undefined) return found;
  if (/retry if temporary/.test(row.action) !== (retry.transientOnly === true)) {
    found.push(`${where}: "retry if temporary" and the policy's transientOnly disagree`);
  }
  const windows = windowOf(row.action);
  if (windows.length > 0 && !windows.some(([min, max]) => min === retry.minDelaySeconds && max === retry.maxDelaySeconds)) {
    found.push(`${where}: window ${JSON.stringify(windows)} s but the policy's is ${retry.minDelaySeconds}–${retry.maxDelaySeconds} s`);
  }
  const sends = /\((\d+) sends\)/.exec(row.action);
  if (sends && Number(sends[1]) !== retry.maxAttempts) found.push(`${where}: ${sends[1]} sends but the policy makes ${retry.maxAttempts}`);
  if (/\bretry once\b/.test(row.action) && retry.maxAttempts !== 1)
    found.push(`${where}: "once" but the policy makes ${retry.maxAttempts}`);
  const upTo = /up to (\d+) h/.exec(row.action);
  if (upTo && Number(upTo[1]) * HOUR !== retry.giveUpAfterSeconds) {
    found.push(`${where}: up to ${upTo[1]} h but the policy gives up after ${retry.giveUpAfterSeconds / HOUR} h`);
  }
  return found;
}

describe('the category table of docs/classification.md', () => {
  const rows = categoryTable(doc);

  it('lists every category of the policy once, and no other', () => {
    expect(rows.map((row) => row.category).sort()).toEqual(Object.keys(CATEGORY_POLICY).sort());
  });

  it("states each category's action, suppression and retry window as the policy has them", () => {
    const found = rows.flatMap((row) => {
      const policy = CATEGORY_POLICY[row.category as BounceCategory] as CategoryPolicy | undefined;
      return policy === undefined ? [] : mismatches(row, policy);
    });
    expect(found).toEqual([]);
  });

  it('classifies every status code its evidence column names as that row says', () => {
    // "5.1.1", "525", "521/556", "452 4.2.2": a basic code, another after a slash, an enhanced code, or a pair.
    const cases = rows.flatMap((row) =>
      [...row.evidence.matchAll(/\b([245]\d\d)?(?:\/([245]\d\d))?\s?([245]\.\d\.\d+)?\b/g)].flatMap((match) => {
        const enhanced = match[3];
        const basics = [match[1], match[2]].filter((code): code is string => code !== undefined);
        if (basics.length === 0 && enhanced === undefined) return [];
        if (basics.length === 0) basics.push(enhanced?.startsWith('4') ? '450' : '550');
        return basics.map((basic) => ({ row, reply: `${basic}${enhanced === undefined ? '' : ` ${enhanced}`}` }));
      }),
    );
    expect(cases.length).toBeGreaterThan(20);
    const wrong = cases.flatMap(({ row, reply }) => {
      const decision = classifyRecipient(
        {
          recipient: 'someone@example.org',
          diagnosticCode: `smtp; ${reply}`,
          bounceType: reply.startsWith('4') ? 'Transient' : 'Permanent',
          bounceSubType: 'General',
        },
        false,
      );
      return decision.category === row.category
        ? []
        : [`docs/classification.md:${row.line}: "${reply}" is ${decision.category} (${decision.rule}), not ${row.category}`];
    });
    expect(wrong).toEqual([]);
  });

  it('catches a row that disagrees with the policy', () => {
    const wrong = doc.replace(/^\| invalid-address \| suppress \| yes \|/m, '| invalid-address | retry in 1–2 h | no |');
    const row = categoryTable(wrong).find((candidate) => candidate.category === 'invalid-address') as DocRow;
    expect(mismatches(row, CATEGORY_POLICY['invalid-address']).length).toBeGreaterThanOrEqual(3);
    const window = categoryTable(doc.replace('retry in 6–12 h', 'retry in 6–10 h')).find((r) => r.category === 'mailbox-full') as DocRow;
    expect(mismatches(window, CATEGORY_POLICY['mailbox-full'])).toHaveLength(1);
  });
});
