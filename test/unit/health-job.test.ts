import { describe, expect, it } from 'vitest';
import { alertText } from '../../shared/app/alert-text.js';
import type { DecisionEvent } from '../../shared/app/decision-events.js';
import type {
  AlertingMark,
  AlertLedger,
  AlertRecord,
  CampaignFigures,
  HealthAlert,
  HealthMetricsPort,
  WorstFigures,
} from '../../shared/app/health-ports.js';
import { createProcessHealthChecks, runHealthFinder, runHealthJob, type HealthJobDeps } from '../../shared/app/health-job.js';
import { findHoursFor } from '../../local/health-timer.js';
import type { HealthCheckMessage } from '../../shared/app/health-ports.js';
import type { SendingSwitch } from '../../shared/app/pause.js';
import { FakePauses } from '../support/retry-fakes.js';
import type { CampaignReader } from '../../shared/app/ports.js';
import type { Verdict } from '../../shared/domain/index.js';
import { FakeAddresses, RecordingLogger } from '../support/fakes.js';

const NOW = new Date('2026-11-25T12:00:00Z');

/** Counters per campaign, all in the current hour; an idle campaign's are older than the recent 24 hours. */
class FakeCampaigns implements CampaignReader {
  readonly totalsOf = new Map<string, Record<string, number>>();
  readonly idle = new Set<string>();
  async activeHours(campaign: string, hours: readonly string[]) {
    if (!this.totalsOf.has(campaign)) return [];
    if (!this.idle.has(campaign)) return hours.slice(-1);
    return hours.length > 24 ? hours.slice(0, 1) : [];
  }
  async campaignsActiveIn() {
    return [...this.totalsOf.keys()].filter((campaign) => !this.idle.has(campaign));
  }
  async totals(campaign: string, hours: readonly string[]) {
    return { counts: hours.length > 0 ? (this.totalsOf.get(campaign) ?? {}) : {}, errors: {} };
  }
  /** An active campaign's counters are in the newest hour; an idle one's in the oldest of its lifetime. */
  async hourlyTotals(campaign: string, fromHour: string, toHour: string) {
    const totals = this.totalsOf.get(campaign);
    this.reads++;
    return totals ? [{ hour: this.idle.has(campaign) ? fromHour : toHour, totals: { counts: totals, errors: {} } }] : [];
  }
  reads = 0;
  async period() {
    return null;
  }
  async catalogue() {
    return { periods: [] };
  }
}

/** An in-memory ledger with the same conditions as the DynamoDB one. */
class FakeLedger implements AlertLedger {
  readonly records = new Map<string, AlertRecord>();
  private id = (campaign: string, key: string) => `${campaign}\u0000${key}`;
  async open(campaign: string) {
    return [...this.records.values()].filter((r) => r.campaign === campaign);
  }
  async claim(next: AlertRecord, expected: Verdict | null) {
    await Promise.resolve(); // let an overlapping run interleave
    const held = this.records.get(this.id(next.campaign, next.key));
    if ((held?.verdict ?? null) !== expected) return false;
    this.records.set(this.id(next.campaign, next.key), next);
    return true;
  }
  async clear(campaign: string, key: string, expected: Verdict) {
    await Promise.resolve();
    if (this.records.get(this.id(campaign, key))?.verdict !== expected) return false;
    this.records.delete(this.id(campaign, key));
    return true;
  }
  async undo(next: AlertRecord, previous: AlertRecord | null) {
    if (previous) this.records.set(this.id(previous.campaign, previous.key), previous);
    else this.records.delete(this.id(next.campaign, next.key));
  }
  readonly marks = new Map<string, number>();
  async mark(campaign: string) {
    this.marks.set(campaign, (this.marks.get(campaign) ?? 0) + 1);
  }
  async marked() {
    return [...this.marks].map(([campaign, version]) => ({ campaign, version }));
  }
  async unmark(mark: AlertingMark) {
    if (this.marks.get(mark.campaign) === mark.version) this.marks.delete(mark.campaign);
  }
}

class RecordingMetrics implements HealthMetricsPort {
  readonly campaigns: Array<[string, CampaignFigures]> = [];
  readonly accounts: WorstFigures[] = [];
  flushes = 0;
  campaign(campaign: string, figures: CampaignFigures) {
    this.campaigns.push([campaign, figures]);
  }
  account(figures: WorstFigures) {
    this.accounts.push(figures);
  }
  heartbeats = 0;
  heartbeat() {
    this.heartbeats++;
  }
  async flush() {
    this.flushes++;
  }
}

