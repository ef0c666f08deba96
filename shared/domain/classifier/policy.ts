import type { Action, BounceCategory, FailureClass } from '../types.js';

export interface RetryPolicy {
  /** Earliest and latest delay before a new send; spread per address inside this range. */
  readonly minDelaySeconds: number;
  readonly maxDelaySeconds: number;
  /** New sends this pipeline makes before the address goes to review. */
  readonly maxAttempts: number;
  /** No retry is started later than this after the first failure. */
  readonly giveUpAfterSeconds: number;
}

export interface CategoryPolicy {
  readonly action: Action;
  readonly suppress: boolean;
  /** When the category is retried; `transientOnly` retries only a 4xx-class failure. */
  readonly retry?: RetryPolicy & { readonly transientOnly?: boolean };
  /** Counts toward the address's soft-bounce window (a temporary failure about the recipient). */
  readonly countsAsSoftBounce?: boolean;
}

const HOUR = 3600;

/**
 * What each category means for the address. SES has already
 * retried a transient failure for hours before it reports it, so every retry
 * here is a new send, hours later.
 */
export const CATEGORY_POLICY: Readonly<Record<BounceCategory, CategoryPolicy>> = {
  'invalid-address': { action: 'suppress', suppress: true },
  'invalid-domain': { action: 'suppress', suppress: true },
  'mailbox-full-permanent': { action: 'suppress', suppress: true },
  'malformed-address': { action: 'suppress', suppress: true },
  complaint: { action: 'suppress', suppress: true },
  'already-suppressed': { action: 'none', suppress: true },
  'recipient-policy-block': { action: 'review', suppress: false },
  'reputation-block': {
    action: 'investigate',
    suppress: false,
    retry: { minDelaySeconds: 2 * HOUR, maxDelaySeconds: 4 * HOUR, maxAttempts: 2, giveUpAfterSeconds: 24 * HOUR, transientOnly: true },
  },
  'authentication-failure': {
    action: 'investigate',
    suppress: false,
    retry: { minDelaySeconds: 2 * HOUR, maxDelaySeconds: 4 * HOUR, maxAttempts: 1, giveUpAfterSeconds: 24 * HOUR, transientOnly: true },
  },
  'content-rejected': { action: 'investigate', suppress: false },
  // A 554 with nothing sharper may be the address or the sender: hold the address for review and look at both.
  'transaction-failed': { action: 'review', suppress: false },
  // The sending account's or relay's quota: the address is fine; send again once the quota has reset.
  'sending-limit': {
    action: 'investigate',
    suppress: false,
    retry: { minDelaySeconds: 2 * HOUR, maxDelaySeconds: 4 * HOUR, maxAttempts: 2, giveUpAfterSeconds: 24 * HOUR },
  },
  'service-unavailable': {
    action: 'retry',
    suppress: false,
    retry: { minDelaySeconds: 15 * 60, maxDelaySeconds: HOUR, maxAttempts: 3, giveUpAfterSeconds: 24 * HOUR },
  },
  'mailbox-busy': {
    action: 'retry',
    suppress: false,
    countsAsSoftBounce: true,
    retry: { minDelaySeconds: HOUR, maxDelaySeconds: 4 * HOUR, maxAttempts: 3, giveUpAfterSeconds: 24 * HOUR },
  },
  'mailbox-full': {
    action: 'retry',
    suppress: false,
    countsAsSoftBounce: true,
    retry: { minDelaySeconds: 6 * HOUR, maxDelaySeconds: 12 * HOUR, maxAttempts: 4, giveUpAfterSeconds: 72 * HOUR },
  },
  'connection-timeout': {
    action: 'retry',
    suppress: false,
    retry: { minDelaySeconds: 45 * 60, maxDelaySeconds: 75 * 60, maxAttempts: 3, giveUpAfterSeconds: 24 * HOUR },
  },
  // Nothing recognisable: never suppress on that; one new send, then a person looks.
  unknown: {
    action: 'retry',
    suppress: false,
    countsAsSoftBounce: true,
    retry: { minDelaySeconds: HOUR, maxDelaySeconds: 2 * HOUR, maxAttempts: 1, giveUpAfterSeconds: 24 * HOUR },
  },
};

/** FNV-1a: a cheap, stable hash so the same address always gets the same spread. */
function stableHash(value: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < value.length; i++) {
    hash ^= value.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/**
 * The delay before a new send, or null when the category is not retried.
 * Spread deterministically per address over the policy's range, so a
 * campaign's retries do not all land on the same second (and tests stay exact).
 */
export function retryDelayFor(category: BounceCategory, failureClass: FailureClass, recipient: string): number | null {
  const retry = CATEGORY_POLICY[category].retry;
  if (!retry) return null;
  if (retry.transientOnly && failureClass !== 'transient') return null;
  const span = retry.maxDelaySeconds - retry.minDelaySeconds;
  return retry.minDelaySeconds + (stableHash(recipient) % (span + 1));
}

/** More than this many soft bounces inside the window puts an address in review. */
export const SOFT_BOUNCE_THRESHOLD = 3;
/** The rolling soft-bounce window. */
export const SOFT_BOUNCE_WINDOW_SECONDS = 72 * HOUR;
/** How long a receiving domain's delivery delays are kept for timeout escalation. */
export const DELIVERY_DELAY_RETENTION_SECONDS = 72 * HOUR;
/** How long an address's history entries are kept (the state record stays). */
export const HISTORY_RETENTION_SECONDS = 400 * 24 * HOUR;
