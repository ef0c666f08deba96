import { createProcessBatch } from '../../shared/app/classify-batch.js';
import { createRetryRunner, type TimerResult } from '../../shared/app/retry-runner.js';
import { createRetryScheduler } from '../../shared/app/retry-scheduler.js';
import { createRetrySweeper } from '../../shared/app/retry-sweeper.js';
import { SWEEP_EVERY_SECONDS } from '../../shared/domain/index.js';
import type { OutboundEmail } from '../../shared/app/retry-ports.js';
import { createSendMessage, type SendResult } from '../../shared/app/send.js';
import type { MessageContent } from '../../shared/app/retry-ports.js';
import { MailboxWorld, type WorldEntry, type WorldEvent } from '../../local/mailbox-world.js';
import { FakeAddresses, FakeCampaigns, FakeDeadLetters, RecordingLogger, RecordingMetrics } from './fakes.js';
import { FakeMessages, FakeOutbound, FakePauses, FakeRetryDue, FakeRetryStates, FakeSender, FakeTimerQueue } from './retry-fakes.js';
import { fakeErasure } from './erasure-fakes.js';

/** SES that answers with the mailbox world: every accepted message schedules its events. */
class WorldSender extends FakeSender {
  constructor(
    private readonly loop: RetryLoop,
    private readonly world: MailboxWorld,
  ) {
    super();
  }
  override async send(email: OutboundEmail) {
    // SES accepted the message even when the caller never hears back (crashAfterAccept): its events still come.
    const crash = this.crashAfterAccept;
    this.crashAfterAccept = false;
    const messageId = await super.send(email);
    this.loop.sentAt.set(messageId, this.loop.now);
    const tags = Object.fromEntries(
      [...Object.entries(email.tags), ...Object.entries(email.extraTags ?? {})].filter(
        (e): e is [string, string] => typeof e[1] === 'string',
      ),
    );
    const subject = email.content.kind === 'simple' ? email.content.subject : 'message';
    this.loop.schedule(this.world.eventsFor({ messageId, from: email.from, to: [email.to], subject, tags, sentAt: this.loop.now }));
    if (crash) throw new Error('socket hang up');
    return messageId;
  }
}

/**
 * The whole retry loop over the real use cases with in-memory ports and a
 * virtual clock: send → world events → classify (with the retry scheduler)
 * → due index and sweeps every SWEEP_EVERY_SECONDS → timer → retry runner →
 * send again.
 */
export class RetryLoop {
  now: Date;
  readonly clock = () => this.now;
  readonly addresses = new FakeAddresses();
  readonly campaigns = new FakeCampaigns();
  readonly retries = new FakeRetryStates();
  readonly timers: FakeTimerQueue;
  readonly outbound = new FakeOutbound();
  readonly messages = new FakeMessages();
  /** When SES accepted each message, by MessageId. */
  readonly sentAt = new Map<string, Date>();
  readonly pauses = new FakePauses();
  readonly retryDue = new FakeRetryDue();
  readonly logger = new RecordingLogger();
  readonly sender: WorldSender;
  readonly timerResults: TimerResult[] = [];
  /** When the next sweep runs; null: sweeps are off (a test drives them by hand). */
  nextSweepAt: number | null;
  private readonly events: WorldEvent[] = [];
  private eventSeq = 0;
  readonly processBatch;
  readonly runTimer;
  readonly sendMessage;
  readonly sweep;