function setup(overrides: Partial<HealthJobDeps> = {}) {
  const campaigns = new FakeCampaigns();
  const ledger = new FakeLedger();
  const published: HealthAlert[] = [];
  const metrics = new RecordingMetrics();
  const logger = new RecordingLogger();
  const deps: HealthJobDeps = {
    addresses: new FakeAddresses(),
    campaigns,
    clock: () => NOW,
    ledger,
    publisher: { publish: async (alert) => void published.push(alert) },
    metrics,
    logger,
    link: 'https://console.aws.amazon.com/cloudwatch/home?region=us-east-1#dashboards:name=BouncePipeline',
    ...overrides,
  };
  return { deps, campaigns, ledger, published, metrics, logger };
}

const BAD = { sends: 1000, deliveries: 970, hardBounces: 30 }; // 3 %: danger
const WARN = { sends: 2000, deliveries: 1988, hardBounces: 12 }; // 0.6 % on 12 hard bounces: warning
const GOOD = { sends: 10_000, deliveries: 9970, hardBounces: 30 }; // 0.3 %: ok

describe('health job', () => {
  it('alerts a new finding once, with text for a person', async () => {
    const { deps, campaigns, published } = setup();
    campaigns.totalsOf.set('nov', BAD);
    campaigns.totalsOf.set('fine', GOOD);
    const run = await runHealthJob(deps);
    expect(run.checks.map((c) => c.campaign)).toEqual(['nov', 'fine']);
    expect(published.map((a) => [a.campaign, a.pattern, a.verdict, a.previous])).toEqual([['nov', 'hard-bounce-rate', 'danger', null]]);
    const [alert] = published;
    expect(alert?.subject).toBe('[DANGER] hard-bounce-rate in campaign nov');
    expect(alert?.text).toBe(
      [
        'Campaign "nov": hard-bounce-rate is DANGER (new finding).',
        '',
        "What we see (the last 24 hours or the campaign's lifetime): hard-bounce rate 3.00 % is above 2.00 % with 95 % confidence (at least 2.23 %).",
        'Numbers: hardBounces 30, attempted 1000, rate 3.00 %, lowerBound 2.23 %.',
        '',
        'What to do: Stop sending this list; remove the suppressed addresses (bounce check) and verify the source of the list before resuming.',
        '',
        `Dashboard: ${deps.link}`,
        '',
      ].join('\n'),
    );
    await runHealthJob(deps);
    expect(published).toHaveLength(1); // unchanged: no second alert
  });

  it('alerts again when the verdict changes, and once when it clears', async () => {
    const { deps, campaigns, published } = setup();
    campaigns.totalsOf.set('nov', WARN);
    await runHealthJob(deps);
    campaigns.totalsOf.set('nov', BAD);
    await runHealthJob(deps);
    campaigns.totalsOf.set('nov', GOOD);
    await runHealthJob(deps);
    await runHealthJob(deps);
    expect(published.map((a) => [a.verdict, a.previous])).toEqual([
      ['warning', null],
      ['danger', 'warning'],
      ['cleared', 'danger'],
    ]);
    expect(published[2]?.subject).toBe('[CLEARED] hard-bounce-rate in campaign nov');
    expect(published[2]?.text).toMatch(/^Campaign "nov": hard-bounce-rate has cleared \(it was danger\)\./);
  });

  it('keeps findings of the same pattern about different batches apart', async () => {
    const { deps, campaigns, published } = setup();
    const totals = {
      sends: 4000,
      deliveries: 3900,
      'sends|batch|a': 1000,
      'sends|batch|b': 3000,
      'mailboxFull|batch|a': 30,
    };
    campaigns.totalsOf.set('nov', totals);
    await runHealthJob(deps);
    expect(published.map((a) => a.key)).toEqual(['mailbox-full-concentration:batch=a']);
  });

  it('two overlapping runs alert each change once', async () => {
    const { deps, campaigns, published } = setup();
    campaigns.totalsOf.set('nov', BAD);
    await Promise.all([runHealthJob(deps), runHealthJob(deps)]);
    expect(published).toHaveLength(1);
    campaigns.totalsOf.set('nov', GOOD);
    await Promise.all([runHealthJob(deps), runHealthJob(deps)]);
    expect(published.map((a) => a.verdict)).toEqual(['danger', 'cleared']);
  });

  it('an alert that cannot be sent is sent by the next run', async () => {
    let failing = true;
    const published: HealthAlert[] = [];
    const { deps, campaigns, logger } = setup({
      publisher: {
        publish: async (alert) => {
          if (failing) throw new Error('SNS is down');
          published.push(alert);
        },
      },
    });
    campaigns.totalsOf.set('nov', BAD);
    expect((await runHealthJob(deps)).failed).toEqual(['nov']);
    expect(published).toEqual([]);
    expect(logger.entries.some((e) => e.message === 'Campaign health check failed' && e.extra?.errorMessage === 'SNS is down')).toBe(true);
    failing = false;
    await runHealthJob(deps);
    expect(published.map((a) => a.verdict)).toEqual(['danger']);
  });

  it('publishes per-campaign figures only for campaigns in warning or danger, and the worst of all for the account alarms', async () => {
    const { deps, campaigns, metrics } = setup();
    campaigns.totalsOf.set('nov', BAD);
    campaigns.totalsOf.set('complaints', { sends: 20_000, deliveries: 20_000, complaints: 24 });
    campaigns.totalsOf.set('one-complaint', { sends: 10, deliveries: 10, complaints: 1 }); // 10 %, but one person
    campaigns.totalsOf.set('fine', GOOD);
    await runHealthJob(deps);
    // 4 metrics x $0.30 a month per campaign: the ok ones ('one-complaint', 'fine') get none.
    expect(metrics.campaigns.map(([name, figures]) => [name, figures.sends, figures.hardBounceRate])).toEqual([
      ['nov', 1000, 0.03],
      ['complaints', 20_000, 0],
    ]);
    expect(metrics.accounts).toHaveLength(1);
    expect(metrics.accounts[0]?.worstHardBounceRateLowerBound).toBeCloseTo(0.0223, 4);
    expect(metrics.accounts[0]?.worstComplaintRate).toBeCloseTo(0.0012, 6);
    expect(metrics.accounts[0]).toMatchObject({ campaignsChecked: 4, findings: 2 });
    expect(metrics.heartbeats).toBe(1);
  });

  it('writes the heartbeat when the check of every campaign throws, and no account figures (blind is not "all well")', async () => {
    const { deps, campaigns, metrics } = setup();
    campaigns.totalsOf.set('nov', BAD);
    campaigns.totalsOf.set('fine', GOOD);
    campaigns.hourlyTotals = async () => {
      throw new Error('throttled');
    };
    const run = await runHealthJob(deps);
    expect(run.failed).toEqual(['nov', 'fine']);
    expect(run.heartbeat).toBe(true);
    expect(metrics.heartbeats).toBe(1);
    expect(metrics.accounts).toEqual([]);
  });

  it('writes the heartbeat when finding the campaigns fails, and reports the failure', async () => {
    const { deps, campaigns, metrics } = setup();
    campaigns.campaignsActiveIn = async () => {
      throw new Error('table not found');
    };
    const run = await runHealthJob(deps);
    expect(run.finderError?.message).toBe('table not found');
    expect(run.heartbeat).toBe(true);
    expect(metrics.heartbeats).toBe(1);
    expect(metrics.accounts).toEqual([]);
  });

  it('reads each campaign once (both windows from one read), its open alerts only when marked or with a finding', async () => {
    const { deps, campaigns, ledger } = setup();
    let opens = 0;
    const open = ledger.open.bind(ledger);
    ledger.open = async (campaign) => {
      opens++;
      return open(campaign);
    };
    for (let i = 0; i < 30; i++) campaigns.totalsOf.set(`fine-${i}`, GOOD);
    campaigns.totalsOf.set('nov', BAD);
    const run = await runHealthJob(deps);
    expect(run.checks).toHaveLength(31);
    expect(run.messages).toBe(2); // 25 campaigns per message
    expect(campaigns.reads).toBe(31);
    expect(opens).toBe(1); // 'nov' has a finding; the others are neither marked nor flagged
  });

  it('with no active campaign, still reports zeros (the alarms see data)', async () => {
    const { deps, metrics, published } = setup();
    await runHealthJob(deps);
    expect(metrics.accounts).toEqual([{ worstHardBounceRateLowerBound: 0, worstComplaintRate: 0, campaignsChecked: 0, findings: 0 }]);
    expect(metrics.heartbeats).toBe(1);
    expect(published).toEqual([]);
  });

  it('auto-pause (when on) pauses a campaign over the danger line once, and switches its configuration set off', async () => {
    const pauses = new FakePauses();
    const switched: Array<[string, boolean]> = [];
    const sendingSwitch: SendingSwitch = { setSending: async (set, enabled) => void switched.push([set, enabled]) };
    const { deps, campaigns } = setup({
      autoPause: { pauses, clock: () => NOW, sending: { switch: sendingSwitch, configurationSets: { nov: 'marketing' } } },
    });
    campaigns.totalsOf.set('nov', BAD);
    campaigns.totalsOf.set('warned', WARN);
    const first = await runHealthJob(deps);
    const second = await runHealthJob(deps);
    expect(first.paused).toEqual(['nov']);
    expect(second.paused).toEqual([]);
    expect(pauses.records.get('nov')).toMatchObject({ actor: 'health-job', automatic: true, pausedAt: NOW.toISOString() });
    expect(pauses.records.has('warned')).toBe(false);
    expect(switched).toEqual([['marketing', false]]);
  });

  it("a campaign's first hard bounce neither pauses it nor alerts nor moves the alarm's figure; bounces without sends alert a data problem", async () => {
    const pauses = new FakePauses();
    const { deps, campaigns, published, metrics } = setup({ autoPause: { pauses, clock: () => NOW } });
    campaigns.totalsOf.set('first', { sends: 1, hardBounces: 1 });
    campaigns.totalsOf.set('unsent', { hardBounces: 20 });
    const run = await runHealthJob(deps);
    expect(run.paused).toEqual([]);
    expect(pauses.records.size).toBe(0);
    expect(published.map((a) => [a.campaign, a.pattern, a.verdict])).toEqual([['unsent', 'bounces-without-sends', 'warning']]);
    expect(metrics.accounts[0]?.worstHardBounceRateLowerBound).toBe(0);
  });

  it('publishes each alerted finding, and an automatic pause, as decision events', async () => {
    const events: DecisionEvent[] = [];
    const sink = { publish: async (batch: readonly DecisionEvent[]) => void events.push(...batch) };
    const { deps, campaigns } = setup({ events: sink, autoPause: { pauses: new FakePauses(), clock: () => NOW } });
    campaigns.totalsOf.set('nov', BAD);
    await runHealthJob(deps);
    await runHealthJob(deps); // unchanged: no second event
    campaigns.totalsOf.set('nov', GOOD);
    await runHealthJob(deps);
    expect(
      events.map((e) => [
        e.type,
        'campaign' in e ? e.campaign : null,
        e.type === 'campaign.finding'
          ? `${e.finding.key}:${e.verdict}:${e.previous}`
          : 'pause' in e
            ? e.pause.actor
            : 'address' in e
              ? e.address
              : null,
      ]),
    ).toEqual([
      ['campaign.finding', 'nov', 'hard-bounce-rate:danger:null'],
      ['campaign.paused', 'nov', 'health-job'],
      ['campaign.finding', 'nov', 'hard-bounce-rate:cleared:danger'],
    ]);
    expect(events[0]).toMatchObject({
      version: 1,
      at: NOW.toISOString(),
      finding: { pattern: 'hard-bounce-rate', numbers: { hardBounces: 30 } },
    });
  });

  it('keeps visiting a campaign that stopped sending while it has open alerts, and clears them when its lifetime window does', async () => {
    const { deps, campaigns, ledger, published, metrics } = setup();
    campaigns.totalsOf.set('nov', BAD);
    await runHealthJob(deps);
    expect(ledger.marks.has('nov')).toBe(true);

    campaigns.idle.add('nov'); // nothing in the last 24 hours: no ACTIVE item names it any more
    const idleRun = await runHealthJob(deps);
    expect(idleRun.idle).toEqual(['nov']);
    expect(idleRun.checks.map((c) => [c.campaign, c.recent.sends, c.lifetime.sends])).toEqual([['nov', 0, 1000]]);
    expect(published.map((a) => a.verdict)).toEqual(['danger']); // the lifetime window still says danger
    expect(metrics.campaigns.map(([name]) => name)).toEqual(['nov']); // the active run only: no zeros for an idle campaign

    campaigns.totalsOf.delete('nov'); // its sends left the 14-day window
    await runHealthJob(deps);
    expect(published.map((a) => [a.campaign, a.verdict, a.previous])).toEqual([
      ['nov', 'danger', null],
      ['nov', 'cleared', 'danger'],
    ]);
    expect(ledger.marks.has('nov')).toBe(false);
    expect(ledger.records.size).toBe(0);
    expect((await runHealthJob(deps)).checks).toEqual([]); // nothing left to visit
  });

  it('marks a campaign whose alert predates the marks, and keeps a mark another run renewed', async () => {
    const { deps, campaigns, ledger } = setup();
    campaigns.totalsOf.set('nov', BAD);
    const finding = (await runHealthJob(deps)).checks[0]?.findings[0];
    ledger.marks.clear(); // as stored before marks existed
    await runHealthJob(deps);
    expect(ledger.marks.get('nov')).toBe(1);

    const stale = { campaign: 'nov', version: 1 };
    await ledger.mark('nov'); // another run claimed a new alert since the mark was read
    await ledger.unmark(stale);
    expect(ledger.marks.get('nov')).toBe(2);
    expect(finding?.pattern).toBe('hard-bounce-rate');
  });

  it('publishes events an earlier run could not publish, before anything else, and only once', async () => {
    const kept: DecisionEvent[] = [
      {
        version: 1,
        type: 'campaign.paused',
        id: 'pause:nov:2026-11-25T11:00:00.000Z',
        at: '2026-11-25T11:00:00.000Z',
        campaign: 'nov',
        pause: { reason: 'bought list', actor: 'ops', automatic: false },
      },
    ];
    const outbox = {
      keep: async () => {},
      pending: async () => kept.slice(),
      remove: async (ids: readonly string[]) => void kept.splice(0, kept.length, ...kept.filter((e) => !ids.includes(e.id))),
    };
    const delivered: DecisionEvent[] = [];
    let down = true;
    const sink = {
      publish: async (batch: readonly DecisionEvent[]) => {
        if (down) throw new Error('bus unavailable');
        delivered.push(...batch);
      },
    };
    const { deps, logger } = setup({ kept: { sink, outbox } });
    expect((await runHealthJob(deps)).eventsRepublished).toBe(0);
    expect(kept).toHaveLength(1); // still kept for the next run
    expect(logger.entries.map((e) => e.message)).toContain('Kept decision events not published; the next run tries again');
    down = false;
    expect((await runHealthJob(deps)).eventsRepublished).toBe(1);
    expect(delivered.map((e) => e.id)).toEqual(['pause:nov:2026-11-25T11:00:00.000Z']);
    expect((await runHealthJob(deps)).eventsRepublished).toBe(0);
  });

  it('never pauses when auto-pause is off (the default)', async () => {
    const { deps, campaigns } = setup();
    campaigns.totalsOf.set('nov', BAD);
    expect((await runHealthJob(deps)).paused).toEqual([]);
  });
});

