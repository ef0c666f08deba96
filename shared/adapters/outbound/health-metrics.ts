import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import type { CampaignFigures, HealthMetricsPort, WorstFigures } from '../../app/health-ports.js';

/** CloudWatch namespace of every pipeline metric. */
export const METRICS_NAMESPACE = 'BouncePipeline';
/** The health function's Powertools service name: a dimension of every metric it emits. */
export const HEALTH_SERVICE = 'bounce-health';

/** Metric names the health job emits; the alarms and the dashboard use the same names. */
export const HEALTH_METRICS = {
  campaign: {
    sends: 'CampaignSends',
    hardBounceRate: 'HardBounceRate',
    hardBounceRateLowerBound: 'HardBounceRateLowerBound',
    complaintRate: 'ComplaintRate',
  },
  account: {
    worstHardBounceRateLowerBound: 'WorstHardBounceRateLowerBound',
    worstComplaintRate: 'WorstComplaintRate',
    campaignsChecked: 'CampaignsChecked',
    findings: 'OpenFindings',
  },
  /** 1 per scheduled run of the finder, written even when the run fails. */
  heartbeat: 'HealthHeartbeat',
} as const;

/** Per-campaign metrics carry this dimension (besides `service`). */
export const CAMPAIGN_DIMENSION = 'campaign';

const percent = (fraction: number): number => Number((fraction * 100).toFixed(4));

/**
 * Health figures as CloudWatch EMF through Powertools Metrics: one EMF
 * document per campaign (dimensions service + campaign; only campaigns in
 * warning or danger get one), one for the account and one heartbeat (service only). Rates are percentages. `write` receives each
 * document instead of stdout (the local runtime's metrics.jsonl).
 */
export class PowertoolsHealthMetrics implements HealthMetricsPort {
  constructor(
    private readonly metrics: Metrics,
    private readonly write?: (emf: unknown) => Promise<void>,
  ) {}

  private readonly pending: unknown[] = [];

  campaign(campaign: string, figures: CampaignFigures): void {
    const names = HEALTH_METRICS.campaign;
    this.metrics.addDimension(CAMPAIGN_DIMENSION, campaign);
    this.metrics.addMetric(names.sends, MetricUnit.Count, figures.sends);
    this.metrics.addMetric(names.hardBounceRate, MetricUnit.Percent, percent(figures.hardBounceRate));
    this.metrics.addMetric(names.hardBounceRateLowerBound, MetricUnit.Percent, percent(figures.hardBounceRateLowerBound));
    this.metrics.addMetric(names.complaintRate, MetricUnit.Percent, percent(figures.complaintRate));
    this.emit();
  }

  account(figures: WorstFigures): void {
    const names = HEALTH_METRICS.account;
    this.metrics.addMetric(names.worstHardBounceRateLowerBound, MetricUnit.Percent, percent(figures.worstHardBounceRateLowerBound));
    this.metrics.addMetric(names.worstComplaintRate, MetricUnit.Percent, percent(figures.worstComplaintRate));
    this.metrics.addMetric(names.campaignsChecked, MetricUnit.Count, figures.campaignsChecked);
    this.metrics.addMetric(names.findings, MetricUnit.Count, figures.findings);
    this.emit();
  }

  heartbeat(): void {
    this.metrics.addMetric(HEALTH_METRICS.heartbeat, MetricUnit.Count, 1);
    this.emit();
  }

  async flush(): Promise<void> {
    for (const emf of this.pending.splice(0)) await this.write?.(emf);
  }

  /** One document now: the dimensions of one document must not leak into the next. */
  private emit(): void {
    if (this.write) {
      this.pending.push(this.metrics.serializeMetrics());
      this.metrics.clearMetrics();
      this.metrics.clearDimensions();
    } else this.metrics.publishStoredMetrics();
  }
}
