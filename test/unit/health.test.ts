import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatNumbers } from '../../shared/app/alert-text.js';
import {
  campaignHealth,
  countText,
  delayedDomains,
  estimatedLowerBound,
  findingKey,
  summariseDelays,
  wilsonInterval,
  type DelayRecord,
  type Finding,
  type FindingPattern,
} from '../../shared/domain/index.js';

const patterns = (findings: readonly Finding[]): FindingPattern[] => findings.map((f) => f.pattern);
const finding = (findings: readonly Finding[], pattern: FindingPattern): Finding | undefined => findings.find((f) => f.pattern === pattern);

describe('Wilson lower bound', () => {
  it.each([
    [3, 50, 0.0242],
    [1, 20, 0.0112],
    [30, 1000, 0.0223],
    [25, 1000, 0.0181],
    [24, 20000, 0.00086],
  ])('%i of %i is at least %f', (events, trials, lower) => {
    expect(wilsonInterval(events, trials).lower).toBeCloseTo(lower, 4);
  });

  it('knows nothing from zero trials', () => {
    expect(wilsonInterval(0, 0)).toEqual({ lower: 0, upper: 1 });
  });
});

describe('hard-bounce-rate', () => {
  it.each([
    // [case, sends, hard bounces, verdict]
    ['zero sends', 0, 0, 'ok'],
    ['a clean campaign', 1000, 4, 'ok'],
    ['above the 0.5 % target', 2000, 12, 'warning'],
    ['above the target on fewer than 10 hard bounces: too early to tell', 1000, 6, 'ok'],
    ['a small sample: 1 of 20 is 5 % but proves only 1.1 %, on 1 hard bounce', 20, 1, 'ok'],
    ['3 % of 1000 is above 2 % with confidence', 1000, 30, 'danger'],
    ['2.5 % of 1000 is not yet above 2 % with confidence', 1000, 25, 'warning'],
  ] as const)('%s → %s', (_case, sends, hardBounces, verdict) => {
    const health = campaignHealth({ sends, hardBounces, deliveries: sends - hardBounces });
    expect(health.verdict).toBe(verdict);
    const found = finding(health.findings, 'hard-bounce-rate');
    if (verdict === 'ok') expect(found).toBeUndefined();
    else expect(found).toMatchObject({ verdict, numbers: { hardBounces, attempted: sends } });
    expect(health.hardBounceRate).toBeCloseTo(sends === 0 ? 0 : hardBounces / sends, 10);
  });

  it('does not count addresses SES never tried', () => {
    const health = campaignHealth({ sends: 1000, alreadySuppressed: 500, hardBounces: 5, deliveries: 495 });
    expect(health.hardBounceRate).toBeCloseTo(0.01, 10);
  });

  it('says why and what to do', () => {
    const [only] = campaignHealth({ sends: 1000, hardBounces: 30, deliveries: 970 }).findings;
    expect(only?.summary).toBe('hard-bounce rate 3.00 % is above 2.00 % with 95 % confidence (at least 2.23 %)');
    expect(only?.action).toMatch(/Stop sending this list/);
  });

  it('a warning never says to stop sending (only danger does)', () => {
    const [warning] = campaignHealth({ sends: 2000, hardBounces: 16, deliveries: 1984 }).findings;
    expect(warning?.verdict).toBe('warning');
    expect(warning?.action).not.toMatch(/stop sending/i);
    expect(warning?.action).toContain('bounce check');
  });

  it('clears when the campaign recovers (the same failures among many more good sends)', () => {
    const before = campaignHealth({ sends: 1000, hardBounces: 30, deliveries: 970 });
    const after = campaignHealth({ sends: 10_000, hardBounces: 30, deliveries: 9970 });
    expect(before.verdict).toBe('danger');
    expect(after.verdict).toBe('ok');
    expect(after.findings).toEqual([]);
  });

  it('takes other lines per deployment', () => {
    const health = campaignHealth({ sends: 1000, hardBounces: 25, deliveries: 975 }, { thresholds: { hardBounceDanger: 0.015 } });
    expect(finding(health.findings, 'hard-bounce-rate')?.verdict).toBe('danger');
  });
});

