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
import { runHealthJob, type HealthJobDeps } from '../../shared/app/health-job.js';
import type { SendingSwitch } from '../../shared/app/pause.js';
import { FakePauses } from '../support/retry-fakes.js';
import type { CampaignReader } from '../../shared/app/ports.js';
import type { Verdict } from '../../shared/domain/index.js';
import { FakeAddresses, RecordingLogger } from '../support/fakes.js';
import { hourlyFromTotals } from '../support/classify-fakes.js';

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
    return hours.length > 0 ? (this.totalsOf.get(campaign) ?? {}) : {};
  }
  async hourlyTotals(campaign: string, hours: readonly string[]) {
    return hourlyFromTotals(this, campaign, hours);
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
const WARN = { sends: 1000, deliveries: 994, hardBounces: 6 }; // 0.6 %: warning
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

  it('publishes per-campaign figures and the worst of them for the account alarms', async () => {
    const { deps, campaigns, metrics } = setup();
    campaigns.totalsOf.set('nov', BAD);
    campaigns.totalsOf.set('complaints', { sends: 20_000, deliveries: 20_000, complaints: 24 });
    campaigns.totalsOf.set('one-complaint', { sends: 10, deliveries: 10, complaints: 1 }); // 10 %, but one person
    await runHealthJob(deps);
    expect(metrics.campaigns.map(([name, figures]) => [name, figures.sends, figures.hardBounceRate])).toEqual([
      ['nov', 1000, 0.03],
      ['complaints', 20_000, 0],
      ['one-complaint', 10, 0],
    ]);
    expect(metrics.accounts).toHaveLength(1);
    expect(metrics.accounts[0]?.worstHardBounceRateLowerBound).toBeCloseTo(0.0223, 4);
    expect(metrics.accounts[0]?.worstComplaintRate).toBeCloseTo(0.0012, 6);
    expect(metrics.accounts[0]).toMatchObject({ campaignsChecked: 3, findings: 2 });
    expect(metrics.flushes).toBe(1);
  });

  it('with no active campaign, still reports zeros (the alarms see data)', async () => {
    const { deps, metrics, published } = setup();
    await runHealthJob(deps);
    expect(metrics.accounts).toEqual([{ worstHardBounceRateLowerBound: 0, worstComplaintRate: 0, campaignsChecked: 0, findings: 0 }]);
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
