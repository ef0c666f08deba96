// zod/mini: the classify function schedules timers, and its bundle stays small.
import * as z from 'zod/mini';
import { CATEGORY_POLICY } from './classifier/policy.js';
import type { BounceCategory, Category } from './types.js';

/**
 * Retries as delayed queue messages, one per attempt. A queue delays a
 * message by 900 s at most, so an attempt due later waits in the store,
 * indexed by its due time, until a scheduled sweep enqueues it with its exact
 * remaining delay; one due within 15 minutes of being planned is enqueued at
 * once. The retry state (attempt, due time, status) lives in the store and
 * every change to it is a compare-and-set on its version that follows the
 * status × event table below, so timer messages may be duplicated, raced or
 * replayed after a crash without sending an attempt twice.
 */

/** The longest delay one queue message can carry. */
export const MAX_TIMER_DELAY_SECONDS = 900;
/** A sweep enqueues every attempt whose check falls within this of its run (one queue delay). */
export const SWEEP_HORIZON_SECONDS = MAX_TIMER_DELAY_SECONDS;
/** How often the sweeper runs: well inside its horizon, so a failed run is made up by the next. */
export const SWEEP_EVERY_SECONDS = 5 * 60;
/** No retry is started later than this after the first failure of a message. */
export const RETRY_WINDOW_SECONDS = 72 * 3600;
/**
 * How long an attempt whose send outcome is unknown (a crash or a timeout
 * around the SES call) waits for evidence that SES accepted it before another
 * claim may send it. The evidence is any event of the attempt (SES's Send
 * event first; Delivery, Bounce, Complaint, DeliveryDelay too), found by the
 * `retry-of`/`retry-attempt` tags it carries. Events reach the pipeline
 * through the notification queue: backlogs of 15–45 minutes have been seen,
 * and an alarm fires when its oldest message is 10 minutes old. 90 minutes is
 * twice the worst backlog seen, so a Send event held by a 45-minute backlog
 * still lands 45 minutes before a takeover, and an operator has been alarmed
 * for over an hour before one can happen.
 */
export const SEND_EVIDENCE_WAIT_SECONDS = 90 * 60;
/**
 * How long an attempt due while its campaign is paused waits before it is
 * looked at again. One queue delay (900 s): the runner enqueues that timer
 * itself, so no sweep is needed and a resumed campaign's retries go out at
 * most 15 minutes after the resume; a day of pause costs each waiting attempt
 * 96 timer messages and 192 state writes (claim, wait), cents per thousand.
 */
export const PAUSED_RECHECK_SECONDS = MAX_TIMER_DELAY_SECONDS;
/** Retry state is kept this long after the window closes, then TTL removes it. */
export const RETRY_STATE_RETENTION_SECONDS = RETRY_WINDOW_SECONDS + 7 * 24 * 3600;

/** Message tags a retry send carries, so its events find their logical message. */
export const RETRY_OF_TAG = 'retry-of';
export const RETRY_ATTEMPT_TAG = 'retry-attempt';
/**
 * The tag every send that can be retried carries: the key of its stored message (sender and content,
 * stored once per distinct message). A soft bounce brings it back in its event, so nothing is written
 * per send: what a retry needs is written with the retry state, at the first failure. The key is the
 * message's SHA-256 (hex), prefixed `PERSONAL_MESSAGE_PREFIX` when the message names its recipient's
 * address and is kept with that address's own items.
 */
export const RETRY_BODY_TAG = 'retry-body';
export const PERSONAL_MESSAGE_PREFIX = 'p-';

/** Every status a retry state can hold (checked when a state is read back from storage). */
export const RETRY_STATUSES = ['scheduled', 'sending', 'sent', 'delivered', 'skipped', 'gave-up', 'published'] as const;

