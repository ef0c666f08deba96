// zod/mini: the classify function schedules timers, and its bundle stays small.
import * as z from 'zod/mini';
import { CATEGORY_POLICY } from './policy.js';
import type { BounceCategory, Category } from './types.js';

/**
 * Retries as a chain of delayed queue messages. A queue delays a message by
 * 900 s at most, so a retry due in hours is a chain of "hops": each timer
 * message, when it arrives early, is sent again with the delay that remains.
 * The retry state (attempt, due time, status) lives in the store and every
 * change to it is a compare-and-set on its version, so timer messages may be
 * duplicated, raced or replayed after a crash without sending an attempt twice.
 */

/** The longest delay one queue message can carry. */
export const MAX_HOP_SECONDS = 900;
/** No retry is started later than this after the first failure of a message. */
export const RETRY_WINDOW_SECONDS = 72 * 3600;
/**
 * How long an attempt whose send outcome is unknown (a crash or a timeout
 * around the SES call) waits for SES's own Send event to prove it went out,
 * before it is sent again.
 */
export const SEND_OUTCOME_GRACE_SECONDS = 900;
/** Retry state is kept this long after the window closes, then TTL removes it. */
export const RETRY_STATE_RETENTION_SECONDS = RETRY_WINDOW_SECONDS + 7 * 24 * 3600;

/** Message tags a retry send carries, so its events find their logical message. */
export const RETRY_OF_TAG = 'retry-of';
export const RETRY_ATTEMPT_TAG = 'retry-attempt';

/** Every status a retry state can hold (checked when a state is read back from storage). */
export const RETRY_STATUSES = ['scheduled', 'sending', 'sent', 'delivered', 'skipped', 'gave-up', 'published'] as const;

export type RetryStatus =
  /** A timer chain runs toward `dueAt`. */
  | 'scheduled'
  /** Claimed by one sender; the SES call is in progress or its outcome is unknown. */
  | 'sending'
  /** SES accepted the attempt (`lastMessageId`). */
  | 'sent'
  /** Delivered: nothing more to do. */
  | 'delivered'
  /** Not sent at due time (address suppressed or held, campaign paused): `reason`. */
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
  /** Attempts are numbered from 1 (the original send is attempt 0). */
  readonly attempt: number;
  readonly status: RetryStatus;
  /** When this attempt is due. */
  readonly dueAt: string;
  /** The first failure of the logical message: the window counts from here. */
  readonly firstFailureAt: string;
  /** When the current claim started (status `sending`). */
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
}

const seconds = (iso: string): number => Math.floor(Date.parse(iso) / 1000);
const isoAt = (epochSeconds: number): string => new Date(epochSeconds * 1000).toISOString();

/** The delay for the next hop toward `dueAt`: 0 when it is due. `maxHop`: the timer's longest delay. */
export function hopDelaySeconds(dueAt: string, now: Date, maxHop = MAX_HOP_SECONDS): number {
  const remaining = Math.ceil((Date.parse(dueAt) - now.getTime()) / 1000);
  return remaining <= 0 ? 0 : Math.min(maxHop, remaining);
}

/** Every hop of a chain that waits `totalSeconds` (hop delays in order). */
export function hopChain(totalSeconds: number): number[] {
  const hops: number[] = [];
  for (let left = Math.ceil(totalSeconds); left > 0; left -= Math.min(MAX_HOP_SECONDS, left)) hops.push(Math.min(MAX_HOP_SECONDS, left));
  return hops;
}

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

export type RetryPlan =
  /** Write `state` (compare-and-set on `expectedVersion`) and start its timer chain. */
  | { readonly kind: 'schedule'; readonly state: RetryState; readonly expectedVersion: number }
  /** This failure was already scheduled (a redelivered event): start its timer again, it may have been lost. */
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
  if (current && (current.status === 'delivered' || current.status === 'gave-up' || current.status === 'published')) {
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
  /** Not due yet: send the timer again with this delay. */
  | { readonly kind: 'wait'; readonly delaySeconds: number }
  /** Due: claim the attempt with `claimed` (compare-and-set), then check the address and send. */
  | { readonly kind: 'claim'; readonly claimed: RetryState }
  /** An earlier claim's outcome is unknown: check again after this delay (SES's Send event may prove it). */
  | { readonly kind: 'await-outcome'; readonly delaySeconds: number }
  /** A stale, duplicated or finished timer: drop it. */
  | { readonly kind: 'drop'; readonly why: string };

/**
 * What a timer message does when it arrives. Only the timer of the current
 * attempt moves anything; a claim left by a crash is taken over only after
 * the grace time, when SES's Send event would have linked the attempt if
 * SES had accepted it.
 */
export function stepForTimer(state: RetryState | null, timer: RetryTimer, now: Date, maxHop = MAX_HOP_SECONDS): TimerStep {
  if (state === null) return { kind: 'drop', why: 'no retry state' };
  if (state.attempt !== timer.attempt) return { kind: 'drop', why: `timer of attempt ${timer.attempt}, state at attempt ${state.attempt}` };
  if (state.status === 'scheduled') {
    const delaySeconds = hopDelaySeconds(state.dueAt, now, maxHop);
    if (delaySeconds > 0) return { kind: 'wait', delaySeconds };
    return { kind: 'claim', claimed: { ...state, status: 'sending', sendingSince: now.toISOString(), version: state.version + 1 } };
  }
  if (state.status === 'sending') {
    const graceEnd = seconds(state.sendingSince ?? now.toISOString()) + SEND_OUTCOME_GRACE_SECONDS;
    const left = graceEnd - Math.floor(now.getTime() / 1000);
    if (left > 0) return { kind: 'await-outcome', delaySeconds: Math.min(maxHop, left) };
    // No Send event came for the claim: SES did not accept it. Take the claim over.
    return { kind: 'claim', claimed: { ...state, sendingSince: now.toISOString(), version: state.version + 1 } };
  }
  return { kind: 'drop', why: `attempt ${state.attempt} is ${state.status}` };
}

/** A Send event for `link`: the attempt went out, whatever its sender's fate. Null when it changes nothing. */
export function confirmSent(state: RetryState | null, link: RetryLink, messageId: string): RetryState | null {
  if (state === null || state.attempt !== link.attempt || state.status !== 'sending') return null;
  return { ...state, status: 'sent', lastMessageId: messageId, sendingSince: null, version: state.version + 1 };
}

/** A Delivery of any send of the logical message ends its retries. Null when it changes nothing. */
export function markDelivered(state: RetryState | null): RetryState | null {
  if (state === null || state.status === 'delivered' || state.status === 'gave-up') return null;
  return { ...state, status: 'delivered', version: state.version + 1 };
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

/** Why an attempt is not sent at due time, or null when it may go. */
export function skipReasonAtDue(addressStatus: string | null, campaignPaused: boolean): string | null {
  if (addressStatus === 'suppressed') return 'address-suppressed';
  if (addressStatus === 'review') return 'address-in-review';
  if (campaignPaused) return 'campaign-paused';
  return null;
}

/** The body of a timer message on the retry queue (JSON). */
const TimerSchema = z.object({
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
  const parsed = TimerSchema.safeParse(json);
  if (!parsed.success) return { ok: false, reason: `not a retry timer: ${parsed.error.issues.map((i) => i.path.join('.')).join(', ')}` };
  return { ok: true, timer: parsed.data };
}
