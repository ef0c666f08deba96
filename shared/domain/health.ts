/**
 * Campaign health from summed counters. Pure: the rate maths and the
 * verdicts, with the numbers behind each, so an alert can say why.
 */

/** Hard-bounce rate above which a campaign is in danger. */
export const HARD_BOUNCE_DANGER = 0.02;
/** Target: below this the list is healthy. */
export const HARD_BOUNCE_TARGET = 0.005;
/** z for a one-sided 95 % bound. */
const Z = 1.645;

/**
 * Wilson score interval bounds for `events` out of `trials`. The lower bound
 * is what the rate is at least, with 95 % confidence: 3 bounces out of 50
 * (6 %) has a lower bound of 2.4 %, 1 out of 20 (5 %) only 1.1 %. Using it as
 * the alarm rule needs no arbitrary minimum count.
 */
export function wilsonInterval(events: number, trials: number): { lower: number; upper: number } {
  if (trials <= 0) return { lower: 0, upper: 1 };
  const p = events / trials;
  const z2 = Z * Z;
  const centre = p + z2 / (2 * trials);
  const margin = Z * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials));
  const denominator = 1 + z2 / trials;
  return { lower: Math.max(0, (centre - margin) / denominator), upper: Math.min(1, (centre + margin) / denominator) };
}

export const VERDICTS = ['ok', 'warning', 'danger'] as const;
export type Verdict = (typeof VERDICTS)[number];

/** The patterns campaign health looks for; their names are part of the alert and JSON contracts. */
export const FINDING_PATTERNS = [
  'hard-bounce-rate',
  'reputation-across-providers',
  'mailbox-full-concentration',
  'complaint-rate',
  'domain-timeouts',
] as const;
export type FindingPattern = (typeof FINDING_PATTERNS)[number];

/** Where each verdict starts; every line can be set per deployment. */
export interface HealthThresholds {
  /** Danger when the hard-bounce rate's lower bound is above this. */
  readonly hardBounceDanger: number;
  /** Warning when the hard-bounce rate is above this. */
  readonly hardBounceWarning: number;
  /** Reputation blocks from at least this many providers make a finding. */
  readonly reputationProviders: number;
  /** Complaint rate lines (SES reviews an account whose complaint rate is above 0.1 %). */
  readonly complaintWarning: number;
  readonly complaintDanger: number;
  /** One complaint is one person: a finding needs at least this many. */
  readonly complaintMinimum: number;
  /** Timeouts to one domain make a finding when there are this many... */
  readonly timeoutMinimum: number;
  /** ...spread over at least this many hours (warning), or this many (danger). */
  readonly timeoutWarningHours: number;
  readonly timeoutDangerHours: number;
}

export const DEFAULT_THRESHOLDS: HealthThresholds = {
  hardBounceDanger: HARD_BOUNCE_DANGER,
  hardBounceWarning: HARD_BOUNCE_TARGET,
  reputationProviders: 2,
  complaintWarning: 0.0008,
  complaintDanger: 0.001,
  complaintMinimum: 2,
  timeoutMinimum: 3,
  timeoutWarningHours: 1,
  timeoutDangerHours: 4,
};

/** SES delivery delays of one receiving domain, as read from the delay records. */
export interface DomainDelays {
  readonly domain: string;
  /** Delays whose reason is a connection timeout. */
  readonly timeouts: number;
  /** Distinct recipients among them. */
  readonly recipients: number;
  /** ISO times of the first and the last timeout. */
  readonly firstAt: string | null;
  readonly lastAt: string | null;
}

/** One delay record, as much of it as the summary needs. */
export interface DelayRecord {
  readonly domain: string;
  readonly email: string;
  readonly occurredAt: string;
  readonly category: string;
}

/** Timeouts per receiving domain from delay records (other delay reasons are not timeouts). */
export function summariseDelays(records: readonly DelayRecord[]): DomainDelays[] {
  const byDomain = new Map<string, { recipients: Set<string>; times: string[] }>();
  for (const record of records) {
    if (record.category !== 'connection-timeout') continue;
    let entry = byDomain.get(record.domain);
    if (!entry) {
      entry = { recipients: new Set(), times: [] };
      byDomain.set(record.domain, entry);
    }
    entry.recipients.add(record.email);
    entry.times.push(record.occurredAt);
  }
  return [...byDomain.entries()]
    .map(([domain, { recipients, times }]) => {
      times.sort();
      return { domain, timeouts: times.length, recipients: recipients.size, firstAt: times[0] ?? null, lastAt: times.at(-1) ?? null };
    })
    .sort((a, b) => b.timeouts - a.timeouts || a.domain.localeCompare(b.domain));
}

export interface Finding {
  readonly pattern: FindingPattern;
  readonly verdict: Verdict;
  readonly summary: string;
  readonly numbers: Readonly<Record<string, number | string>>;
  readonly action: string;
}