export type RetryStatus =
  /** Waits for `dueAt` (in the due index, or as a delayed timer message). */
  | 'scheduled'
  /** Claimed by one sender; the SES call is in progress or its outcome is unknown (`sendingSince`). */
  | 'sending'
  /** SES accepted the attempt (`lastMessageId`). */
  | 'sent'
  /** Delivered: nothing more to do. */
  | 'delivered'
  /** Not sent at due time (address suppressed or held, SES refused): `reason`. */
  | 'skipped'
  /** The window or the attempts ran out: the address went to review. */
  | 'gave-up'
  /** Sent outside this pipeline (or too large to keep): a "retry due" event told the sender. */
  | 'published';

/** One recipient of one logical message (the original SES MessageId) on its way through retries. */
export interface RetryState {
  readonly email: string;
  readonly originalMessageId: string;
  readonly category: BounceCategory;
  readonly campaign: string | null;
  /** The original send's other campaign tags: every attempt carries them again, so its events count where the original's did. */
  readonly batch: string | null;
  readonly source: string | null;
  /**
   * The key of the stored message (sender and content) the original send named in its `retry-body` tag;
   * null when it named none (too large to keep, sent outside this pipeline, or sent before messages were
   * keyed by their tag: then the sent-message record of `originalMessageId`, if any, says what to send).
   */
  readonly bodyHash: string | null;
  /** Attempts are numbered from 1 (the original send is attempt 0). */
  readonly attempt: number;
  readonly status: RetryStatus;
  /** When this attempt is due. */
  readonly dueAt: string;
  /** The first failure of the logical message: the window counts from here. */
  readonly firstFailureAt: string;
  /** When the current claim started (status `sending`): the evidence wait counts from here. */
  readonly sendingSince: string | null;
  /** The SES MessageId of the newest attempt that went out. */
  readonly lastMessageId: string | null;
  readonly reason: string | null;
  /** Compare-and-set version; 0 means "no record yet". */
  readonly version: number;
}

/** What the timer messages on the retry queue carry. */
export interface RetryTimer {
  readonly email: string;
  readonly originalMessageId: string;
  readonly attempt: number;
  readonly dueAt: string;
}

/** A send of a logical message: which one, and which attempt (0: the original send). */
export interface RetryLink {
  readonly originalMessageId: string;
  readonly attempt: number;
}

/** A failure that the classifier decided to retry. */
export interface RetryableFailure {
  readonly email: string;
  readonly messageId: string;
  /** From the failed send's tags; null for an original send. */
  readonly link: RetryLink | null;
  readonly category: Category;
  readonly retryAfterSeconds: number;
  readonly occurredAt: string;
  readonly campaign: string | null;
  readonly batch: string | null;
  readonly source: string | null;
  /** The failed send's `retry-body` tag (see `retryBodyOf`). */
  readonly bodyHash: string | null;
}

const seconds = (iso: string): number => Math.floor(Date.parse(iso) / 1000);
const isoAt = (epochSeconds: number): string => new Date(epochSeconds * 1000).toISOString();

/**
 * What happens to a retry state, one event at a time:
 * - `schedule`: a failure of the attempt (or of the original send) plans the next attempt;
 * - `claim`: its timer is due and one sender claims it; `take-over`: a claim whose outcome is
 *   still unknown after the evidence wait is claimed again;
 * - `accepted`: SES answered the sender with a MessageId; `send-seen`: an event of the attempt
 *   (Send, DeliveryDelay, Complaint) proves SES accepted it, whoever sent it;
 * - `wait`: a claimed attempt whose campaign is paused goes back to `scheduled`, due again later;
 * - `skip` (the address says no, or SES refused), `publish` (a "retry due" event
 *   instead), `give-up` (attempts or window ran out), `deliver` (a Delivery of any send).
 */
export const RETRY_EVENTS = [
  'schedule',
  'claim',
  'take-over',
  'accepted',
  'send-seen',
  'wait',
  'skip',
  'publish',
  'give-up',
  'deliver',
] as const;
export type RetryEvent = (typeof RETRY_EVENTS)[number];

