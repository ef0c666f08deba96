import {
  campaignHealth,
  delayedDomains,
  findingKey,
  mergeTotals,
  summariseDelays,
  type CounterTotals,
  type DelayRecord,
  type Finding,
  type Verdict,
} from '../domain/index.js';
import { alertSubject, alertText } from './alert-text.js';
import type { BatchResult, ProcessBatch, QueuedRecord } from './classify-batch.js';
import { forEachLimited } from './concurrency.js';
import { publishKept, type DecisionEvent, type DecisionEventSink, type DecisionOutbox } from './decision-events.js';
import type {
  AlertingMark,
  AlertLedger,
  AlertPublisher,
  AlertRecord,
  CampaignToCheck,
  HealthAlert,
  HealthCheckMessage,
  HealthCheckQueue,
  HealthMetricsPort,
  WorstFigures,
} from './health-ports.js';
import { pauseCampaign, type PauseDeps } from './pause.js';
import type { HourTotals, LoggerPort } from './ports.js';
import { recentHours, type HealthReport, type SuppressionDeps } from './suppressions.js';

/** Default recent window (and finder look-back) and lifetime of the health job, in hours. */
export const HEALTH_RECENT_HOURS = 24;
export const HEALTH_LIFETIME_HOURS = 336;

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
  /**
   * The finder looks for campaigns active in this many recent hours. @default recentHours. A pass
   * that follows the previous one by more than `recentHours` (a fast clock, a pass run by hand) must
   * look back at least that far, or campaigns active only in between are never checked.
   */
  readonly findHours?: number;
  /** Where findings (and automatic pauses) go for other systems. */
  readonly events?: DecisionEventSink;
  /** Events kept by an earlier failed publish (any function's), published first through the bare sink. */
  readonly kept?: { readonly sink: DecisionEventSink; readonly outbox: DecisionOutbox };
  /** Pause a campaign whose hard-bounce rate crosses the danger line; null: never (the default). */
  readonly autoPause?: PauseDeps | null;
}

/** The fan-out's shape: one place for the finder, the local runner and the CDK event source. */
export const HEALTH_FAN_OUT = {
  /** Minutes between scheduled runs (the EventBridge rate; the stack's default). */
  scheduleMinutes: 5,
  /** Campaigns per SQS message. */
  campaignsPerMessage: 25,
  /** Messages per checker invocation (the event source's batch size). */
  messagesPerBatch: 4,
  /** Checker invocations at once (the event source's maxConcurrency). */
  maxConcurrency: 10,
  /** Campaigns of one message checked at once. */
  campaignsInFlight: 5,
} as const;

/** What the scheduled finder needs: where to find campaigns, where to fan out, where the heartbeat goes. */
export type HealthFinderDeps = Pick<
  HealthJobDeps,
  'campaigns' | 'ledger' | 'metrics' | 'logger' | 'clock' | 'recentHours' | 'findHours' | 'kept'
> & {
  readonly queue: HealthCheckQueue;
  /** @default HEALTH_FAN_OUT.campaignsPerMessage */
  readonly campaignsPerMessage?: number;
};

export interface HealthFinderRun {
  readonly at: string;
  /** The campaigns handed to the checkers (active ones first). */
  readonly campaigns: readonly CampaignToCheck[];
  /** Fan-out messages sent. */
  readonly messages: number;
  readonly eventsRepublished: number;
  /** Whether the heartbeat metric was written. */
  readonly heartbeat: boolean;
  /** Why finding or fanning out failed, else null (the heartbeat is written either way). */
  readonly error: Error | null;
}

export interface CampaignCheck {
  readonly campaign: string;
  readonly recent: HealthReport;
  readonly lifetime: HealthReport;
  /** The findings of both windows, one per key, the worse verdict kept. */
  readonly findings: readonly Finding[];
}

