import { campaignHealth, findingKey, type Finding, type Verdict } from '../domain/index.js';
import { NotFoundError } from './errors.js';
import { alertSubject, alertText } from './alert-text.js';
import { publishKept, type DecisionEvent, type DecisionEventSink, type DecisionOutbox } from './decision-events.js';
import type { AlertingMark, AlertLedger, AlertPublisher, AlertRecord, HealthAlert, HealthMetricsPort } from './health-ports.js';
import { pauseCampaign, type PauseDeps } from './pause.js';
import type { LoggerPort } from './ports.js';
import { health, recentHours, type HealthReport, type SuppressionDeps } from './suppressions.js';

export interface HealthJobDeps extends SuppressionDeps {
  readonly ledger: AlertLedger;
  readonly publisher: AlertPublisher;
  readonly metrics: HealthMetricsPort;
  readonly logger: LoggerPort;
  /** Where an alert sends a person for more (the dashboard); null for none. */
  readonly link: string | null;
  /** Campaigns active in this many recent hours are checked, and their recent figures cover them. @default 24 */
  readonly recentHours?: number;
  /** A campaign's "lifetime": this many hours back. @default 336 (14 days) */
  readonly lifetimeHours?: number;
  /** Where findings (and automatic pauses) go for other systems. */
  readonly events?: DecisionEventSink;
  /** Events kept by an earlier failed publish (any function's), published first through the bare sink. */
  readonly kept?: { readonly sink: DecisionEventSink; readonly outbox: DecisionOutbox };
  /** Pause a campaign whose hard-bounce rate crosses the danger line; null: never (the default). */
  readonly autoPause?: PauseDeps | null;
}

export interface CampaignCheck {
  readonly campaign: string;
  readonly recent: HealthReport;
  readonly lifetime: HealthReport;
  /** The findings of both windows, one per key, the worse verdict kept. */
  readonly findings: readonly Finding[];
}

export interface HealthRun {
  readonly at: string;
  readonly checks: readonly CampaignCheck[];
  readonly alerts: readonly HealthAlert[];
  readonly paused: readonly string[];
  /** Campaigns whose check failed (logged; the next run tries again). */
  readonly failed: readonly string[];
  /** Campaigns visited only for their open alerts (no activity in the recent window). */
  readonly idle: readonly string[];
  /** Decision events from the outbox published by this run. */
  readonly eventsRepublished: number;
}

const RANK: Record<Verdict, number> = { ok: 0, warning: 1, danger: 2 };

/** A window without activity (a campaign visited for its open alerts) has no sends and no findings. */
async function healthOrQuiet(campaign: string, hours: number, deps: SuppressionDeps): Promise<HealthReport> {
  try {
    return await health(campaign, hours, deps);
  } catch (error) {
    if (!(error instanceof NotFoundError)) throw error;
    const quiet = campaignHealth({}, deps.thresholds ? { thresholds: deps.thresholds } : {});
    return { campaign, from: null, to: null, activeHours: 0, ...quiet };
  }
}

/** One finding per key: the worse of the two windows (the recent one on a tie, its figures are fresher). */
function mergeFindings(recent: readonly Finding[], lifetime: readonly Finding[]): Finding[] {
  const byKey = new Map<string, Finding>();
  for (const finding of [...recent, ...lifetime]) {
    const key = findingKey(finding);
    const held = byKey.get(key);
    if (!held || RANK[finding.verdict] > RANK[held.verdict]) byKey.set(key, finding);
  }
  return [...byKey.values()];
}

/** Publishes what earlier failed publishes kept; a failure is logged and the events wait for the next run. */
async function republishKept(now: Date, deps: HealthJobDeps): Promise<number> {
  if (!deps.kept) return 0;
  try {
    return await publishKept(deps.kept.sink, deps.kept.outbox, now);
  } catch (error) {
    deps.logger.error('Kept decision events not published; the next run tries again', { errorName: (error as Error).name });
    return 0;
  }
}

/**
 * The scheduled health check. Campaigns active in the recent hours (read from
 * the hourly activity markers, never a scan), and campaigns still marked with
 * open alerts (so an idle campaign's findings clear when its window says so),
 * get their figures over the recent window and their lifetime; every finding
 * that is new, changed its verdict or went away is alerted once, even when
 * two runs overlap (the ledger's writes are conditional); figures go to CloudWatch.
 */