/**
 * Status × event: the status an event moves a retry state to, or absent when
 * the event cannot happen there (a timer of a finished attempt, a Send event
 * of an attempt not in flight). `null` is "no state yet". Only a claimed
 * (`sending`) attempt can be sent, skipped or published, so an attempt leaves
 * the queue at most once per claim; a claim is only taken over from `sending`.
 */
export const RETRY_TRANSITIONS: Readonly<Record<RetryStatus | 'none', Partial<Readonly<Record<RetryEvent, RetryStatus>>>>> = {
  none: { schedule: 'scheduled', 'give-up': 'gave-up' },
  scheduled: { claim: 'sending', 'give-up': 'gave-up', deliver: 'delivered' },
  sending: {
    'take-over': 'sending',
    accepted: 'sent',
    'send-seen': 'sent',
    // The campaign is paused at due time: not sent, not ended; it waits (within its window).
    wait: 'scheduled',
    skip: 'skipped',
    publish: 'published',
    'give-up': 'gave-up',
    deliver: 'delivered',
    // A bounce of the attempt in flight proves it went out, and plans the next one.
    schedule: 'scheduled',
  },
  sent: { schedule: 'scheduled', 'give-up': 'gave-up', deliver: 'delivered' },
  skipped: { schedule: 'scheduled', 'give-up': 'gave-up', deliver: 'delivered' },
  published: { deliver: 'delivered' },
  delivered: {},
  'gave-up': {},
};

/** The status `event` moves `status` to, or null when the table says the event cannot happen there. */
export function nextRetryStatus(status: RetryStatus | null, event: RetryEvent): RetryStatus | null {
  return RETRY_TRANSITIONS[status ?? 'none'][event] ?? null;
}

/** A transition the table does not allow: a bug in the caller, never a state to write. */
export class ImpossibleRetryTransition extends Error {
  override readonly name = 'ImpossibleRetryTransition';
  constructor(
    readonly from: RetryStatus | null,
    readonly event: RetryEvent,
  ) {
    super(`a retry state ${from ?? '(none)'} cannot take the event ${event}`);
  }
}

/** `state` after `event`, with `change` and the next version; throws when the table does not allow it. */
export function moveRetry(state: RetryState, event: RetryEvent, change: Partial<Omit<RetryState, 'status' | 'version'>> = {}): RetryState {
  const status = nextRetryStatus(state.status, event);
  if (status === null) throw new ImpossibleRetryTransition(state.status, event);
  // Leaving `sending` ends the claim.
  const sendingSince = status === 'sending' ? (change.sendingSince ?? state.sendingSince) : null;
  return { ...state, ...change, status, sendingSince, version: state.version + 1 };
}

/** When the attempt's window closes (epoch seconds): the category's give-up time, 72 h at most, from the first failure. */
export function windowEndOf(state: Pick<RetryState, 'category' | 'firstFailureAt'>): number {
  const giveUp = CATEGORY_POLICY[state.category]?.retry?.giveUpAfterSeconds ?? RETRY_WINDOW_SECONDS;
  return seconds(state.firstFailureAt) + Math.min(giveUp, RETRY_WINDOW_SECONDS);
}

/**
 * When an open state needs its timer: a scheduled attempt at its due time; a
 * claim whose outcome is unknown when its evidence wait ends. Null for a
 * state with nothing ahead (sent, finished): it leaves the due index.
 */
export function nextCheckAt(state: RetryState): string | null {
  if (state.status === 'scheduled') return state.dueAt;
  if (state.status === 'sending' && state.sendingSince !== null) return isoAt(seconds(state.sendingSince) + SEND_EVIDENCE_WAIT_SECONDS);
  return null;
}

/** The delay of a timer message that arrives at `checkAt`: 0 when it is past, null when one message cannot carry it. */
export function timerDelaySeconds(checkAt: string, now: Date, maxDelay = MAX_TIMER_DELAY_SECONDS): number | null {
  const remaining = Math.ceil((Date.parse(checkAt) - now.getTime()) / 1000);
  if (remaining <= 0) return 0;
  return remaining <= maxDelay ? remaining : null;
}