describe('health fan-out', () => {
  it('the finder sends groups of 25 campaigns, active first, idle marked ones with their mark version', async () => {
    const { deps, campaigns, ledger } = setup();
    for (let i = 0; i < 26; i++) campaigns.totalsOf.set(`c-${String(i).padStart(2, '0')}`, GOOD);
    await ledger.mark('old');
    await ledger.mark('old');
    const sent: HealthCheckMessage[] = [];
    const run = await runHealthFinder({ ...deps, queue: { send: async (messages) => void sent.push(...messages) } });
    expect(run).toMatchObject({ messages: 2, heartbeat: true, error: null });
    expect(sent.map((m) => m.campaigns.length)).toEqual([25, 2]);
    expect(sent[0]).toMatchObject({ version: 1, at: NOW.toISOString() });
    expect(sent[1]?.campaigns).toEqual([
      { campaign: 'c-25', active: true, mark: null },
      { campaign: 'old', active: false, mark: 2 },
    ]);
  });

  it('the finder looks back findHours when given (passes further apart than the recent window), else the recent hours', async () => {
    const { deps, campaigns } = setup();
    const spans: number[] = [];
    const looking = Object.assign(Object.create(campaigns) as typeof campaigns, {
      campaignsActiveIn: async (hours: readonly string[]) => {
        spans.push(hours.length);
        return campaigns.campaignsActiveIn();
      },
    });
    const queue = { send: async () => undefined };
    await runHealthFinder({ ...deps, campaigns: looking, queue });
    await runHealthFinder({ ...deps, campaigns: looking, queue, findHours: 72 });
    expect(spans).toEqual([24, 72]);
    // The local timer's passes, 60 s apart: at real time the recent window; on a 3600x clock, 61 h; capped at the lifetime.
    expect([findHoursFor(60, 1), findHoursFor(60, 3600), findHoursFor(60, 36_000)]).toEqual([24, 61, 336]);
  });

  it('the finder writes its heartbeat when the queue refuses the messages', async () => {
    const { deps, campaigns, metrics } = setup();
    campaigns.totalsOf.set('nov', BAD);
    const run = await runHealthFinder({
      ...deps,
      queue: {
        send: async () => {
          throw new Error('AccessDenied');
        },
      },
    });
    expect(run.error?.message).toBe('AccessDenied');
    expect(metrics.heartbeats).toBe(1);
  });

  it('the checker reports a message with a failed campaign, and one that is not a message, as failed; the others are done', async () => {
    const { deps, campaigns, published, metrics } = setup();
    campaigns.totalsOf.set('nov', BAD);
    campaigns.totalsOf.set('fine', GOOD);
    campaigns.totalsOf.set('broken', GOOD);
    const hourly = campaigns.hourlyTotals.bind(campaigns);
    campaigns.hourlyTotals = async (campaign, from, to) => {
      if (campaign === 'broken') throw new Error('throttled');
      return hourly(campaign, from, to);
    };
    const body = (names: string[]) =>
      JSON.stringify({ version: 1, at: NOW.toISOString(), campaigns: names.map((campaign) => ({ campaign, active: true, mark: null })) });
    const process = createProcessHealthChecks(deps);
    const result = await process([
      { id: 'a', body: body(['nov']) },
      { id: 'b', body: body(['fine', 'broken']) },
      { id: 'c', body: '{"not":"a message"}' },
    ]);
    expect([...result.failedIds].sort()).toEqual(['b', 'c']);
    expect(published.map((a) => a.campaign)).toEqual(['nov']);
    expect(metrics.accounts).toHaveLength(1); // one data point per batch: the worst of what it checked
    expect(metrics.accounts[0]).toMatchObject({ campaignsChecked: 2 });
  });
});