export async function runHealthJob(deps: HealthJobDeps): Promise<HealthRun> {
  const now = deps.clock();
  const at = now.toISOString();
  const recentWindow = deps.recentHours ?? 24;
  const lifetimeWindow = deps.lifetimeHours ?? 336;
  const frozen = { ...deps, clock: () => now };
  const eventsRepublished = await republishKept(now, deps);
  const active = await deps.campaigns.campaignsActiveIn(recentHours(now, recentWindow));
  const marks = new Map((await deps.ledger.marked()).map((mark) => [mark.campaign, mark]));
  const activeSet = new Set(active);
  const idle = [...marks.keys()].filter((campaign) => !activeSet.has(campaign));
  const campaigns = [...active, ...idle];
  const checks: CampaignCheck[] = [];
  const alerts: HealthAlert[] = [];
  const paused: string[] = [];
  const failed: string[] = [];
  let worstLowerBound = 0;
  let worstComplaintRate = 0;

  for (const campaign of campaigns) {
    try {
      const recent = await healthOrQuiet(campaign, recentWindow, frozen);
      const lifetime = await healthOrQuiet(campaign, lifetimeWindow, frozen);
      const findings = mergeFindings(recent.findings, lifetime.findings);
      checks.push({ campaign, recent, lifetime, findings });
      // An idle campaign's recent figures are zeros: a metric for it would only cost money.
      if (activeSet.has(campaign)) deps.metrics.campaign(campaign, recent);
      worstLowerBound = Math.max(worstLowerBound, recent.hardBounceRateLowerBound);
      // A rate from fewer complaints than a finding needs is noise, not a worst case.
      if (recent.findings.some((f) => f.pattern === 'complaint-rate'))
        worstComplaintRate = Math.max(worstComplaintRate, recent.complaintRate);
      const changes = await alertChanges(campaign, findings, at, recentWindow, deps);
      alerts.push(...changes);
      await keepMark(campaign, marks.get(campaign) ?? null, findings, changes, deps);
      if (deps.autoPause && activeSet.has(campaign) && findings.some((f) => f.pattern === 'hard-bounce-rate' && f.verdict === 'danger')) {
        const view = await pauseCampaign(campaign, 'hard-bounce rate above the danger line', 'health-job', true, {
          ...deps.autoPause,
          ...(deps.events ? { events: deps.events } : {}),
        });
        if (view.changed) paused.push(campaign);
      }
    } catch (error) {
      // One campaign's failure must not hide the others' alerts; the next run tries it again.
      failed.push(campaign);
      deps.logger.error('Campaign health check failed', {
        campaign,
        errorName: (error as Error).name,
        errorMessage: (error as Error).message,
      });
    }
  }
  deps.metrics.account({
    worstHardBounceRateLowerBound: worstLowerBound,
    worstComplaintRate,
    campaignsChecked: checks.length,
    findings: checks.reduce((sum, check) => sum + check.findings.length, 0),
  });
  await deps.metrics.flush();
  return { at, checks, alerts, paused, failed, idle, eventsRepublished };
}

/**
 * Keeps the campaign's open-alerts mark true to the ledger. A new alert marks it (after its claim:
 * a run that read the old mark cannot then remove the new one); so does a finding of a campaign
 * not marked yet (alerts from before marks existed). A marked campaign left with no open alert is
 * unmarked, unless another run marked it since.
 */
async function keepMark(
  campaign: string,
  mark: AlertingMark | null,
  findings: readonly Finding[],
  changes: readonly HealthAlert[],
  deps: HealthJobDeps,
): Promise<void> {
  if (changes.some((alert) => alert.verdict !== 'cleared') || (mark === null && findings.length > 0)) {
    await deps.ledger.mark(campaign);
    return;
  }
  if (mark !== null && (await deps.ledger.open(campaign)).length === 0) await deps.ledger.unmark(mark);
}

/** Alerts for what changed since the ledger's record, each claimed in the ledger before it is sent. */
async function alertChanges(
  campaign: string,
  findings: readonly Finding[],
  at: string,
  recentWindow: number,
  deps: HealthJobDeps,
): Promise<HealthAlert[]> {
  const open = new Map((await deps.ledger.open(campaign)).map((record) => [record.key, record]));
  const sent: HealthAlert[] = [];
  const window = `the last ${recentWindow} hours or the campaign's lifetime`;
  for (const finding of findings) {
    const key = findingKey(finding);
    const previous = open.get(key) ?? null;
    open.delete(key);
    if (previous?.verdict === finding.verdict) continue;
    const record: AlertRecord = { campaign, key, verdict: finding.verdict, at, finding };
    if (!(await deps.ledger.claim(record, previous?.verdict ?? null))) continue; // another run alerted it
    const alert: HealthAlert = {
      at,
      campaign,
      pattern: finding.pattern,
      key,
      verdict: finding.verdict,
      previous: previous?.verdict ?? null,
      subject: alertSubject(campaign, finding, finding.verdict),
      text: alertText({ campaign, finding, verdict: finding.verdict, previous: previous?.verdict ?? null, window, link: deps.link }),
      finding,
    };
    await publishOrUndo(alert, () => deps.ledger.undo(record, previous), deps);
    sent.push(alert);
  }
  for (const record of open.values()) {
    if (!(await deps.ledger.clear(campaign, record.key, record.verdict))) continue;
    const alert: HealthAlert = {
      at,
      campaign,
      pattern: record.finding.pattern,
      key: record.key,
      verdict: 'cleared',
      previous: record.verdict,
      subject: alertSubject(campaign, record.finding, 'cleared'),
      text: alertText({ campaign, finding: record.finding, verdict: 'cleared', previous: record.verdict, window, link: deps.link }),
      finding: record.finding,
    };
    await publishOrUndo(alert, () => deps.ledger.undo(record, record), deps);
    sent.push(alert);
  }
  return sent;
}

/** An alert that could not be sent is given back to the ledger, so the next run sends it. */
async function publishOrUndo(alert: HealthAlert, undo: () => Promise<void>, deps: HealthJobDeps): Promise<void> {
  try {
    await deps.publisher.publish(alert);
  } catch (error) {
    await undo();
    throw error;
  }
  const event: DecisionEvent = {
    version: 1,
    type: 'campaign.finding',
    id: `finding:${alert.campaign}:${alert.key}:${alert.verdict}:${alert.at}`,
    at: alert.at,
    campaign: alert.campaign,
    verdict: alert.verdict,
    previous: alert.previous,
    finding: { ...alert.finding, key: alert.key },
  };
  // The alert is out; an event that cannot be published is logged, not retried (the alert ledger moved on).
  await deps.events
    ?.publish([event])
    .catch((error: unknown) =>
      deps.logger.error('Decision event not published', { campaign: alert.campaign, errorMessage: (error as Error).message }),
    );
  deps.logger.warn('Campaign health alert', {
    campaign: alert.campaign,
    finding: alert.key,
    verdict: alert.verdict,
    previous: alert.previous,
  });
}