/** The timer message of a state's current attempt. */
export const timerOf = (state: RetryState): RetryTimer => ({
  email: state.email,
  originalMessageId: state.originalMessageId,
  attempt: state.attempt,
  dueAt: state.dueAt,
});

/** The tags a send of attempt `attempt` of `originalMessageId` carries (none for the original). */
export function retryTags(link: RetryLink): Record<string, string> {
  return link.attempt === 0 ? {} : { [RETRY_OF_TAG]: link.originalMessageId, [RETRY_ATTEMPT_TAG]: String(link.attempt) };
}

/** Read the retry link from a sent message's tags; null for an original send (or malformed tags). */
export function retryLinkOf(tags: Readonly<Record<string, readonly string[]>> | null | undefined): RetryLink | null {
  const originalMessageId = tags?.[RETRY_OF_TAG]?.[0];
  const attempt = Number(tags?.[RETRY_ATTEMPT_TAG]?.[0]);
  if (!originalMessageId || !Number.isInteger(attempt) || attempt < 1) return null;
  return { originalMessageId, attempt };
}

/** The stored message a send named in its tags (`RETRY_BODY_TAG`), or null. */
export function retryBodyOf(tags: Readonly<Record<string, readonly string[]>> | null | undefined): string | null {
  const hash = tags?.[RETRY_BODY_TAG]?.[0];
  return hash && /^(?:p-)?[0-9a-f]{64}$/.test(hash) ? hash : null;
}

export type RetryPlan =
  /** Write `state` (compare-and-set on `expectedVersion`); enqueue its timer when it is due within one delay. */
  | { readonly kind: 'schedule'; readonly state: RetryState; readonly expectedVersion: number }
  /** This failure was already scheduled (a redelivered event): enqueue its timer again if it is near, it may have been lost. */
  | { readonly kind: 'rearm'; readonly state: RetryState }
  /** No more attempts: write `state` and put the address in review with `reason`. */
  | { readonly kind: 'give-up'; readonly state: RetryState; readonly expectedVersion: number; readonly reason: string }
  /** An older attempt's failure, or a message already finished: nothing to do. */
  | { readonly kind: 'ignore'; readonly why: string };

/**
 * What a retryable failure does to its logical message's retry state. Pure;
 * the same failure planned twice gives the same result (due times come from
 * the event's time, not the clock), so a redelivered event changes nothing.
 * Gives up when the category's attempts are used, or when the next attempt
 * would fall after the category's give-up time (72 h at most) from the first
 * failure.
 */
export function planRetry(current: RetryState | null, failure: RetryableFailure): RetryPlan {
  const policy = CATEGORY_POLICY[failure.category as BounceCategory]?.retry;
  if (!policy) return { kind: 'ignore', why: `category ${failure.category} is not retried` };
  const failedAttempt = failure.link?.attempt ?? 0;
  const originalMessageId = failure.link?.originalMessageId ?? failure.messageId;
  const nextAttempt = failedAttempt + 1;
  if (current && current.attempt > failedAttempt) {
    return current.attempt === nextAttempt && current.status === 'scheduled'
      ? { kind: 'rearm', state: current }
      : { kind: 'ignore', why: `attempt ${failedAttempt} is already followed by attempt ${current.attempt} (${current.status})` };
  }
  if (current && nextRetryStatus(current.status, 'schedule') === null) {
    return { kind: 'ignore', why: `retries of this message are ${current.status}` };
  }
  const firstFailureAt = current?.firstFailureAt ?? failure.occurredAt;
  const dueAt = isoAt(seconds(failure.occurredAt) + failure.retryAfterSeconds);
  const windowEnd = seconds(firstFailureAt) + Math.min(policy.giveUpAfterSeconds, RETRY_WINDOW_SECONDS);
  const base = {
    email: failure.email,
    originalMessageId,
    category: failure.category as BounceCategory,
    campaign: current?.campaign ?? failure.campaign,
    // What the first failure's send named stays: a retry send carries the same tags.
    batch: current ? current.batch : failure.batch,
    source: current ? current.source : failure.source,
    bodyHash: current ? current.bodyHash : failure.bodyHash,
    firstFailureAt,
    sendingSince: null,
    lastMessageId: current?.lastMessageId ?? (failedAttempt === 0 ? failure.messageId : null),
    version: (current?.version ?? 0) + 1,
  };
  const expectedVersion = current?.version ?? 0;
  let reason: string | null = null;
  if (nextAttempt > policy.maxAttempts) {
    reason = `${failure.category}: ${policy.maxAttempts} retr${policy.maxAttempts === 1 ? 'y' : 'ies'} made, still failing`;
  } else if (seconds(dueAt) > windowEnd) {
    reason = `${failure.category}: still failing ${Math.round((windowEnd - seconds(firstFailureAt)) / 3600)} h after the first failure`;
  }
  if (reason !== null) {
    return {
      kind: 'give-up',
      reason,
      expectedVersion,
      state: { ...base, attempt: failedAttempt, status: 'gave-up', dueAt: current?.dueAt ?? failure.occurredAt, reason },
    };
  }
  return { kind: 'schedule', expectedVersion, state: { ...base, attempt: nextAttempt, status: 'scheduled', dueAt, reason: null } };
}

