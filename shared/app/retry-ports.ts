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

/** A message as kept for its retries: who sends it and what (a template is its name and data). */
export interface StoredMessage {
  readonly from: string;
  readonly content: MessageContent;
}

/**
 * Messages kept for retries, once per distinct message (sender and content) under its hash: a campaign's
 * sends share one item. A send names its message in its `retry-body` tag; a soft bounce brings the tag
 * back, and the retry state keeps it.
 */
export interface MessageStore {
  /**
   * Keeps the message sent to `recipient` until `neededUntil` (epoch seconds) at least, and returns its
   * key. A message that names the recipient's address is kept with that address's items, so that
   * erasing the address erases it.
   */
  keep(message: StoredMessage, neededUntil: number, recipient: string): Promise<string>;
  /** The message kept under `key` for `recipient`, or null when it is gone (expired or erased). */
  get(key: string, recipient: string): Promise<StoredMessage | null>;
}

/**
 * A sent message's own record, keyed by its SES MessageId: what versions before the `retry-body` tag
 * wrote for every send (TTL 10 days). Read only for a retry whose state names no stored message.
 */
export interface OutboundRecord {
  readonly messageId: string;
  readonly to: string;
  readonly from: string;
  readonly tags: CampaignTags;
  /** Null when the message was too large to keep, or its stored body is gone (expired or erased). */
  readonly content: MessageContent | null;
  readonly attempt: number;
  readonly originalMessageId: string;
  readonly sentAt: string;
  /** Epoch seconds (TTL). */
  readonly expiresAt: number;
}

/** The sent-message records of earlier versions (see OutboundRecord), read-only. */
export interface OutboundStore {
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
