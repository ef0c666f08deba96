import type {
  DueRetryIndex,
  DueTimer,
  EmailSender,
  MessageStore,
  OutboundEmail,
  OutboundRecord,
  OutboundStore,
  RetryDuePublisher,
  RetryStateRepository,
  RetryTimerQueue,
  StoredMessage,
} from '../../shared/app/retry-ports.js';
import { messageHash, namesAddress } from '../../shared/adapters/outbound/message-bodies.js';
import {
  nextCheckAt,
  PERSONAL_MESSAGE_PREFIX,
  timerOf,
  type RetryDueEvent,
  type RetryState,
  type RetryTimer,
} from '../../shared/domain/index.js';
import type { PauseRecord, PauseStore } from '../../shared/app/pause.js';

/** Retry state with the same compare-and-set as the DynamoDB adapter, and its due index. */
export class FakeRetryStates implements RetryStateRepository, DueRetryIndex {
  readonly states = new Map<string, RetryState>();
  /** Keys of states whose writer enqueued their timer itself (the adapter's `DUE-ENQUEUED#` partition). */
  private readonly enqueuedByWriter = new Set<string>();
  private cursor: Date | null = null;
  puts = 0;
  /** Due-index queries made (one per day partition, as the adapter does). */
  dueQueries = 0;
  /** Runs before a put compares versions: lets a test slip in a rival write. */
  beforePut: ((state: RetryState) => void) | null = null;
  private key = (email: string, id: string) => `${email}#${id}`;
  async get(email: string, originalMessageId: string) {
    return this.states.get(this.key(email, originalMessageId)) ?? null;
  }
  async put(state: RetryState, expectedVersion: number, options: { readonly timerEnqueued?: boolean } = {}) {
    this.beforePut?.(state);
    this.puts++;
    const key = this.key(state.email, state.originalMessageId);
    if ((this.states.get(key)?.version ?? 0) !== expectedVersion) return false;
    this.states.set(key, state);
    if (options.timerEnqueued) this.enqueuedByWriter.add(key);
    else this.enqueuedByWriter.delete(key);
    return true;
  }
  async dueBetween(from: Date, to: Date, options: { readonly withEnqueued: boolean }): Promise<DueTimer[]> {
    const days = Math.floor(to.getTime() / 86_400_000) - Math.floor(from.getTime() / 86_400_000) + 1;
    this.dueQueries += days * (options.withEnqueued ? 2 : 1);
    const found: DueTimer[] = [];
    for (const [key, state] of this.states) {
      const checkAt = nextCheckAt(state);
      if (checkAt === null || (!options.withEnqueued && this.enqueuedByWriter.has(key))) continue;
      if (Date.parse(checkAt) >= from.getTime() && Date.parse(checkAt) < to.getTime()) found.push({ checkAt, timer: timerOf(state) });
    }
    return found.sort((a, b) => a.checkAt.localeCompare(b.checkAt));
  }
  async sweptUntil() {
    return this.cursor;
  }
  async markSweptUntil(until: Date, options: { readonly reset?: boolean } = {}) {
    if (options.reset || this.cursor === null || this.cursor < until) this.cursor = until;
  }
  /** Whether any state is open (a sweep still has something to find). */
  hasOpen(): boolean {
    return [...this.states.values()].some((state) => nextCheckAt(state) !== null);
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
  /** Every SendMessage made, ever (the enqueued list shrinks as messages are taken). */
  sends = 0;
  constructor(private readonly clock: () => Date) {}
  async enqueue(timer: RetryTimer, delaySeconds: number) {
    if (delaySeconds < 0 || delaySeconds > 900 || !Number.isInteger(delaySeconds)) throw new Error(`invalid DelaySeconds ${delaySeconds}`);
    this.sends++;
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

/** Stored messages in memory, keyed as the DynamoDB adapter keys them; `failWith` fails every keep. */
export class FakeMessages implements MessageStore {
  readonly stored = new Map<string, StoredMessage>();
  failWith: Error | null = null;
  /** Keys as the adapter keys them; a personal message (one naming its recipient) is stored under `<recipient> p-<hash>`. */
  async keep(message: StoredMessage, _neededUntil: number, recipient: string) {
    if (this.failWith) throw this.failWith;
    const hash = messageHash(message);
    const key = namesAddress(message.content, recipient) ? `${PERSONAL_MESSAGE_PREFIX}${hash}` : hash;
    this.stored.set(this.where(key, recipient), message);
    return key;
  }
  async get(key: string, recipient: string) {
    return this.stored.get(this.where(key, recipient)) ?? null;
  }
  where(key: string, recipient: string): string {
    return key.startsWith(PERSONAL_MESSAGE_PREFIX) ? `${recipient} ${key}` : key;
  }
}

/** Sent-message records of earlier versions (read-only to the product; `put` writes one for a test). */
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
