import type {
  EmailSender,
  OutboundEmail,
  OutboundRecord,
  OutboundStore,
  RetryDuePublisher,
  RetryStateRepository,
  RetryTimerQueue,
} from '../../shared/app/retry-ports.js';
import type { RetryDueEvent, RetryState, RetryTimer } from '../../shared/domain/index.js';
import type { PauseRecord, PauseStore } from '../../shared/app/pause.js';

/** Retry state with the same compare-and-set as the DynamoDB adapter. */
export class FakeRetryStates implements RetryStateRepository {
  readonly states = new Map<string, RetryState>();
  puts = 0;
  /** Runs before a put compares versions: lets a test slip in a rival write. */
  beforePut: ((state: RetryState) => void) | null = null;
  private key = (email: string, id: string) => `${email}#${id}`;
  async get(email: string, originalMessageId: string) {
    return this.states.get(this.key(email, originalMessageId)) ?? null;
  }
  async put(state: RetryState, expectedVersion: number) {
    this.beforePut?.(state);
    this.puts++;
    const key = this.key(state.email, state.originalMessageId);
    if ((this.states.get(key)?.version ?? 0) !== expectedVersion) return false;
    this.states.set(key, state);
    return true;
  }
  only(): RetryState {
    const all = [...this.states.values()];
    if (all.length !== 1) throw new Error(`expected one retry state, found ${all.length}`);
    return all[0] as RetryState;
  }
}

/** A retry queue whose messages become visible at their delay on a virtual clock. */
export class FakeTimerQueue implements RetryTimerQueue {
  readonly maxDelaySeconds = 900;
  readonly enqueued: { timer: RetryTimer; delaySeconds: number; visibleAt: number }[] = [];
  constructor(private readonly clock: () => Date) {}
  async enqueue(timer: RetryTimer, delaySeconds: number) {
    if (delaySeconds < 0 || delaySeconds > 900 || !Number.isInteger(delaySeconds)) throw new Error(`invalid DelaySeconds ${delaySeconds}`);
    this.enqueued.push({ timer, delaySeconds, visibleAt: this.clock().getTime() + delaySeconds * 1000 });
  }
  /** Removes and returns the messages visible at the clock's time. */
  takeVisible(): RetryTimer[] {
    const now = this.clock().getTime();
    const ready = this.enqueued.filter((m) => m.visibleAt <= now);
    for (const m of ready) this.enqueued.splice(this.enqueued.indexOf(m), 1);
    return ready.map((m) => m.timer);
  }
  nextVisibleAt(): number | null {
    return this.enqueued.length === 0 ? null : Math.min(...this.enqueued.map((m) => m.visibleAt));
  }
}

export class FakeOutbound implements OutboundStore {
  readonly records = new Map<string, OutboundRecord>();
  async put(record: OutboundRecord) {
    this.records.set(record.messageId, record);
  }
  async get(messageId: string) {
    return this.records.get(messageId) ?? null;
  }
}

/** SES: accepts every message unless told otherwise; `crashAfterAccept` accepts it, then throws (a lost response). */
export class FakeSender implements EmailSender {
  readonly sent: (OutboundEmail & { messageId: string })[] = [];
  crashAfterAccept = false;
  failWith: Error | null = null;
  private next = 0;
  async send(email: OutboundEmail) {
    if (this.failWith) throw this.failWith;
    const messageId = `ses-${++this.next}`;
    this.sent.push({ ...email, messageId });
    if (this.crashAfterAccept) throw new Error('socket hang up');
    return messageId;
  }
  sendsTo(address: string): number {
    return this.sent.filter((s) => s.to === address).length;
  }
}

/** The pause store in memory: the send path, the retry loop, the pause use case and the health job's auto-pause. */
export class FakePauses implements PauseStore {
  readonly records = new Map<string, PauseRecord>();
  async isPaused(campaign: string) {
    return this.records.has(campaign);
  }
  async get(campaign: string) {
    return this.records.get(campaign) ?? null;
  }
  async pause(record: PauseRecord) {
    if (this.records.has(record.campaign)) return false;
    this.records.set(record.campaign, record);
    return true;
  }
  async resume(campaign: string) {
    const record = this.records.get(campaign) ?? null;
    this.records.delete(campaign);
    return record;
  }
  /** Marks a campaign paused by a person, for tests that only need the flag. */
  pausedByHand(campaign: string): void {
    this.records.set(campaign, { campaign, reason: 'test', actor: 'tester', pausedAt: '2026-01-01T00:00:00.000Z', automatic: false });
  }
}

export class FakeRetryDue implements RetryDuePublisher {
  readonly events: RetryDueEvent[] = [];
  async publish(event: RetryDueEvent) {
    this.events.push(event);
  }
}