/** What one checker did with one group of campaigns. */
export interface CheckedGroup {
  readonly checks: readonly CampaignCheck[];
  readonly alerts: readonly HealthAlert[];
  readonly paused: readonly string[];
  /** Campaigns whose check failed (logged; the message is delivered again). */
  readonly failed: readonly string[];
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
  /** Fan-out messages the finder sent. */
  readonly messages: number;
  /** Whether the finder wrote its heartbeat. */
  readonly heartbeat: boolean;
  /** Why the finder failed, else null. */
  readonly finderError: Error | null;
}

const RANK: Record<Verdict, number> = { ok: 0, warning: 1, danger: 2 };

/** Receiving domains whose delays are read per campaign: the most delayed ones. */
const DELAYED_DOMAINS_READ = 10;

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
async function republishKept(now: Date, deps: Pick<HealthJobDeps, 'kept' | 'logger'>): Promise<number> {
  if (!deps.kept) return 0;
  try {
    return await publishKept(deps.kept.sink, deps.kept.outbox, now);
  } catch (error) {
    deps.logger.error('Kept decision events not published; the next run tries again', { errorName: (error as Error).name });
    return 0;
  }
}

const NO_FIGURES: WorstFigures = { worstHardBounceRateLowerBound: 0, worstComplaintRate: 0, campaignsChecked: 0, findings: 0 };

/**
 * The scheduled finder: campaigns active in the recent hours (the hourly activity markers, never a
 * scan) and campaigns still marked with open alerts (so an idle campaign's findings clear when its
 * window says so, read once per run), handed to the checkers in groups, one queue message each.
 * The heartbeat is written whatever happens (finally): its alarm treats a missing beat as breaching,
 * so a run that dies or never starts is seen. With nothing to check, the finder writes the account
 * figures itself (zeros): the account alarms also treat missing data as breaching.
 */
export async function runHealthFinder(deps: HealthFinderDeps): Promise<HealthFinderRun> {
  const now = deps.clock();
  const at = now.toISOString();
  let campaigns: CampaignToCheck[] = [];
  let messages = 0;
  let eventsRepublished = 0;
  let error: Error | null = null;
  let heartbeat = false;
  try {
    eventsRepublished = await republishKept(now, deps);
    const active = await deps.campaigns.campaignsActiveIn(recentHours(now, deps.findHours ?? deps.recentHours ?? HEALTH_RECENT_HOURS));
    const marks = new Map((await deps.ledger.marked()).map((mark) => [mark.campaign, mark.version]));
    const activeSet = new Set(active);
    campaigns = [
      ...active.map((campaign) => ({ campaign, active: true, mark: marks.get(campaign) ?? null })),
      ...[...marks].filter(([campaign]) => !activeSet.has(campaign)).map(([campaign, mark]) => ({ campaign, active: false, mark })),
    ];
    const size = deps.campaignsPerMessage ?? HEALTH_FAN_OUT.campaignsPerMessage;
    const groups: HealthCheckMessage[] = [];
    for (let i = 0; i < campaigns.length; i += size) groups.push({ version: 1, at, campaigns: campaigns.slice(i, i + size) });
    await deps.queue.send(groups);
    messages = groups.length;
    if (campaigns.length === 0) deps.metrics.account(NO_FIGURES);
  } catch (caught) {
    error = caught as Error;
    deps.logger.error('Health finder failed', { errorName: error.name, errorMessage: error.message });
  } finally {
    deps.metrics.heartbeat();
    try {
      await deps.metrics.flush();
      heartbeat = true;
    } catch (caught) {
      deps.logger.error('Health heartbeat not written', { errorName: (caught as Error).name });
    }
  }
  return { at, campaigns, messages, eventsRepublished, heartbeat, error };
}

/** A fan-out message's body, or null when it is not one. */
export function parseHealthCheckMessage(body: string): HealthCheckMessage | null {
  try {
    const message = JSON.parse(body) as Partial<HealthCheckMessage>;
    const valid =
      message.version === 1 &&
      typeof message.at === 'string' &&
      Array.isArray(message.campaigns) &&
      message.campaigns.every(
        (c) =>
          typeof c === 'object' &&
          c !== null &&
          typeof c.campaign === 'string' &&
          typeof c.active === 'boolean' &&
          (c.mark === null || typeof c.mark === 'number'),
      );
    return valid ? (message as HealthCheckMessage) : null;
  } catch {
    return null;
  }
}

