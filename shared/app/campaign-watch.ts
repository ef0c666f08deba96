import { health, recentHours, type HealthReport, type SuppressionDeps } from './suppressions.js';

/** One alert: a campaign whose verdict is not ok, with the findings that say why and what to do. */
export interface CampaignAlert {
  readonly at: string;
  readonly campaign: string;
  readonly verdict: HealthReport['verdict'];
  readonly findings: HealthReport['findings'];
  readonly figures: Pick<
    HealthReport,
    'sends' | 'hardBounces' | 'hardBounceRate' | 'hardBounceRateLowerBound' | 'complaints' | 'from' | 'to'
  >;
}

/**
 * The health job's check: every campaign active in the window gets its
 * health computed; an alert is raised when a campaign's verdict or its set of
 * findings changes (so a lasting problem is reported once, a new one again).
 */
export class CampaignWatch {
  private readonly lastSeen = new Map<string, string>();

  constructor(
    private readonly deps: SuppressionDeps,
    private readonly hours = 72,
  ) {}

  async check(): Promise<CampaignAlert[]> {
    const now = this.deps.clock();
    const campaigns = await this.deps.campaigns.campaignsActiveIn(recentHours(now, this.hours));
    const alerts: CampaignAlert[] = [];
    for (const campaign of campaigns) {
      const report = await health(campaign, this.hours, this.deps);
      const signature = `${report.verdict}|${report.findings
        .map((f) => `${f.pattern}:${f.verdict}`)
        .sort()
        .join(',')}`;
      const previous = this.lastSeen.get(campaign);
      this.lastSeen.set(campaign, signature);
      if (report.verdict === 'ok' || signature === previous) continue;
      alerts.push({
        at: now.toISOString(),
        campaign,
        verdict: report.verdict,
        findings: report.findings,
        figures: {
          sends: report.sends,
          hardBounces: report.hardBounces,
          hardBounceRate: report.hardBounceRate,
          hardBounceRateLowerBound: report.hardBounceRateLowerBound,
          complaints: report.complaints,
          from: report.from,
          to: report.to,
        },
      });
    }
    return alerts;
  }
}