export type TimerStep =
  /** Arrived before its time (a clock a little ahead of the queue's): send it again with what remains. */
  | { readonly kind: 'wait'; readonly delaySeconds: number }
  /** Due: claim the attempt with `claimed` (compare-and-set), then check the address and send. */
  | { readonly kind: 'claim'; readonly claimed: RetryState }
  /** Due after its window closed: not sent; write `state` and put the address in review with `reason`. */
  | { readonly kind: 'give-up'; readonly state: RetryState; readonly reason: string }
  /** A claim's outcome is unknown and its evidence wait runs: the due index brings the timer back when it ends. */
  | { readonly kind: 'await-evidence' }
  /** A stale, duplicated or finished timer: drop it. */
  | { readonly kind: 'drop'; readonly why: string };

/**
 * What a timer message does when it arrives. Only the timer of the current
 * attempt moves anything. A claim left by a crash is taken over only when no
 * evidence of the attempt has come for SEND_EVIDENCE_WAIT_SECONDS: no event
 * of it (each would have moved the state out of `sending`) and no answer of
 * SES recorded by its sender (the same). An attempt is never claimed after its
 * window closed: it gives up instead.
 */
export function stepForTimer(state: RetryState | null, timer: RetryTimer, now: Date, maxDelay = MAX_TIMER_DELAY_SECONDS): TimerStep {
  if (state === null) return { kind: 'drop', why: 'no retry state' };
  if (state.attempt !== timer.attempt) return { kind: 'drop', why: `timer of attempt ${timer.attempt}, state at attempt ${state.attempt}` };
  const checkAt = nextCheckAt(state);
  if (checkAt === null) return { kind: 'drop', why: `attempt ${state.attempt} is ${state.status}` };
  const delaySeconds = timerDelaySeconds(checkAt, now, maxDelay);
  if (delaySeconds === null) {
    // Not within one delay: the due index holds it, and a sweep enqueues it in time.
    return state.status === 'sending' ? { kind: 'await-evidence' } : { kind: 'drop', why: `attempt ${state.attempt} is not due yet` };
  }
  if (delaySeconds > 0) return state.status === 'sending' ? { kind: 'await-evidence' } : { kind: 'wait', delaySeconds };
  const windowEnd = windowEndOf(state);
  if (Math.floor(now.getTime() / 1000) > windowEnd) {
    const hours = Math.round((windowEnd - seconds(state.firstFailureAt)) / 3600);
    const reason = `${state.category}: attempt ${state.attempt} still unsent when the ${hours} h window closed`;
    return { kind: 'give-up', reason, state: moveRetry(state, 'give-up', { reason }) };
  }
  const event = state.status === 'scheduled' ? 'claim' : 'take-over';
  return { kind: 'claim', claimed: moveRetry(state, event, { sendingSince: now.toISOString() }) };
}