const sumOf = (hours: readonly HourTotals[]): CounterTotals => mergeTotals(hours.map((hour) => hour.totals));

/** Delay records of the campaign's most delayed domains since `since` (one query per domain, none without delays). */
async function delayRecords(
  campaign: string,
  domains: readonly string[],
  since: string,
  now: Date,
  deps: HealthJobDeps,
): Promise<DelayRecord[]> {
  if (!deps.delays || domains.length === 0) return [];
  const records: DelayRecord[] = [];
  for (const domain of domains) {
    for (const record of await deps.delays.delaysSince(domain, since, now)) if (record.campaign === campaign) records.push(record);
  }
  return records;
}

/**
 * Both windows of a campaign from one read of its lifetime hours: the recent window is the newest
 * of those hours, summed in memory (a second read of the same counters would only cost requests).
 * Delays are read once too, since the lifetime's first active hour, and filtered for the recent window.
 */
async function windowsOf(campaign: string, now: Date, deps: HealthJobDeps): Promise<{ recent: HealthReport; lifetime: HealthReport }> {
  const lifetimeSpan = recentHours(now, deps.lifetimeHours ?? HEALTH_LIFETIME_HOURS);
  const recentFrom = recentHours(now, deps.recentHours ?? HEALTH_RECENT_HOURS)[0] ?? '';
  const hourly = await deps.campaigns.hourlyTotals(campaign, lifetimeSpan[0] ?? '', lifetimeSpan.at(-1) ?? '');
  const recentHourly = hourly.filter((h) => h.hour >= recentFrom);
  const lifetimeTotals = sumOf(hourly);
  const recentTotals = sumOf(recentHourly);
  const records = await delayRecords(
    campaign,
    delayedDomains(lifetimeTotals.counts, DELAYED_DOMAINS_READ),
    `${hourly[0]?.hour ?? ''}:00:00.000Z`,
    now,
    deps,
  );
  const recentDomains = new Set(delayedDomains(recentTotals.counts, DELAYED_DOMAINS_READ));
  const recentSince = `${recentHourly[0]?.hour ?? ''}:00:00.000Z`;
  const report = (hours: readonly HourTotals[], totals: CounterTotals, delays: readonly DelayRecord[]): HealthReport => ({
    campaign,
    from: hours[0]?.hour ?? null,
    to: hours.at(-1)?.hour ?? null,
    activeHours: hours.length,
    ...campaignHealth(totals.counts, {
      delays: summariseDelays(delays),
      errors: totals.errors,
      ...(deps.thresholds ? { thresholds: deps.thresholds } : {}),
    }),
  });
  return {
    recent: report(
      recentHourly,
      recentTotals,
      records.filter((r) => recentDomains.has(r.domain) && r.occurredAt >= recentSince),
    ),
    lifetime: report(hourly, lifetimeTotals, records),
  };
}

interface OneCheck {
  readonly check: CampaignCheck;
  readonly alerts: readonly HealthAlert[];
  readonly paused: boolean;
}

/**
 * One campaign's check: its figures, findings, alerts, mark and auto-pause. Storage reads: the
 * lifetime hours (one read), the delays of its delayed domains (none without delays), its open
 * alerts only when it is marked or has a finding (every alert claim is preceded by a mark, so an
 * unmarked campaign without findings has nothing open), the pause state only for an auto-pause.
 */