describe('complaint-rate', () => {
  it.each([
    ['0.12 % (the demo)', 20_000, 24, 'danger'],
    ['0.085 %', 20_000, 17, 'warning'],
    ['exactly 0.08 % is not above the line', 20_000, 16, 'ok'],
    ['one complaint in a small campaign is one person', 500, 1, 'ok'],
    ['two in a small campaign', 500, 2, 'danger'],
    ['zero sends', 0, 0, 'ok'],
  ] as const)('%s → %s', (_case, sends, complaints, verdict) => {
    const health = campaignHealth({ sends, deliveries: sends, complaints });
    const found = finding(health.findings, 'complaint-rate');
    expect(found?.verdict ?? 'ok').toBe(verdict);
    expect(health.complaintRate).toBeCloseTo(sends === 0 ? 0 : complaints / sends, 10);
    if (found) expect(found.numbers).toEqual({ complaints, attempted: sends, rate: complaints / sends });
  });

  it('explains the SES line in words', () => {
    const found = finding(campaignHealth({ sends: 20_000, deliveries: 20_000, complaints: 24 }).findings, 'complaint-rate');
    expect(found?.summary).toBe('complaint rate 0.12 % (24 of 20000) is above 0.10 %, the line at which SES reviews the account');
    expect(found?.action).toMatch(/List-Unsubscribe/);
  });
});

describe('reputation-across-providers', () => {
  const base = { sends: 2000, deliveries: 1990, blocks: 10 };
  it.each([
    ['one provider is that provider', { 'blocks|reputation|gmail': 10 }, undefined],
    ['two providers', { 'blocks|reputation|gmail': 6, 'blocks|reputation|outlook': 4 }, 'warning'],
    ['three providers', { 'blocks|reputation|gmail': 4, 'blocks|reputation|outlook': 3, 'blocks|reputation|yahoo': 3 }, 'danger'],
    ['two providers blocking over 1 % of attempts', { 'blocks|reputation|gmail': 20, 'blocks|reputation|outlook': 10 }, 'danger'],
    ['a provider with zero blocks does not count', { 'blocks|reputation|gmail': 10, 'blocks|reputation|outlook': 0 }, undefined],
  ] as const)('%s → %s', (_case, counters, verdict) => {
    const found = finding(campaignHealth({ ...base, ...counters }).findings, 'reputation-across-providers');
    expect(found?.verdict).toBe(verdict);
  });

  it('needs as many providers as configured', () => {
    const totals = { ...base, 'blocks|reputation|gmail': 6, 'blocks|reputation|outlook': 4 };
    expect(patterns(campaignHealth(totals, { thresholds: { reputationProviders: 3 } }).findings)).not.toContain(
      'reputation-across-providers',
    );
  });
});

describe('mailbox-full-concentration', () => {
  it('names the batch that holds the full mailboxes', () => {
    const health = campaignHealth({
      sends: 3000,
      deliveries: 2950,
      softBounces: 30,
      'sends|batch|fresh': 2000,
      'sends|batch|old-import': 1000,
      'mailboxFull|batch|old-import': 27,
      'mailboxFull|batch|fresh': 3,
    });
    const found = health.findings.filter((f) => f.pattern === 'mailbox-full-concentration');
    expect(found).toHaveLength(1);
    expect(found[0]?.numbers).toMatchObject({ batch: 'old-import', mailboxFull: 27, sent: 1000, share: 0.9 });
    expect(findingKey(found[0] as Finding)).toBe('mailbox-full-concentration:batch=old-import');
  });

  it('reports a stale import once when its batch and its source hold the same mailboxes (issue 22)', () => {
    const health = campaignHealth({
      sends: 300,
      'sends|batch|fresh': 270,
      'sends|batch|import-2019': 30,
      'sends|source|signup': 270,
      'sends|source|bought-list': 30,
      'mailboxFull|batch|import-2019': 11,
      'mailboxFull|source|bought-list': 11,
    });
    const found = health.findings.filter((f) => f.pattern === 'mailbox-full-concentration');
    expect(found).toHaveLength(1);
    expect(found[0]?.numbers).toMatchObject({ batch: 'import-2019', source: 'bought-list', mailboxFull: 11, sent: 30 });
    expect(found[0]?.summary).toContain('batch "import-2019" (source "bought-list")');
    expect(findingKey(found[0] as Finding)).toBe('mailbox-full-concentration:batch=import-2019');
  });

  it('still reports a source apart when it holds other mailboxes than the batch', () => {
    const health = campaignHealth({
      sends: 300,
      'sends|batch|fresh': 270,
      'sends|batch|import-2019': 30,
      'sends|source|signup': 200,
      'sends|source|bought-list': 100,
      'mailboxFull|batch|import-2019': 11,
      'mailboxFull|source|bought-list': 14,
    });
    expect(health.findings.filter((f) => f.pattern === 'mailbox-full-concentration').map(findingKey)).toEqual([
      'mailbox-full-concentration:batch=import-2019',
      'mailbox-full-concentration:source=bought-list',
    ]);
  });

  it('is no finding when full mailboxes are spread evenly', () => {
    const health = campaignHealth({
      sends: 3000,
      'sends|source|a': 1500,
      'sends|source|b': 1500,
      'mailboxFull|source|a': 10,
      'mailboxFull|source|b': 10,
    });
    expect(patterns(health.findings)).toEqual([]);
  });
});

