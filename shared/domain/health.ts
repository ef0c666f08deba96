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
 * Hard bounces any hard-bounce verdict (warning, danger, and so an automatic
 * pause) needs besides its rate. SES does not judge a bounce rate over a fixed
 * period but over "a representative volume, which represents a reasonable
 * amount of mail with which to evaluate your sending practices" (SES bounce
 * FAQ, Q5; its reputation-dashboard post: 1 bounce in a week of 5 sends is not
 * judged as a 20 % rate). 10 hard bounces is 500 sends at the 2 % danger line
 * and 2,000 at the 0.5 % target, and a count of 10 is known within about a
 * third (1 / sqrt(10)): the least that speaks about the list, not about one
 * address. One send and its bounce say nothing yet: "too early to tell".
 */
export const HARD_BOUNCE_MINIMUM = 10;

/**
 * Wilson score interval bounds for `events` out of `trials`. The lower bound
 * is what the rate is at least, with 95 % confidence: 3 bounces out of 50
 * (6 %) has a lower bound of 2.4 %, 1 out of 20 (5 %) only 1.1 %. Alone it
 * still calls 1 bounce in 1 send dangerous (lower bound 27 %): the alarm rule
 * also needs HARD_BOUNCE_MINIMUM hard bounces.
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

/**
 * The lower bound when the counts are estimates (see distinct-count.ts): the
 * Wilson bound of the pessimistic end of each estimate's one-sided 95 %
 * interval, fewer events (events - z x their error) over more trials
 * (trials + z x their error). Never above the bound of the counts as read,
 * equal to it when both are exact (errors 0).
 */
export function estimatedLowerBound(events: number, eventsError: number, trials: number, trialsError: number): number {
  return wilsonInterval(Math.max(0, events - Z * eventsError), trials + Z * trialsError).lower;
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
  'bounces-without-sends',
] as const;
export type FindingPattern = (typeof FINDING_PATTERNS)[number];

/** Where each verdict starts; every line can be set per deployment. */
export interface HealthThresholds {
  /** Danger when the hard-bounce rate's lower bound is above this. */
  readonly hardBounceDanger: number;
  /** Warning when the hard-bounce rate is above this. */
  readonly hardBounceWarning: number;
  /** Either needs at least this many hard bounces (HARD_BOUNCE_MINIMUM). */
  readonly hardBounceMinimum: number;
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
  hardBounceMinimum: HARD_BOUNCE_MINIMUM,
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

/** The counts a health report shows. */
export const HEALTH_COUNTS = ['sends', 'deliveries', 'hardBounces', 'softBounces', 'blocks', 'complaints', 'alreadySuppressed'] as const;
export type HealthCount = (typeof HEALTH_COUNTS)[number];

/** How sure an estimated count is (a count summed from an hour above EXACT_LIMIT). */
export interface Estimate {
  /** Standard error, in events. */
  readonly error: number;
  /** The same as a fraction of the count. */
  readonly relativeError: number;
  /** For people: `≈3,060 (±3 %)`. */
  readonly text: string;
}

/**
 * Whether the hard-bounce figures can carry a verdict: `enough`; `too-early`
 * when the rate crossed a line on fewer hard bounces than the minimum (no
 * verdict yet, "too early to tell"); `no-sends` when hard bounces came with
 * no send recorded (a data problem, see the bounces-without-sends finding).
 */
export type HealthEvidence = 'enough' | 'too-early' | 'no-sends';

/** A count for people: exact as it is, an estimate rounded to 3 figures with its relative error (`≈3,060 (±3 %)`). */
export function countText(count: number, error = 0): string {
  if (error <= 0) return String(count);
  const digits = Math.max(0, Math.floor(Math.log10(Math.max(1, count))) - 2);
  const rounded = Math.round(count / 10 ** digits) * 10 ** digits;
  const percent = Math.max(1, Math.round((error / Math.max(1, count)) * 100));
  return `≈${rounded.toLocaleString('en-US')} (±${percent} %)`;
}

export interface CampaignHealth {
  readonly sends: number;
  readonly deliveries: number;
  readonly hardBounces: number;
  readonly softBounces: number;
  readonly blocks: number;
  readonly complaints: number;
  readonly alreadySuppressed: number;
  /** 0 with no send recorded (evidence `no-sends`): no rate without sends. */
  readonly hardBounceRate: number;
  /**
   * The rate is at least this with 95 % confidence, the estimates' error
   * counted (estimatedLowerBound): what the danger rule and the alarms read.
   * 0 while the evidence is not `enough`, so no alarm fires on it.
   */
  readonly hardBounceRateLowerBound: number;
  readonly complaintRate: number;
  readonly verdict: Verdict;
  readonly findings: readonly Finding[];
  /** True when any count above is an estimate. */
  readonly estimated: boolean;
  /** The estimated counts only; an exact count has no entry. */
  readonly estimates: Readonly<Partial<Record<HealthCount, Estimate>>>;
  readonly evidence: HealthEvidence;
  /** Why there is no hard-bounce verdict yet, in words; null when the evidence is `enough`. */
  readonly evidenceNote: string | null;
}

const pct = (value: number): string => `${(value * 100).toFixed(2)} %`;
const round = (value: number, digits: number): number => Number(value.toFixed(digits));
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
  /** Standard errors of the estimated totals (CounterTotals.errors); absent: every count exact. */
  readonly errors?: Readonly<Record<string, number>>;
  readonly thresholds?: Partial<HealthThresholds>;
}

