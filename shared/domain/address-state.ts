import type { RecipientOutcome } from './outcomes.js';
import { CATEGORY_POLICY } from './policy.js';
import type { BounceCategory, Category, Provider } from './types.js';

export const SUPPRESSION_STATUSES = ['suppressed', 'review', 'released'] as const;
export type SuppressionStatus = (typeof SUPPRESSION_STATUSES)[number];

export const SUPPRESSION_REASONS = [
  'hard-bounce',
  'complaint',
  'soft-bounce-threshold',
  'policy-block-review',
  'manual',
  'ses-suppression-list',
  'retries-exhausted',
] as const;
export type SuppressionReason = (typeof SUPPRESSION_REASONS)[number];

/** `releasedBy` of a review cleared by a delivery rather than a person. */
export const DELIVERY_RELEASE = 'delivery';

/** How many recent event ids a state record remembers, to ignore redelivered events. */
export const APPLIED_EVENT_MEMORY = 25;

/** What an event says about an address, strongest first. */
export type SignalKind =
  | 'complaint'
  | 'hard-bounce'
  | 'ses-suppressed'
  | 'manual-suppress'
  | 'policy-block'
  | 'soft-threshold'
  | 'retries-exhausted'
  | 'delivery'
  | 'release';

/** The facts a record keeps about the event that last changed it. */
export interface Evidence {
  readonly category: Category | null;
  readonly rule: string | null;
  readonly smtpCode: number | null;
  readonly enhancedCode: string | null;
  readonly diagnostic: string | null;
  readonly provider: Provider | null;
  readonly campaign: string | null;
  readonly messageId: string | null;
  readonly feedbackId: string | null;
}

export const NO_EVIDENCE: Evidence = {
  category: null,
  rule: null,
  smtpCode: null,
  enhancedCode: null,
  diagnostic: null,
  provider: null,
  campaign: null,
  messageId: null,
  feedbackId: null,
};

/** The one suppression record per normalised address, with the evidence of the event that set its reason. */
export interface AddressState extends Evidence {
  readonly email: string;
  readonly status: SuppressionStatus;
  readonly reason: SuppressionReason;
  readonly firstSeenAt: string;
  readonly lastSeenAt: string;
  /** Events that changed this record. */
  readonly count: number;
  readonly releasedAt: string | null;
  readonly releasedBy: string | null;
  readonly releaseReason: string | null;
  /** Newest first, bounded: a redelivered event found here changes nothing. */
  readonly appliedEventIds: readonly string[];
  /** Optimistic-concurrency version; 0 means "no record yet". */
  readonly version: number;
}

/** Only the evidence fields of a record (or of evidence). */
function pickEvidence(from: Evidence): Evidence {
  const { category, rule, smtpCode, enhancedCode, diagnostic, provider, campaign, messageId, feedbackId } = from;
  return { category, rule, smtpCode, enhancedCode, diagnostic, provider, campaign, messageId, feedbackId };
}

export function evidenceOf(outcome: RecipientOutcome): Evidence {
  const { decision } = outcome;
  return {
    category: decision.category,
    rule: decision.rule,
    smtpCode: decision.smtpCode,
    enhancedCode: decision.enhancedCode,
    diagnostic: decision.diagnostic,
    provider: decision.provider,
    campaign: outcome.tags.campaign,
    messageId: outcome.messageId,
    feedbackId: outcome.feedbackId,
  };
}

export interface AddressSignal {
  readonly kind: SignalKind;
  /** The event that caused the change: the key of its history entry and of redelivery detection. */
  readonly eventId: string;
  readonly occurredAt: string;
  readonly evidence: Evidence;
  /** For manual suppression: the reason to record (default `manual`; an import may say `complaint`). */
  readonly reason?: SuppressionReason;
  /** Who acted, for manual signals (caller identity). */
  readonly actor?: string;
  readonly note?: string;
}