  constructor(entries: readonly WorldEntry[], start = '2026-11-20T12:00:00.000Z') {
    this.now = new Date(start);
    this.timers = new FakeTimerQueue(this.clock);
    this.sender = new WorldSender(this, new MailboxWorld(entries));
    const scheduler = createRetryScheduler({
      retries: this.retries,
      timers: this.timers,
      addresses: this.addresses,
      delays: this.campaigns,
      logger: this.logger,
    });
    this.processBatch = createProcessBatch({
      addresses: this.addresses,
      counters: this.campaigns,
      delays: this.campaigns,
      deadLetters: new FakeDeadLetters(),
      logger: this.logger,
      metrics: new RecordingMetrics(),
      clock: this.clock,
      retries: scheduler,
    });
    const ports = {
      addresses: this.addresses,
      messages: this.messages,
      outbound: this.outbound,
      sender: this.sender,
      pauses: this.pauses,
      logger: this.logger,
      erasure: fakeErasure(this.addresses, {
        campaigns: this.campaigns,
        retries: this.retries,
        outbound: this.outbound,
        messages: this.messages,
      }),
    };
    this.runTimer = createRetryRunner({ ...ports, retries: this.retries, timers: this.timers, retryDue: this.retryDue });
    this.sendMessage = createSendMessage(ports);
    this.sweep = createRetrySweeper({ due: this.retries, timers: this.timers, logger: this.logger });
    this.nextSweepAt = this.now.getTime();
  }

  /** How late SES events reach classify (a notification backlog), from now on. */
  notificationBacklogMs = 0;

  schedule(events: readonly WorldEvent[]): void {
    const late = this.notificationBacklogMs;
    this.events.push(...events.map((e) => (late === 0 ? e : { ...e, at: new Date(e.at.getTime() + late) })));
    this.events.sort((a, b) => a.at.getTime() - b.at.getTime());
  }

  send(
    to: string,
    campaign = 'spring',
    content: MessageContent = { kind: 'simple', subject: 'Spring news', text: 'Hello' },
  ): Promise<SendResult> {
    return this.sendMessage({ to, from: 'news@mail.example.com', content, tags: { campaign, batch: 'b1', source: null } }, this.now);
  }

  /** Process one SES event body through the classify use case; fails the test on a failed record. */
  async ingest(event: Record<string, unknown>): Promise<void> {
    const id = `e-${++this.eventSeq}`;
    const { failedIds } = await this.processBatch([{ id, body: JSON.stringify(event) }]);
    if (failedIds.size > 0) throw new Error(`record ${id} failed: ${JSON.stringify(this.logger.entries.at(-1))}`);
  }

  /** When the next event, timer or sweep comes, and which it is (null when nothing is left: no sweep with nothing open). */
  peek(): { kind: 'event' | 'timer' | 'sweep'; at: number } | null {
    const nextEvent = this.events[0]?.at.getTime() ?? Infinity;
    const nextTimer = this.timers.nextVisibleAt() ?? Infinity;
    const nextSweep = this.nextSweepAt !== null && this.retries.hasOpen() ? Math.max(this.nextSweepAt, this.now.getTime()) : Infinity;
    const first = Math.min(nextEvent, nextTimer, nextSweep);
    if (first === Infinity) return null;
    return { kind: first === nextEvent ? 'event' : first === nextTimer ? 'timer' : 'sweep', at: first };
  }

  /** Run the next event, every timer visible at the next timer's time, or a sweep. */
  async step(): Promise<void> {
    const next = this.peek();
    if (next === null) return;
    this.now = new Date(Math.max(next.at, this.now.getTime()));
    if (next.kind === 'event') await this.ingest((this.events.shift() as WorldEvent).event);
    else if (next.kind === 'timer')
      for (const timer of this.timers.takeVisible()) this.timerResults.push(await this.runTimer(timer, this.now));
    else {
      await this.sweep(this.now);
      // The next run on the schedule's grid, whenever this one ran.
      this.nextSweepAt = (Math.floor(this.now.getTime() / (SWEEP_EVERY_SECONDS * 1000)) + 1) * SWEEP_EVERY_SECONDS * 1000;
    }
  }

  /** Run events and timers in time order until nothing is left or `hours` have passed. */
  async run(hours = 100): Promise<void> {
    const end = this.now.getTime() + hours * 3600 * 1000;
    for (let next = this.peek(); next !== null && next.at <= end; next = this.peek()) await this.step();
  }
}