async function checkCampaign(item: CampaignToCheck, now: Date, at: string, deps: HealthJobDeps): Promise<OneCheck> {
  const { campaign } = item;
  const { recent, lifetime } = await windowsOf(campaign, now, deps);
  const findings = mergeFindings(recent.findings, lifetime.findings);
  const check: CampaignCheck = { campaign, recent, lifetime, findings };
  // Per-campaign metrics cost 4 x $0.30 a month each: only campaigns in warning or danger get them
  // (an idle campaign's recent figures are zeros: none for it either).
  if (item.active && (recent.verdict !== 'ok' || lifetime.verdict !== 'ok')) deps.metrics.campaign(campaign, recent);
  const open = item.mark !== null || findings.length > 0 ? await deps.ledger.open(campaign) : [];
  const alerts = await alertChanges(campaign, item.mark, findings, open, at, deps);
  let paused = false;
  if (deps.autoPause && item.active && findings.some((f) => f.pattern === 'hard-bounce-rate' && f.verdict === 'danger')) {
    const view = await pauseCampaign(campaign, 'hard-bounce rate above the danger line', 'health-job', true, {
      ...deps.autoPause,
      ...(deps.events ? { events: deps.events } : {}),
    });
    paused = view.changed;
  }
  return { check, alerts, paused };
}

/**
 * One checker's group: each campaign checked on its own (a few at once); one campaign's failure is
 * logged and does not hide the others' alerts.
 */
export async function checkCampaigns(campaigns: readonly CampaignToCheck[], deps: HealthJobDeps): Promise<CheckedGroup> {
  const now = deps.clock();
  const at = now.toISOString();
  const frozen = { ...deps, clock: () => now };
  const results: Array<OneCheck | null> = campaigns.map(() => null);
  const failed: string[] = [];
  await forEachLimited(campaigns, HEALTH_FAN_OUT.campaignsInFlight, async (item, index) => {
    try {
      results[index] = await checkCampaign(item, now, at, frozen);
    } catch (error) {
      failed.push(item.campaign);
      deps.logger.error('Campaign health check failed', {
        campaign: item.campaign,
        errorName: (error as Error).name,
        errorMessage: (error as Error).message,
      });
    }
  });
  const done = results.filter((r): r is OneCheck => r !== null);
  return {
    checks: done.map((r) => r.check),
    alerts: done.flatMap((r) => r.alerts),
    paused: done.filter((r) => r.paused).map((r) => r.check.campaign),
    failed: campaigns.map((c) => c.campaign).filter((c) => failed.includes(c)),
  };
}

/** The worst figures of some checks: what the account-level alarms watch. */
function worstOf(checks: readonly CampaignCheck[]): WorstFigures {
  let worstLowerBound = 0;
  let worstComplaintRate = 0;
  for (const { recent } of checks) {
    worstLowerBound = Math.max(worstLowerBound, recent.hardBounceRateLowerBound);
    // A rate from fewer complaints than a finding needs is noise, not a worst case.
    if (recent.findings.some((f) => f.pattern === 'complaint-rate'))
      worstComplaintRate = Math.max(worstComplaintRate, recent.complaintRate);
  }
  return {
    worstHardBounceRateLowerBound: worstLowerBound,
    worstComplaintRate,
    campaignsChecked: checks.length,
    findings: checks.reduce((sum, check) => sum + check.findings.length, 0),
  };
}

/**
 * The checker over one batch of fan-out messages (the health-check queue's event source). A message
 * with a failed campaign is reported failed and delivered again (its other campaigns are checked
 * again: every effect is conditional, so nothing is alerted twice); one that is not a fan-out message
 * is failed until the queue's redrive moves it to the DLQ.
 *
 * Account-level figures: each batch publishes the worst figures of the campaigns it checked as one
 * data point; CloudWatch's Maximum statistic over the alarm's period aggregates the batches of a run
 * into the account's worst. A batch that checked nothing publishes nothing (a zero would read as
 * "all well" while blind; the alarms treat missing data as breaching).
 */
export function createProcessHealthChecks(
  deps: HealthJobDeps,
  observe?: (record: QueuedRecord, group: CheckedGroup) => void,
): ProcessBatch {
  return async (records): Promise<BatchResult> => {
    const failedIds = new Set<string>();
    const checks: CampaignCheck[] = [];
    for (const record of records) {
      const message = parseHealthCheckMessage(record.body);
      if (!message) {
        deps.logger.error('Not a health-check message', { recordId: record.id });
        failedIds.add(record.id);
        continue;
      }
      const group = await checkCampaigns(message.campaigns, deps);
      checks.push(...group.checks);
      if (group.failed.length > 0) failedIds.add(record.id);
      observe?.(record, group);
    }
    if (checks.length > 0) deps.metrics.account(worstOf(checks));
    await deps.metrics.flush();
    return { failedIds };
  };
}

