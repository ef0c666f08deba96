import { campaignBreakdowns, campaignHealth, mergeTotals, type CampaignBreakdowns } from '../domain/index.js';
import { NotFoundError } from './errors.js';
import type { CampaignPauses } from './retry-ports.js';
import { health, recentHours, type HealthReport, type SuppressionDeps } from './suppressions.js';

/** One line of the campaign list. */
export interface CampaignSummary {
  readonly campaign: string;
  readonly verdict: HealthReport['verdict'];
  readonly sends: number;
  readonly hardBounceRate: number;
  readonly hardBounceRateLowerBound: number;
  readonly complaintRate: number;
  readonly findings: number;
  readonly from: string | null;
  readonly to: string | null;
  readonly paused: boolean;
  readonly estimated: HealthReport['estimated'];
  readonly estimates: HealthReport['estimates'];
  readonly evidence: HealthReport['evidence'];
}

/** Most campaigns one list returns (the most recently active first). */
export const MAX_CAMPAIGNS_LISTED = 100;

/** Campaigns active in the last `hours` hours with their figures over that window, most recently active first. */
export async function listCampaigns(
  hours: number,
  deps: SuppressionDeps & { readonly pauses?: CampaignPauses },
): Promise<CampaignSummary[]> {
  const now = deps.clock();
  const frozen = { ...deps, clock: () => now };
  const names = await deps.campaigns.campaignsActiveIn(recentHours(now, hours));
  const summaries: CampaignSummary[] = [];
  for (const campaign of names) {
    let report: HealthReport;
    try {
      report = await health(campaign, hours, frozen);
    } catch (error) {
      if (error instanceof NotFoundError) continue; // its activity left the window between the two reads
      throw error;
    }
    summaries.push({
      campaign,
      verdict: report.verdict,
      sends: report.sends,
      hardBounceRate: report.hardBounceRate,
      hardBounceRateLowerBound: report.hardBounceRateLowerBound,
      complaintRate: report.complaintRate,
      findings: report.findings.length,
      from: report.from,
      to: report.to,
      paused: deps.pauses ? await deps.pauses.isPaused(campaign) : false,
      estimated: report.estimated,
      estimates: report.estimates,
      evidence: report.evidence,
    });
  }
  return summaries
    .sort((a, b) => (b.to ?? '').localeCompare(a.to ?? '') || a.campaign.localeCompare(b.campaign))
    .slice(0, MAX_CAMPAIGNS_LISTED);
}

/** One hour of a campaign. */
export interface HourPoint {
  readonly hour: string;
  readonly sends: number;
  readonly hardBounces: number;
  readonly softBounces: number;
  readonly complaints: number;
  readonly hardBounceRate: number;
  readonly complaintRate: number;
}

export interface CampaignSeries {
  readonly campaign: string;
  readonly hours: readonly HourPoint[];
  readonly breakdowns: CampaignBreakdowns;
}

/** A campaign hour by hour over its active hours in the window, and its breakdowns over the window (for charts). */
export async function campaignSeries(campaign: string, hours: number, deps: SuppressionDeps): Promise<CampaignSeries> {
  // One read of every active hour's counters: the window's totals are their sum.
  const span = recentHours(deps.clock(), hours);
  const byHour = await deps.campaigns.hourlyTotals(campaign, span[0] ?? '', span.at(-1) ?? '');
  if (byHour.length === 0) throw new NotFoundError(`no activity for campaign ${campaign} in the last ${hours} h`);
  const points: HourPoint[] = [];
  for (const { hour, totals } of byHour) {
    const figures = campaignHealth(totals.counts);
    points.push({
      hour,
      sends: figures.sends,
      hardBounces: figures.hardBounces,
      softBounces: figures.softBounces,
      complaints: figures.complaints,
      hardBounceRate: figures.hardBounceRate,
      complaintRate: figures.complaintRate,
    });
  }
  return { campaign, hours: points, breakdowns: campaignBreakdowns(mergeTotals(byHour.map((h) => h.totals)).counts) };
}