describe('domain-timeouts', () => {
  const timeout = (email: string, occurredAt: string, domain = 'slow.example'): DelayRecord => ({
    domain,
    email,
    occurredAt,
    category: 'connection-timeout',
  });

  it('summarises timeouts per domain and ignores other delay reasons', () => {
    const summary = summariseDelays([
      timeout('a@slow.example', '2026-11-20T12:00:00.000Z'),
      timeout('a@slow.example', '2026-11-20T10:00:00.000Z'),
      timeout('b@slow.example', '2026-11-20T11:00:00.000Z'),
      { domain: 'full.example', email: 'c@full.example', occurredAt: '2026-11-20T10:00:00.000Z', category: 'mailbox-full' },
      timeout('d@other.example', '2026-11-20T10:30:00.000Z', 'other.example'),
    ]);
    expect(summary).toEqual([
      { domain: 'slow.example', timeouts: 3, recipients: 2, firstAt: '2026-11-20T10:00:00.000Z', lastAt: '2026-11-20T12:00:00.000Z' },
      { domain: 'other.example', timeouts: 1, recipients: 1, firstAt: '2026-11-20T10:30:00.000Z', lastAt: '2026-11-20T10:30:00.000Z' },
    ]);
  });

  it.each([
    ['3 timeouts over 2 h persist', 3, '2026-11-20T12:00:00.000Z', 'warning'],
    ['5 timeouts over 5 h', 5, '2026-11-20T15:00:00.000Z', 'danger'],
    ['2 timeouts are too few', 2, '2026-11-20T15:00:00.000Z', undefined],
    ['a burst inside half an hour is not persistence', 6, '2026-11-20T10:30:00.000Z', undefined],
  ] as const)('%s → %s', (_case, timeouts, lastAt, verdict) => {
    const delays = [{ domain: 'slow.example', timeouts, recipients: timeouts, firstAt: '2026-11-20T10:00:00.000Z', lastAt }];
    const found = finding(campaignHealth({ sends: 100, deliveries: 100 }, { delays }).findings, 'domain-timeouts');
    expect(found?.verdict).toBe(verdict);
    if (found) {
      expect(found.numbers).toMatchObject({ domain: 'slow.example', timeouts });
      expect(findingKey(found)).toBe('domain-timeouts:domain=slow.example');
      expect(found.action).toMatch(/slow\.example/);
    }
  });

  it('reads the most delayed domains from the counters', () => {
    const totals = { 'delays|domain|a.example': 2, 'delays|domain|b.example': 9, 'delays|domain|c.example': 0, 'delays|provider|gmail': 4 };
    expect(delayedDomains(totals, 5)).toEqual(['b.example', 'a.example']);
    expect(delayedDomains(totals, 1)).toEqual(['b.example']);
  });
});

describe('verdict', () => {
  it('is the worst of the findings', () => {
    const health = campaignHealth({
      sends: 20_000,
      deliveries: 19_880,
      hardBounces: 120, // 0.6 %: warning
      complaints: 24, // 0.12 %: danger
    });
    expect(patterns(health.findings)).toEqual(['hard-bounce-rate', 'complaint-rate']);
    expect(health.verdict).toBe('danger');
  });
});