/** How the in-process run hands the fan-out to the checker (locally, and in tests). */
export interface InProcessFanOut {
  /** Fan-out messages per checker call. @default HEALTH_FAN_OUT.messagesPerBatch */
  readonly messagesPerBatch?: number;
  /** Checker calls at once. @default HEALTH_FAN_OUT.maxConcurrency */
  readonly maxConcurrency?: number;
  readonly campaignsPerMessage?: number;
}

/**
 * One scheduled pass in this process: the finder, then its messages (as the JSON bodies the
 * checker function receives) handed to the same checker in batches, a few batches at once.
 */
export async function runHealthJob(deps: HealthJobDeps, fanOut: InProcessFanOut = {}): Promise<HealthRun> {
  const bodies: string[] = [];
  const queue: HealthCheckQueue = { send: async (messages) => void bodies.push(...messages.map((m) => JSON.stringify(m))) };
  const finder = await runHealthFinder({
    ...deps,
    queue,
    ...(fanOut.campaignsPerMessage ? { campaignsPerMessage: fanOut.campaignsPerMessage } : {}),
  });
  const groups: Array<CheckedGroup | null> = bodies.map(() => null);
  const process = createProcessHealthChecks(deps, (record, group) => {
    groups[Number(record.id)] = group;
  });
  const records = bodies.map((body, i) => ({ id: String(i), body }));
  const size = fanOut.messagesPerBatch ?? HEALTH_FAN_OUT.messagesPerBatch;
  const batches: QueuedRecord[][] = [];
  for (let i = 0; i < records.length; i += size) batches.push(records.slice(i, i + size));
  await forEachLimited(batches, fanOut.maxConcurrency ?? HEALTH_FAN_OUT.maxConcurrency, async (batch) => {
    await process(batch);
  });
  const done = groups.filter((g): g is CheckedGroup => g !== null);
  return {
    at: finder.at,
    checks: done.flatMap((g) => g.checks),
    alerts: done.flatMap((g) => g.alerts),
    paused: done.flatMap((g) => g.paused),
    failed: done.flatMap((g) => g.failed),
    idle: finder.campaigns.filter((c) => !c.active).map((c) => c.campaign),
    eventsRepublished: finder.eventsRepublished,
    messages: finder.messages,
    heartbeat: finder.heartbeat,
    finderError: finder.error,
  };
}

/**
 * Alerts for what changed since the ledger's record (`open`, read once), each claimed in the ledger
 * before it is sent. The campaign's open-alerts mark stays true to the ledger: it is moved (a new
 * version) before the first claim of a finding, so a run that read the older mark cannot remove it
 * once the record exists (its unmark is conditional on the version it read); a finding of a campaign
 * not marked yet is marked (alerts from before marks existed); a marked campaign left without any
 * finding, its open alerts cleared, is unmarked unless another run marked it since.
 */
async function alertChanges(
  campaign: string,
  markVersion: number | null,
  findings: readonly Finding[],
  openRecords: readonly AlertRecord[],
  at: string,
  deps: HealthJobDeps,
): Promise<HealthAlert[]> {
  const open = new Map(openRecords.map((record) => [record.key, record]));
  const sent: HealthAlert[] = [];
  const window = `the last ${deps.recentHours ?? HEALTH_RECENT_HOURS} hours or the campaign's lifetime`;
  let marked = false;
  for (const finding of findings) {
    const key = findingKey(finding);
    const previous = open.get(key) ?? null;
    open.delete(key);
    if (previous?.verdict === finding.verdict) continue;
    if (!marked) {
      await deps.ledger.mark(campaign);
      marked = true;
    }
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
  if (!marked && markVersion === null && findings.length > 0) await deps.ledger.mark(campaign);
  const mark: AlertingMark | null = markVersion === null ? null : { campaign, version: markVersion };
  if (mark !== null && !marked && findings.length === 0) await deps.ledger.unmark(mark);
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