export interface CampaignHealth {
  readonly sends: number;
  readonly deliveries: number;
  readonly hardBounces: number;
  readonly softBounces: number;
  readonly blocks: number;
  readonly complaints: number;
  readonly alreadySuppressed: number;
  readonly hardBounceRate: number;
  readonly hardBounceRateLowerBound: number;
  readonly complaintRate: number;
  readonly verdict: Verdict;
  readonly findings: readonly Finding[];
}

const pct = (value: number): string => `${(value * 100).toFixed(2)} %`;
const worst = (verdicts: readonly Verdict[]): Verdict =>
  verdicts.includes('danger') ? 'danger' : verdicts.includes('warning') ? 'warning' : 'ok';

/** Entries `prefix|key` of a counter map, as key → count. */
function breakdown(totals: Readonly<Record<string, number>>, prefix: string): Map<string, number> {
  const result = new Map<string, number>();
  for (const [name, value] of Object.entries(totals)) if (name.startsWith(`${prefix}|`)) result.set(name.slice(prefix.length + 1), value);
  return result;
}

/** What campaign health reads besides the counters. */
export interface HealthInputs {
  /** Timeouts per receiving domain for this campaign (empty when none were read). */
  readonly delays?: readonly DomainDelays[];
  readonly thresholds?: Partial<HealthThresholds>;
}

/**
 * The one health computation: the API's health route, the scheduled job and
 * the local runtime all call this, over whatever window they read.
 */
export function campaignHealth(totals: Readonly<Record<string, number>>, inputs: HealthInputs = {}): CampaignHealth {
  const limits: HealthThresholds = { ...DEFAULT_THRESHOLDS, ...inputs.thresholds };
  const n = (name: string) => totals[name] ?? 0;
  const sends = n('sends');
  const hardBounces = n('hardBounces');
  // Addresses SES never tried are not part of the rate.
  const attempted = Math.max(sends - n('alreadySuppressed'), n('deliveries') + hardBounces + n('softBounces') + n('blocks'));
  const { lower } = wilsonInterval(hardBounces, attempted);
  const rate = attempted === 0 ? 0 : hardBounces / attempted;
  const findings: Finding[] = [];

  const rateVerdict: Verdict = lower > limits.hardBounceDanger ? 'danger' : rate > limits.hardBounceWarning ? 'warning' : 'ok';
  if (rateVerdict !== 'ok') {
    findings.push({
      pattern: 'hard-bounce-rate',
      verdict: rateVerdict,
      summary:
        rateVerdict === 'danger'
          ? `hard-bounce rate ${pct(rate)} is above ${pct(limits.hardBounceDanger)} with 95 % confidence (at least ${pct(lower)})`
          : `hard-bounce rate ${pct(rate)} is above the ${pct(limits.hardBounceWarning)} target`,
      numbers: { hardBounces, attempted, rate, lowerBound: lower },
      // A warning is above the target, not yet proven dangerous: clean the list, keep sending.
      action:
        rateVerdict === 'danger'
          ? 'Stop sending this list; remove the suppressed addresses (bounce check) and verify the source of the list before resuming.'
          : 'Before the next send, remove the suppressed addresses (bounce check) ' +
            'and check where the bouncing addresses came from; sending can go on.',
    });
  }

  const reputationProviders = [...breakdown(totals, 'blocks|reputation').entries()].filter(([, count]) => count > 0);
  if (reputationProviders.length >= limits.reputationProviders) {
    const blocked = reputationProviders.reduce((sum, [, count]) => sum + count, 0);
    findings.push({
      pattern: 'reputation-across-providers',
      verdict: reputationProviders.length > limits.reputationProviders || blocked / Math.max(attempted, 1) > 0.01 ? 'danger' : 'warning',
      summary:
        `reputation blocks from ${reputationProviders.length}` +
        ` providers (${reputationProviders.map(([p, c]) => `${p} ${c}`).join(', ')}): a sender reputation problem, not a list problem`,
      numbers: { providers: reputationProviders.length, blocked },
      action:
        'Check blocklists for the sending IPs and domain, authentication (SPF, ' +
        'DKIM, DMARC), complaint rates and recent content; slow down sending.',
    });
  }

  for (const dimension of ['batch', 'source'] as const) {
    const full = breakdown(totals, `mailboxFull|${dimension}`);
    const sent = breakdown(totals, `sends|${dimension}`);
    const totalFull = [...full.values()].reduce((a, b) => a + b, 0);
    for (const [value, count] of full) {
      const share = count / totalFull;
      const sentHere = sent.get(value) ?? 0;
      const rateHere = sentHere === 0 ? 1 : count / sentHere;
      // Concentration: one batch/source holds most of the campaign's full mailboxes, at a telling rate.
      if (count >= 5 && share >= 0.6 && wilsonInterval(count, Math.max(sentHere, count)).lower > 0.01) {
        findings.push({
          pattern: 'mailbox-full-concentration',
          verdict: 'warning',
          summary:
            `${pct(share)} of full mailboxes come from ${dimension} "${value}` +
            `" (${count} of ${sentHere} sent, ${pct(rateHere)}): a stale or bought list`,
          numbers: { [dimension]: value, mailboxFull: count, sent: sentHere, share },
          action: `Review ${dimension} "${value}": when was it collected, was it permission-based? Re-confirm or drop it.`,
        });
      }
    }
  }

  const complaints = n('complaints');
  const complaintRate = attempted === 0 ? 0 : complaints / attempted;
  const complaintVerdict: Verdict =
    complaints < limits.complaintMinimum
      ? 'ok'
      : complaintRate > limits.complaintDanger
        ? 'danger'
        : complaintRate > limits.complaintWarning
          ? 'warning'
          : 'ok';
  if (complaintVerdict !== 'ok') {
    findings.push({
      pattern: 'complaint-rate',
      verdict: complaintVerdict,
      summary: `complaint rate ${pct(complaintRate)} (${complaints} of ${attempted}) is above ${pct(
        complaintVerdict === 'danger' ? limits.complaintDanger : limits.complaintWarning,
      )}, the line at which SES ${complaintVerdict === 'danger' ? 'reviews the account' : 'starts watching it'}`,
      numbers: { complaints, attempted, rate: complaintRate },
      action:
        'Send only to people who asked for this mail: drop old and bought ' +
        'segments, make unsubscribing one click (List-Unsubscribe), and check ' +
        'that the content matches what they signed up for.',
    });
  }

  for (const delays of inputs.delays ?? []) {
    if (delays.timeouts < limits.timeoutMinimum || delays.firstAt === null || delays.lastAt === null) continue;
    const hours = (Date.parse(delays.lastAt) - Date.parse(delays.firstAt)) / 3600_000;
    if (!(hours >= limits.timeoutWarningHours)) continue;
    findings.push({
      pattern: 'domain-timeouts',
      verdict: hours >= limits.timeoutDangerHours ? 'danger' : 'warning',
      summary:
        `connections to ${delays.domain} have timed out ${delays.timeouts}` +
        ` times for ${delays.recipients} recipients over ${hours.toFixed(1)} h: the receiving domain is not taking mail from us`,
      numbers: { domain: delays.domain, timeouts: delays.timeouts, recipients: delays.recipients, hours: Number(hours.toFixed(2)) },
      action:
        `Hold further sends to ${delays.domain}; check its MX hosts and ` +
        `whether it throttles or blocks the sending IPs (its postmaster page, ` +
        `blocklists); resume when deliveries to it succeed again.`,
    });
  }

  return {
    sends,
    deliveries: n('deliveries'),
    hardBounces,
    softBounces: n('softBounces'),
    blocks: n('blocks'),
    complaints,
    alreadySuppressed: n('alreadySuppressed'),
    hardBounceRate: rate,
    hardBounceRateLowerBound: lower,
    complaintRate,
    verdict: worst(findings.map((f) => f.verdict)),
    findings,
  };
}