/** One entry of an address's history: an event that changed it, and how. */
export interface HistoryEntry {
  readonly email: string;
  readonly eventId: string;
  readonly at: string;
  readonly signal: SignalKind;
  readonly fromStatus: SuppressionStatus | null;
  readonly toStatus: SuppressionStatus;
  readonly reason: SuppressionReason;
  readonly category: Category | null;
  readonly rule: string | null;
  readonly smtpCode: number | null;
  readonly enhancedCode: string | null;
  readonly diagnostic: string | null;
  readonly campaign: string | null;
  readonly messageId: string | null;
  readonly actor: string | null;
  readonly note: string | null;
}

export interface Transition {
  readonly next: AddressState;
  readonly history: HistoryEntry;
}

const REASON_OF: Partial<Record<SignalKind, SuppressionReason>> = {
  complaint: 'complaint',
  'hard-bounce': 'hard-bounce',
  'ses-suppressed': 'ses-suppression-list',
  'manual-suppress': 'manual',
  'policy-block': 'policy-block-review',
  'soft-threshold': 'soft-bounce-threshold',
  'retries-exhausted': 'retries-exhausted',
};

const SUPPRESSING: ReadonlySet<SignalKind> = new Set(['complaint', 'hard-bounce', 'ses-suppressed', 'manual-suppress']);
const REVIEWING: ReadonlySet<SignalKind> = new Set(['policy-block', 'soft-threshold', 'retries-exhausted']);

const time = (iso: string | null): number => (iso === null ? Number.NEGATIVE_INFINITY : Date.parse(iso));
const later = (a: string, b: string): string => (time(a) >= time(b) ? a : b);
const earlier = (a: string, b: string): string => (time(a) <= time(b) ? a : b);

/**
 * The signal an outcome sends to the address's record, if any. Soft bounces
 * only matter once the window crosses the threshold (the caller counts it).
 */
export function signalOf(outcome: RecipientOutcome, softBouncesInWindow = 0, softBounceThreshold = 3): SignalKind | null {
  const { eventType, decision } = outcome;
  if (eventType === 'Delivery') return 'delivery';
  if (eventType !== 'Bounce' && eventType !== 'Complaint') return null;
  if (decision.category === 'already-suppressed') return 'ses-suppressed';
  if (decision.category === 'complaint') return 'complaint';
  if (eventType !== 'Bounce') return null;
  if (decision.suppress) return 'hard-bounce';
  // Held for a person's review (a recipient policy block, a 554 with nothing sharper): not mailed, not suppressed.
  if (decision.action === 'review') return 'policy-block';
  if (isSoftBounce(outcome)) return softBouncesInWindow > softBounceThreshold ? 'soft-threshold' : null;
  return null;
}

/**
 * A soft bounce counts toward the address's window: a temporary failure about
 * the recipient (mailbox full or busy, or unrecognisable). Throttling and
 * timeouts are about the sender or the receiving server, not the address.
 */
export function isSoftBounce(outcome: RecipientOutcome): boolean {
  const { category } = outcome.decision;
  return (
    outcome.eventType === 'Bounce' &&
    outcome.decision.action === 'retry' &&
    CATEGORY_POLICY[category as BounceCategory]?.countsAsSoftBounce === true
  );
}

/**
 * Apply a signal to an address's record. Pure: returns the next record and
 * the history entry, or null when nothing changes. Rules:
 * - a weaker event never downgrades a stronger state (a soft bounce or a
 *   policy block does not lift a suppression; a complaint upgrades anything);
 * - an address released by a person is suppressed again only by a hard
 *   bounce or a complaint that happened after its release (one released by a
 *   delivery is suppressed by any hard bounce or complaint);
 * - a review is entered once; later policy blocks only move its last-seen time;
 * - a delivery clears a review (it proves the mailbox takes mail);
 * - an event already applied (redelivery) changes nothing.
 */