/**
 * An event of `link`'s attempt that proves SES accepted it (its Send event, or
 * a DeliveryDelay or Complaint), whatever its sender's fate. Null when it
 * changes nothing.
 */
export function confirmSent(state: RetryState | null, link: RetryLink, messageId: string): RetryState | null {
  if (state === null || state.attempt !== link.attempt || nextRetryStatus(state.status, 'send-seen') === null) return null;
  return moveRetry(state, 'send-seen', { lastMessageId: messageId });
}

/** A Delivery of any send of the logical message ends its retries. Null when it changes nothing. */
export function markDelivered(state: RetryState | null): RetryState | null {
  if (state === null || nextRetryStatus(state.status, 'deliver') === null) return null;
  return moveRetry(state, 'deliver');
}

/** The "retry due" event for a message this pipeline cannot send again itself. */
export interface RetryDueEvent {
  readonly type: 'retry-due';
  readonly address: string;
  readonly originalMessageId: string;
  readonly category: BounceCategory;
  readonly attempt: number;
  readonly dueAt: string;
  readonly campaign: string | null;
  /**
   * `<originalMessageId>#<attempt>`: the same for every copy of one attempt's
   * event. Publishing is at least once (a failed state write after the publish
   * publishes again), so a consumer drops a key it has already acted on.
   */
  readonly dedupeKey: string;
}

export function retryDueEvent(state: RetryState): RetryDueEvent {
  return {
    type: 'retry-due',
    dedupeKey: `${state.originalMessageId}#${state.attempt}`,
    address: state.email,
    originalMessageId: state.originalMessageId,
    category: state.category,
    attempt: state.attempt,
    dueAt: state.dueAt,
    campaign: state.campaign,
  };
}

/** Why an attempt is not sent at due time, or null when it may go (a paused campaign makes it wait instead: `waitWhilePaused`). */
export function skipReasonAtDue(addressStatus: string | null): string | null {
  if (addressStatus === 'suppressed') return 'address-suppressed';
  if (addressStatus === 'review') return 'address-in-review';
  return null;
}

/**
 * A claimed attempt whose campaign is paused: back to `scheduled`, due again
 * PAUSED_RECHECK_SECONDS from now, or at its window's end if that comes first
 * (so a resume just before the window closes still sends it). A recheck after
 * the window closed gives up like any late claim (`stepForTimer`).
 */
export function waitWhilePaused(claimed: RetryState, now: Date): RetryState {
  const nowSeconds = Math.floor(now.getTime() / 1000);
  const windowEnd = windowEndOf(claimed);
  // At least a second ahead, so a recheck never comes back within the same instant.
  const recheck =
    nowSeconds + 1 < windowEnd ? Math.min(nowSeconds + PAUSED_RECHECK_SECONDS, windowEnd) : nowSeconds + PAUSED_RECHECK_SECONDS;
  return moveRetry(claimed, 'wait', { dueAt: isoAt(recheck) });
}

/** The body of a timer message on the retry queue (JSON); built on first use, so a bundle that never parses one leaves it out. */
let timerSchema: ReturnType<typeof buildTimerSchema> | null = null;
const buildTimerSchema = () =>
  z.object({
    email: z.string().check(z.minLength(3)),
    originalMessageId: z.string().check(z.minLength(1)),
    attempt: z.int().check(z.minimum(1)),
    dueAt: z.iso.datetime(),
  });

/** A timer message body, or the reason it is not one. */
export function parseTimer(body: string): { ok: true; timer: RetryTimer } | { ok: false; reason: string } {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return { ok: false, reason: 'retry timer is not valid JSON' };
  }
  const parsed = (timerSchema ??= buildTimerSchema()).safeParse(json);
  if (!parsed.success) return { ok: false, reason: `not a retry timer: ${parsed.error.issues.map((i) => i.path.join('.')).join(', ')}` };
  return { ok: true, timer: parsed.data };
}