describe('minimum evidence (a hard-bounce verdict needs at least 10 hard bounces)', () => {
  it('one send with one hard bounce is too early to tell: no finding, no figure for the alarm', () => {
    const health = campaignHealth({ sends: 1, hardBounces: 1 });
    expect(health.verdict).toBe('ok');
    expect(health.findings).toEqual([]);
    expect(health.evidence).toBe('too-early');
    expect(health.hardBounceRateLowerBound).toBe(0);
    expect(health.evidenceNote).toBe('too early to tell: 1 hard bounce (100.00 %); a hard-bounce verdict needs at least 10');
  });

  it.each([
    ['9 of 9', 9, 9, 'ok', 'too-early'],
    ['10 of 10', 10, 10, 'danger', 'enough'],
    ['30 of 1,000 is still danger', 1000, 30, 'danger', 'enough'],
    ['3 of 5,000 is ok on its own (no line crossed)', 5000, 3, 'ok', 'enough'],
  ] as const)('%s → %s (%s)', (_case, sends, hardBounces, verdict, evidence) => {
    const health = campaignHealth({ sends, hardBounces, deliveries: sends - hardBounces });
    expect([health.verdict, health.evidence]).toEqual([verdict, evidence]);
    expect(health.evidenceNote === null).toBe(evidence === 'enough');
  });

  it('takes another minimum per deployment', () => {
    expect(campaignHealth({ sends: 3, hardBounces: 3 }, { thresholds: { hardBounceMinimum: 3 } }).verdict).toBe('danger');
  });

  it.each([1, 20])('%i hard bounces with no send are a data problem to report, not a 100 %% rate', (hardBounces) => {
    const health = campaignHealth({ hardBounces });
    expect(patterns(health.findings)).toEqual(['bounces-without-sends']);
    expect(health.verdict).toBe('warning');
    expect(health.evidence).toBe('no-sends');
    expect([health.hardBounceRate, health.hardBounceRateLowerBound]).toEqual([0, 0]);
    const [found] = health.findings;
    expect(found?.summary).toBe(
      `${hardBounces} hard bounce${hardBounces === 1 ? '' : 's'} but no send recorded: the send events are missing, so there is no rate`,
    );
    expect(found?.action).toMatch(/tag configuration/);
  });
});

describe('estimated counts', () => {
  // 3,062 sends and 101 hard bounces read from estimated hours (the replayed 3,000-send campaign).
  const totals = { sends: 3062, deliveries: 2887, hardBounces: 101 };
  const errors = { sends: 99.5, deliveries: 93.8, hardBounces: 2.3 };

  it('an exact total has no mark', () => {
    const health = campaignHealth(totals);
    expect(health.estimated).toBe(false);
    expect(health.estimates).toEqual({});
  });

  it('an estimated total says so, with its error beside the figure', () => {
    const health = campaignHealth(totals, { errors });
    expect(health.estimated).toBe(true);
    expect(health.sends).toBe(3062);
    expect(health.estimates.sends).toEqual({ error: 99.5, relativeError: 0.0325, text: '≈3,060 (±3 %)' });
    expect(health.estimates.hardBounces?.text).toBe('≈101 (±2 %)');
    expect(health.estimates.complaints).toBeUndefined();
  });

  it("the lower bound counts the estimates' error, and the finding says its counts are estimates", () => {
    const exact = campaignHealth(totals);
    const estimated = campaignHealth(totals, { errors });
    expect(estimated.hardBounceRateLowerBound).toBeLessThan(exact.hardBounceRateLowerBound);
    const [found] = estimated.findings;
    expect(found?.summary).toMatch(/counting the estimates' error\); ≈101 \(±2 %\) hard bounces of ≈3,060 \(±3 %\) attempted$/);
    expect(formatNumbers(found?.numbers ?? {})).toMatch(/^hardBounces ≈101 \(±2 %\), attempted ≈3,060 \(±3 %\), rate /);
  });

  it('a lower bound with estimate errors is never above the one without, and equal with none', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 100_000 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 0.2, noNaN: true }),
        fc.double({ min: 0, max: 0.2, noNaN: true }),
        (trials, share, eventsRelError, trialsRelError) => {
          const events = Math.round(trials * share);
          const plain = wilsonInterval(events, trials).lower;
          expect(estimatedLowerBound(events, events * eventsRelError, trials, trials * trialsRelError)).toBeLessThanOrEqual(plain + 1e-12);
          expect(estimatedLowerBound(events, 0, trials, 0)).toBe(plain);
        },
      ),
    );
  });

  it.each([
    [42, 0, '42'],
    [3062, 99.5, '≈3,060 (±3 %)'],
    [101, 2.27, '≈101 (±2 %)'],
    [123_456, 4012, '≈123,000 (±3 %)'],
  ])('%i with error %f reads %s', (count, error, text) => {
    expect(countText(count, error)).toBe(text);
  });
});
