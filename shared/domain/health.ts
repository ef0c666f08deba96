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

export type Verdict = 'ok' | 'warning' | 'danger';

export interface Finding {
  readonly pattern: 'hard-bounce-rate' | 'reputation-across-providers' | 'mailbox-full-concentration';
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

export function campaignHealth(totals: Readonly<Record<string, number>>): CampaignHealth {
  const n = (name: string) => totals[name] ?? 0;
  const sends = n('sends');
  const hardBounces = n('hardBounces');
  // Addresses SES never tried are not part of the rate.
  const attempted = Math.max(sends - n('alreadySuppressed'), n('deliveries') + hardBounces + n('softBounces') + n('blocks'));
  const { lower } = wilsonInterval(hardBounces, attempted);
  const rate = attempted === 0 ? 0 : hardBounces / attempted;
  const findings: Finding[] = [];

  const rateVerdict: Verdict = lower > HARD_BOUNCE_DANGER ? 'danger' : rate > HARD_BOUNCE_TARGET ? 'warning' : 'ok';
  if (rateVerdict !== 'ok') {
    findings.push({
      pattern: 'hard-bounce-rate',
      verdict: rateVerdict,
      summary:
        rateVerdict === 'danger'
          ? `hard-bounce rate ${pct(rate)} is above 2 % with 95 % confidence (at least ${pct(lower)})`
          : `hard-bounce rate ${pct(rate)} is above the 0.5 % target`,
      numbers: { hardBounces, attempted, rate, lowerBound: lower },
      action: 'Stop sending this list; remove the suppressed addresses (bounce check) and verify the source of the list before resuming.',
    });
  }

  const reputationProviders = [...breakdown(totals, 'blocks|reputation').entries()].filter(([, count]) => count > 0);
  if (reputationProviders.length >= 2) {
    const blocked = reputationProviders.reduce((sum, [, count]) => sum + count, 0);
    findings.push({
      pattern: 'reputation-across-providers',
      verdict: reputationProviders.length >= 3 || blocked / Math.max(attempted, 1) > 0.01 ? 'danger' : 'warning',
      summary: `reputation blocks from ${reputationProviders.length} providers (${reputationProviders.map(([p, c]) => `${p} ${c}`).join(', ')}): a sender reputation problem, not a list problem`,
      numbers: { providers: reputationProviders.length, blocked },
      action:
        'Check blocklists for the sending IPs and domain, authentication (SPF, DKIM, DMARC), complaint rates and recent content; slow down sending.',
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
          summary: `${pct(share)} of full mailboxes come from ${dimension} "${value}" (${count} of ${sentHere} sent, ${pct(rateHere)}): a stale or bought list`,
          numbers: { [dimension]: value, mailboxFull: count, sent: sentHere, share },
          action: `Review ${dimension} "${value}": when was it collected, was it permission-based? Re-confirm or drop it.`,
        });
      }
    }
  }

  return {
    sends,
    deliveries: n('deliveries'),
    hardBounces,
    softBounces: n('softBounces'),
    blocks: n('blocks'),
    complaints: n('complaints'),
    alreadySuppressed: n('alreadySuppressed'),
    hardBounceRate: rate,
    hardBounceRateLowerBound: lower,
    complaintRate: attempted === 0 ? 0 : n('complaints') / attempted,
    verdict: worst(findings.map((f) => f.verdict)),
    findings,
  };
}