/**
 * The one health computation: the API's health route, the scheduled job and
 * the local runtime all call this, over whatever window they read.
 */
export function campaignHealth(totals: Readonly<Record<string, number>>, inputs: HealthInputs = {}): CampaignHealth {
  const limits: HealthThresholds = { ...DEFAULT_THRESHOLDS, ...inputs.thresholds };
  const n = (name: string) => totals[name] ?? 0;
  const err = (name: string) => inputs.errors?.[name] ?? 0;
  /** A count in words, with its error when it is an estimate. */
  const shown = (name: string) => countText(n(name), err(name));
  /** `<name>Error` beside an estimated number of a finding (the alert text shows `≈`). */
  const errorsOf = (named: Record<string, number>): Record<string, number> =>
    Object.fromEntries(Object.entries(named).flatMap(([name, error]) => (error > 0 ? [[`${name}Error`, round(error, 1)]] : [])));
  const sends = n('sends');
  const hardBounces = n('hardBounces');
  // Addresses SES never tried are not part of the rate.
  const tried = sends - n('alreadySuppressed');
  const outcomes = ['deliveries', 'hardBounces', 'softBounces', 'blocks'];
  const attempted = Math.max(
    tried,
    outcomes.reduce((sum, name) => sum + n(name), 0),
  );
  const attemptedError = Math.hypot(...(attempted === tried ? ['sends', 'alreadySuppressed'] : outcomes).map(err));
  const attemptedText = countText(attempted, attemptedError);
  // Bounces with no send behind them are missing send events, not a 100 % rate.
  const noSends = sends === 0 && hardBounces > 0;
  const lower = noSends ? 0 : estimatedLowerBound(hardBounces, err('hardBounces'), attempted, attemptedError);
  const rate = attempted === 0 || noSends ? 0 : hardBounces / attempted;
  const findings: Finding[] = [];

  const crossed: Verdict = lower > limits.hardBounceDanger ? 'danger' : rate > limits.hardBounceWarning ? 'warning' : 'ok';
  // A line crossed on fewer hard bounces than the minimum is no verdict yet (nor a pause, nor an alarm).
  const evidence: HealthEvidence = noSends
    ? 'no-sends'
    : crossed !== 'ok' && hardBounces < limits.hardBounceMinimum
      ? 'too-early'
      : 'enough';
  const rateVerdict: Verdict = evidence === 'enough' ? crossed : 'ok';
  const estimatedRate = err('hardBounces') > 0 || attemptedError > 0;
  if (rateVerdict !== 'ok') {
    const counts = estimatedRate ? `; ${shown('hardBounces')} hard bounces of ${attemptedText} attempted` : '';
    const counted = estimatedRate ? ", counting the estimates' error" : '';
    findings.push({
      pattern: 'hard-bounce-rate',
      verdict: rateVerdict,
      summary:
        rateVerdict === 'danger'
          ? `hard-bounce rate ${pct(rate)} is above ${pct(limits.hardBounceDanger)} ` +
            `with 95 % confidence (at least ${pct(lower)}${counted})${counts}`
          : `hard-bounce rate ${pct(rate)} is above the ${pct(limits.hardBounceWarning)} target${counts}`,
      numbers: {
        hardBounces,
        attempted,
        rate,
        lowerBound: lower,
        ...errorsOf({ hardBounces: err('hardBounces'), attempted: attemptedError }),
      },
      // A warning is above the target, not yet proven dangerous: clean the list, keep sending.
      action:
        rateVerdict === 'danger'
          ? 'Stop sending this list; remove the suppressed addresses (bounce check) and verify the source of the list before resuming.'
          : 'Before the next send, remove the suppressed addresses (bounce check) ' +
            'and check where the bouncing addresses came from; sending can go on.',
    });
  }
  if (noSends) {
    findings.push({
      pattern: 'bounces-without-sends',
      verdict: 'warning',
      summary:
        `${shown('hardBounces')} hard bounce${hardBounces === 1 ? '' : 's'} ` +
        'but no send recorded: the send events are missing, so there is no rate',
      numbers: { hardBounces, sends, ...errorsOf({ hardBounces: err('hardBounces') }) },
      action:
        'Check the tag configuration: the configuration set must publish Send events to the pipeline, ' +
        'and sends must carry the same campaign tag as their bounces. The rate comes back once sends are counted.',
    });
  }

  const reputationProviders = [...breakdown(totals, 'blocks|reputation').entries()].filter(([, count]) => count > 0);
  if (reputationProviders.length >= limits.reputationProviders) {
    const blocked = reputationProviders.reduce((sum, [, count]) => sum + count, 0);
    const blockedError = Math.hypot(...reputationProviders.map(([provider]) => err(`blocks|reputation|${provider}`)));
    findings.push({
      pattern: 'reputation-across-providers',
      verdict: reputationProviders.length > limits.reputationProviders || blocked / Math.max(attempted, 1) > 0.01 ? 'danger' : 'warning',
      summary:
        `reputation blocks from ${reputationProviders.length} providers (` +
        reputationProviders.map(([p]) => `${p} ${shown(`blocks|reputation|${p}`)}`).join(', ') +
        '): a sender reputation problem, not a list problem',
      numbers: { providers: reputationProviders.length, blocked, ...errorsOf({ blocked: blockedError }) },
      action:
        'Check blocklists for the sending IPs and domain, authentication (SPF, ' +
        'DKIM, DMARC), complaint rates and recent content; slow down sending.',
    });
  }

  // The batch's finding, by its full-mailbox and send counts: a source with the same counts is the same mailboxes.
  const batchFindings = new Map<string, { finding: Finding; value: string }>();
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
        // One import is often both a batch and a source: report it once, naming both.
        const sameAsBatch = dimension === 'source' ? batchFindings.get(`${count}|${sentHere}`) : undefined;
        if (sameAsBatch) {
          const index = findings.indexOf(sameAsBatch.finding);
          findings[index] = {
            ...sameAsBatch.finding,
            summary: sameAsBatch.finding.summary.replace(
              `batch "${sameAsBatch.value}"`,
              `batch "${sameAsBatch.value}" (source "${value}")`,
            ),
            numbers: { ...sameAsBatch.finding.numbers, source: value },
          };
          continue;
        }
        findings.push({
          pattern: 'mailbox-full-concentration',
          verdict: 'warning',
          summary:
            `${pct(share)} of full mailboxes come from ${dimension} "${value}` +
            `" (${shown(`mailboxFull|${dimension}|${value}`)} of ${shown(`sends|${dimension}|${value}`)} ` +
            `sent, ${pct(rateHere)}): a stale or bought list`,
          numbers: {
            [dimension]: value,
            mailboxFull: count,
            sent: sentHere,
            share,
            ...errorsOf({ mailboxFull: err(`mailboxFull|${dimension}|${value}`), sent: err(`sends|${dimension}|${value}`) }),
          },
          action: `Review ${dimension} "${value}": when was it collected, was it permission-based? Re-confirm or drop it.`,
        });
        if (dimension === 'batch') batchFindings.set(`${count}|${sentHere}`, { finding: findings.at(-1) as Finding, value });
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
      summary: `complaint rate ${pct(complaintRate)} (${shown('complaints')} of ${attemptedText}) is above ${pct(
        complaintVerdict === 'danger' ? limits.complaintDanger : limits.complaintWarning,
      )}, the line at which SES ${complaintVerdict === 'danger' ? 'reviews the account' : 'starts watching it'}`,
      numbers: { complaints, attempted, rate: complaintRate, ...errorsOf({ complaints: err('complaints'), attempted: attemptedError }) },
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

  const estimates: Partial<Record<HealthCount, Estimate>> = {};
  for (const name of HEALTH_COUNTS) {
    const error = err(name);
    if (error > 0) estimates[name] = { error: round(error, 1), relativeError: round(error / Math.max(1, n(name)), 4), text: shown(name) };
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
    hardBounceRateLowerBound: evidence === 'enough' ? lower : 0,
    complaintRate,
    verdict: worst(findings.map((f) => f.verdict)),
    findings,
    estimated: Object.keys(estimates).length > 0,
    estimates,
    evidence,
    evidenceNote:
      evidence === 'too-early'
        ? `too early to tell: ${hardBounces} hard bounce${hardBounces === 1 ? '' : 's'} (${pct(rate)}); ` +
          `a hard-bounce verdict needs at least ${limits.hardBounceMinimum}`
        : evidence === 'no-sends'
          ? `no rate: ${shown('hardBounces')} hard bounce${hardBounces === 1 ? '' : 's'} but no send recorded (bounces-without-sends)`
          : null,
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