export function applySignal(email: string, state: AddressState | null, signal: AddressSignal): Transition | null {
  if (state?.appliedEventIds.includes(signal.eventId)) return null;
  const afterRelease =
    state?.status !== 'released' || state.releasedBy === DELIVERY_RELEASE || time(signal.occurredAt) > time(state.releasedAt);

  let status: SuppressionStatus;
  let reason: SuppressionReason;
  let release: Pick<AddressState, 'releasedAt' | 'releasedBy' | 'releaseReason'> = {
    releasedAt: state?.releasedAt ?? null,
    releasedBy: state?.releasedBy ?? null,
    releaseReason: state?.releaseReason ?? null,
  };
  let takesEvidence = true;

  if (SUPPRESSING.has(signal.kind)) {
    if (!afterRelease && signal.kind !== 'manual-suppress') return null;
    const newReason = signal.kind === 'manual-suppress' ? (signal.reason ?? 'manual') : (REASON_OF[signal.kind] as SuppressionReason);
    if (state?.status === 'suppressed') {
      status = 'suppressed';
      // A complaint outranks every other reason; otherwise the first reason stays.
      reason = newReason === 'complaint' ? 'complaint' : state.reason;
      takesEvidence = reason !== state.reason;
      // Suppressing a suppressed address by hand, or SES saying it did not send, changes nothing
      // (so an import can run twice and a suppressed address does not fill its history).
      if ((signal.kind === 'manual-suppress' || signal.kind === 'ses-suppressed') && !takesEvidence) return null;
    } else {
      status = 'suppressed';
      reason = newReason;
    }
  } else if (REVIEWING.has(signal.kind)) {
    if (state?.status === 'suppressed' || !afterRelease) return null;
    if (state?.status === 'review') {
      // Still blocked: only a later block moves the time a delivery must beat to clear the review.
      if (signal.kind !== 'policy-block' || time(signal.occurredAt) <= time(state.lastSeenAt)) return null;
      status = 'review';
      reason = state.reason;
      takesEvidence = false;
    } else {
      status = 'review';
      reason = REASON_OF[signal.kind] as SuppressionReason;
    }
  } else if (signal.kind === 'delivery') {
    if (state?.status !== 'review' || time(signal.occurredAt) <= time(state.lastSeenAt)) return null;
    status = 'released';
    reason = state.reason;
    takesEvidence = false;
    release = { releasedAt: signal.occurredAt, releasedBy: DELIVERY_RELEASE, releaseReason: 'delivered after review' };
  } else {
    // Manual release.
    if (state === null || state.status === 'released') return null;
    status = 'released';
    reason = state.reason;
    takesEvidence = false;
    release = { releasedAt: signal.occurredAt, releasedBy: signal.actor ?? null, releaseReason: signal.note ?? null };
  }

  const base = state ?? null;
  const kept: Evidence = takesEvidence || base === null ? signal.evidence : base;
  const next: AddressState = {
    email,
    status,
    reason,
    ...pickEvidence(kept),
    firstSeenAt: base ? earlier(base.firstSeenAt, signal.occurredAt) : signal.occurredAt,
    lastSeenAt: base ? later(base.lastSeenAt, signal.occurredAt) : signal.occurredAt,
    count: (base?.count ?? 0) + 1,
    ...(status === 'released' ? release : { releasedAt: null, releasedBy: null, releaseReason: null }),
    appliedEventIds: [signal.eventId, ...(base?.appliedEventIds ?? [])].slice(0, APPLIED_EVENT_MEMORY),
    version: (base?.version ?? 0) + 1,
  };
  const { evidence } = signal;
  return {
    next,
    history: {
      email,
      eventId: signal.eventId,
      at: signal.occurredAt,
      signal: signal.kind,
      fromStatus: base?.status ?? null,
      toStatus: status,
      reason,
      category: evidence.category,
      rule: evidence.rule,
      smtpCode: evidence.smtpCode,
      enhancedCode: evidence.enhancedCode,
      diagnostic: evidence.diagnostic,
      campaign: evidence.campaign,
      messageId: evidence.messageId,
      actor: signal.actor ?? null,
      note: signal.note ?? null,
    },
  };
}