describe('alert text', () => {
  it('shows shares and rates as percentages and other numbers as they are', () => {
    const text = alertText({
      campaign: 'q3',
      finding: {
        pattern: 'mailbox-full-concentration',
        verdict: 'warning',
        summary: 'most full mailboxes come from batch "old"',
        numbers: { batch: 'old', mailboxFull: 27, sent: 1000, share: 0.9 },
        action: 'Review batch "old".',
      },
      verdict: 'warning',
      previous: null,
      window: 'the last 24 hours',
      link: null,
    });
    expect(text).toContain('Numbers: batch old, mailboxFull 27, sent 1000, share 90.00 %.');
    expect(text).not.toContain('Dashboard');
  });
});

describe('health function environments', () => {
  it('the finder needs its table and the health-check queue; the checker keeps the thresholds and auto-pause', async () => {
    const { loadConfig: finder } = await import('../../functions/health/config.js');
    const { loadConfig: checker } = await import('../../functions/health-check/config.js');
    const queue = 'https://sqs.us-east-1.amazonaws.com/111122223333/checks';
    expect(finder({ CAMPAIGN_TABLE_NAME: 'campaigns', HEALTH_CHECK_QUEUE_URL: queue })).toEqual({
      CAMPAIGN_TABLE_NAME: 'campaigns',
      HEALTH_CHECK_QUEUE_URL: queue,
      RECENT_HOURS: 24,
    });
    expect(() => finder({ CAMPAIGN_TABLE_NAME: 'campaigns' })).toThrow(/HEALTH_CHECK_QUEUE_URL/);
    expect(
      checker({
        ADDRESS_TABLE_NAME: 'addresses',
        CAMPAIGN_TABLE_NAME: 'campaigns',
        ALERT_TOPIC_ARN: 'arn:aws:sns:us-east-1:111122223333:alerts',
        HEALTH_THRESHOLDS: '{"reputationProviders": 3}',
      }),
    ).toMatchObject({ AUTO_PAUSE: 'false', LIFETIME_HOURS: 336, HEALTH_THRESHOLDS: { reputationProviders: 3 } });
  });
});
