import type { CampaignTags, RetryDueEvent, RetryState, RetryTimer } from '../domain/index.js';

/**
 * Retry state per recipient of a logical message; every write is a compare-and-set on the version.
 * An open state (see `nextCheckAt`) is also in the due index with its check time, in the same write.
 */
export interface RetryStateRepository {
  get(email: string, originalMessageId: string): Promise<RetryState | null>;
  /**
   * Writes only if the stored version is `expectedVersion` (0: no record); returns false when it is not.
   * `timerEnqueued`: the writer enqueues the timer itself (due within one delay), so regular sweeps pass it by.
   */
  put(state: RetryState, expectedVersion: number, options?: { readonly timerEnqueued?: boolean }): Promise<boolean>;
}

/** A timer found in the due index, with the time it is due. */
export interface DueTimer {
  readonly timer: RetryTimer;
  readonly checkAt: string;
}

/** The due index of open retry states, and how far sweeps have enqueued it. */
export interface DueRetryIndex {
  /**
   * Timers whose check time is in [from, to), oldest first. `withEnqueued`: also those their writer
   * enqueued itself (after the queue lost its messages, as the local runtime's in-memory one does).
   */
  dueBetween(from: Date, to: Date, options: { readonly withEnqueued: boolean }): Promise<DueTimer[]>;
  /** Every check time before this has been enqueued (null: never swept). */
  sweptUntil(): Promise<Date | null>;
  /** Records sweep progress; never moves it back, unless `reset` (a full sweep: what it covered is all there is). */
  markSweptUntil(until: Date, options?: { readonly reset?: boolean }): Promise<void>;
}

/** The retry queue: a timer message that arrives after `delaySeconds` (`maxDelaySeconds` at most). */
export interface RetryTimerQueue {
  /** The longest delay one message can carry, in the clock's seconds (900 on SQS; more on a sped-up clock). */
  readonly maxDelaySeconds: number;
  enqueue(timer: RetryTimer, delaySeconds: number): Promise<void>;
}

/** What the message was, so a retry can send the same again. */
export type MessageContent =
  | { readonly kind: 'simple'; readonly subject: string; readonly text?: string; readonly html?: string }
  | { readonly kind: 'raw'; readonly mime: string }
  | { readonly kind: 'template'; readonly template: string; readonly templateData: string };

export interface OutboundEmail {
  readonly to: string;
  readonly from: string;
  readonly content: MessageContent;
  readonly tags: CampaignTags;
  /** Extra SES message tags (the retry link). */
  readonly extraTags?: Readonly<Record<string, string>>;
}

/** SES: returns the MessageId SES gave the message. Throws when SES refused it or the outcome is unknown. */
export interface EmailSender {
  send(email: OutboundEmail): Promise<string>;
}

/** A sent message as stored for retries (keyed by its SES MessageId) and for the outbox. */
export interface OutboundRecord {
  readonly messageId: string;
  readonly to: string;
  readonly from: string;
  readonly tags: CampaignTags;
  /**
   * Null when the message is too large to keep, or its stored body is gone (expired or erased): its
   * retries are published as "retry due" events.
   */
  readonly content: MessageContent | null;
  readonly attempt: number;
  readonly originalMessageId: string;
  readonly sentAt: string;
  /** Epoch seconds (TTL): after the retry window, the content is not needed. */
  readonly expiresAt: number;
}

export interface OutboundStore {
  /** Idempotent: keyed by the MessageId. */
  put(record: OutboundRecord): Promise<void>;
  get(messageId: string): Promise<OutboundRecord | null>;
}

/** Where "retry due" events go for messages this pipeline cannot send again itself. */
export interface RetryDuePublisher {
  publish(event: RetryDueEvent): Promise<void>;
}

/** A campaign's pause flag (set by a person or the health job). */
export interface CampaignPauses {
  isPaused(campaign: string): Promise<boolean>;
}

/** SES refused the message for good (not a timeout): the attempt is over, not unknown. */
export class SendRefusedError extends Error {
  override readonly name = 'SendRefusedError';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}