/** What a finding is about, so one campaign's findings of the same pattern stay apart (`mailbox-full-concentration:batch=q3`). */
export function findingKey(finding: Finding): string {
  for (const subject of ['batch', 'source', 'domain'] as const) {
    const value = finding.numbers[subject];
    if (value !== undefined) return `${finding.pattern}:${subject}=${value}`;
  }
  return finding.pattern;
}

/** Receiving domains with delays in a campaign's counters, most delays first (at most `limit`). */
export function delayedDomains(totals: Readonly<Record<string, number>>, limit: number): string[] {
  return [...breakdown(totals, 'delays|domain').entries()]
    .filter(([, count]) => count > 0)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, limit)
    .map(([domain]) => domain);
}

/** Counts of one breakdown of outcomes (category, provider, batch, source), largest first. */
export interface BreakdownRow {
  readonly key: string;
  readonly hardBounces: number;
  readonly softBounces: number;
  readonly blocks: number;
  readonly complaints: number;
  readonly sends: number;
}

export interface CampaignBreakdowns {
  readonly category: readonly BreakdownRow[];
  readonly provider: readonly BreakdownRow[];
  readonly batch: readonly BreakdownRow[];
  readonly source: readonly BreakdownRow[];
}

/** What the counters say per category, provider, batch and source. */
export function campaignBreakdowns(totals: Readonly<Record<string, number>>): CampaignBreakdowns {
  const of = (dimension: string): BreakdownRow[] => {
    const rows = new Map<string, { hardBounces: number; softBounces: number; blocks: number; complaints: number; sends: number }>();
    for (const metric of ['hardBounces', 'softBounces', 'blocks', 'complaints', 'sends'] as const) {
      for (const [key, count] of breakdown(totals, `${metric}|${dimension}`)) {
        const row = rows.get(key) ?? { hardBounces: 0, softBounces: 0, blocks: 0, complaints: 0, sends: 0 };
        row[metric] += count;
        rows.set(key, row);
      }
    }
    return [...rows.entries()]
      .map(([key, row]) => ({ key, ...row }))
      .filter((row) => row.hardBounces + row.softBounces + row.blocks + row.complaints + row.sends > 0)
      .sort((a, b) => b.hardBounces + b.softBounces + b.blocks - (a.hardBounces + a.softBounces + a.blocks) || a.key.localeCompare(b.key));
  };
  return { category: of('category'), provider: of('provider'), batch: of('batch'), source: of('source') };
}
