import type { RecipientOutcome } from './outcomes.js';
import { CATEGORY_POLICY } from './classifier/policy.js';
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
  /**
   * Events about the address (bounces, complaints, deliveries...) that changed this record;
   * a person's release or suppression is not counted.
   */
  readonly count: number;
  readonly releasedAt: string | null;
  readonly releasedBy: string | null;
  readonly releaseReason: string | null;
  /** Newest first, bounded: a redelivered event found here changes nothing. */
  readonly appliedEventIds: readonly string[];
  /**
   * The history entry of the change that made this record. It travels with the
   * record, so whoever reads the record next (a redelivery, the next event)
   * can write it again: a history entry can never be lost between the record
   * write and its own write, and none is ever written for a change that did not happen.
   */
  readonly lastChange: HistoryEntry | null;
  /**
   * Whether `lastChange` went out as a decision event. False from the change
   * until its publish is confirmed, so whoever next reads the record
   * publishes it again (same event id); absent on records from before events: published.
   */
  readonly lastChangePublished?: boolean;
  /**
   * When the event behind the record's evidence happened: of two events with the same reason,
   * the earlier one's evidence is kept. Absent or null on records from before it: unknown.
   */
  readonly evidenceAt?: string | null;
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

const REASON_OF: Record<SuppressingSignal | ReviewingSignal, SuppressionReason> = {
  complaint: 'complaint',
  'hard-bounce': 'hard-bounce',
  'ses-suppressed': 'ses-suppression-list',
  'manual-suppress': 'manual',
  'policy-block': 'policy-block-review',
  'soft-threshold': 'soft-bounce-threshold',
  'retries-exhausted': 'retries-exhausted',
};

type SuppressingSignal = 'complaint' | 'hard-bounce' | 'ses-suppressed' | 'manual-suppress';
type ReviewingSignal = 'policy-block' | 'soft-threshold' | 'retries-exhausted';

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
 * The soft bounces of the window (oldest first) that the processed one brings past the threshold,
 * in the order to apply them: the one that crossed it (the first past the threshold, by time) and
 * the processed one when it came after that. Every soft bounce past the threshold is applied in
 * the end, whatever order they arrive in: each one's place in the window only rises as older
 * ones arrive, so it is either past the threshold when it arrives, or becomes the crossing one
 * when an older one does.
 */
export function softThresholdCrossings<T extends { readonly eventId: string }>(
  windowOldestFirst: readonly T[],
  processedEventId: string,
  threshold: number,
): T[] {
  return windowOldestFirst.filter((item, index) => index === threshold || (index > threshold && item.eventId === processedEventId));
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

type ReleaseFields = Pick<AddressState, 'releasedAt' | 'releasedBy' | 'releaseReason'>;

/** What one signal does to a record; `null`: nothing. */
interface Change {
  readonly status: SuppressionStatus;
  readonly reason: SuppressionReason;
  /** Whether the record takes the signal's evidence (else it keeps the evidence behind its reason). */
  readonly takesEvidence: boolean;
  /** Set by the signals that release; other changes clear the release fields. */
  readonly release?: ReleaseFields;
}

type TransitionRule = (state: AddressState | null, signal: AddressSignal) => Change | null;

/** How strongly a status holds an address: a signal may only raise it, except those that release. */
const HOLD: Readonly<Record<SuppressionStatus, number>> = { released: 0, review: 1, suppressed: 2 };
const RELEASING: ReadonlySet<SignalKind> = new Set(['delivery', 'release']);
/** What a person did rather than an event about the address: history keeps it, `count` does not count it. */
const PERSON_ACTIONS: ReadonlySet<SignalKind> = new Set(['release', 'manual-suppress']);

/** Evidence the person who released the address did not have: never hidden by the release, whatever its date. */
const NEW_DEAD_EVIDENCE: ReadonlySet<SignalKind> = new Set(['complaint', 'hard-bounce']);

/**
 * Whether a person's release stands against this signal: it does against
 * what the person could have weighed (anything dated before the release),
 * except a complaint or hard bounce not applied yet, which is new evidence
 * (a backlog or a DLQ redrive delivers it late). A release by a delivery, or a
 * manual suppression, never stands in the way.
 */
function releaseStands(state: AddressState | null, signal: AddressSignal): boolean {
  if (state?.status !== 'released' || state.releasedBy === DELIVERY_RELEASE) return false;
  if (signal.kind === 'manual-suppress' || NEW_DEAD_EVIDENCE.has(signal.kind)) return false;
  return time(signal.occurredAt) <= time(state.releasedAt);
}

/** How strongly an event's reason holds a suppressed address: the record keeps the strongest. */
const SUPPRESSION_RANK: Readonly<Partial<Record<SuppressionReason, number>>> = {
  complaint: 3,
  'hard-bounce': 2,
  'ses-suppression-list': 1,
};

const isEarlier = (a: string, b: string | null | undefined): boolean => b !== null && b !== undefined && time(a) < time(b);

/**
 * Suppress. On an address already suppressed:
 * - by a person: a complaint outranks the reason, otherwise nothing changes (an import can run twice);
 * - by an event: it is always recorded, and the record keeps the strongest reason (complaint, hard
 *   bounce, SES's account list) with the evidence of that reason's earliest event, so the record, its
 *   count and its history are the same whatever order the events arrive in. A reason set by a person
 *   stays (a complaint still outranks it).
 */
const suppress =
  (kind: SuppressingSignal): TransitionRule =>
  (state, signal) => {
    const reason = kind === 'manual-suppress' ? (signal.reason ?? REASON_OF[kind]) : REASON_OF[kind];
    if (state?.status !== 'suppressed') return { status: 'suppressed', reason, takesEvidence: true };
    const current = SUPPRESSION_RANK[state.reason];
    if (kind === 'manual-suppress' || current === undefined) {
      const kept = reason === 'complaint' ? 'complaint' : state.reason;
      if (kind === 'manual-suppress' && kept === state.reason) return null;
      return { status: 'suppressed', reason: kept, takesEvidence: kept !== state.reason };
    }
    const incoming = SUPPRESSION_RANK[reason] ?? 0;
    if (incoming > current) return { status: 'suppressed', reason, takesEvidence: true };
    const earliest = incoming === current && isEarlier(signal.occurredAt, state.evidenceAt);
    return { status: 'suppressed', reason: state.reason, takesEvidence: earliest };
  };

/**
 * Hold for review. A review is entered once; in a soft-bounce review every soft bounce past the
 * threshold is recorded, the earliest holding the evidence (so the record and its history do not
 * depend on the order they arrive in); otherwise only a later policy block moves its last-seen time.
 */
const review =
  (kind: ReviewingSignal): TransitionRule =>
  (state, signal) => {
    if (state?.status !== 'review') return { status: 'review', reason: REASON_OF[kind], takesEvidence: true };
    if (kind === 'soft-threshold' && state.reason === 'soft-bounce-threshold') {
      return { status: 'review', reason: state.reason, takesEvidence: isEarlier(signal.occurredAt, state.evidenceAt) };
    }
    // Still blocked: a later block moves the time a delivery must beat to clear the review.
    if (kind !== 'policy-block' || time(signal.occurredAt) <= time(state.lastSeenAt)) return null;
    return { status: 'review', reason: state.reason, takesEvidence: false };
  };

/** A delivery after the review began clears it: the mailbox takes mail. */
const clearReview: TransitionRule = (state, signal) => {
  if (state?.status !== 'review' || time(signal.occurredAt) <= time(state.lastSeenAt)) return null;
  return {
    status: 'released',
    reason: state.reason,
    takesEvidence: false,
    release: { releasedAt: signal.occurredAt, releasedBy: DELIVERY_RELEASE, releaseReason: 'delivered after review' },
  };
};

/** A person releases a held address; history keeps who and why. */
const releaseByPerson: TransitionRule = (state, signal) => {
  if (state === null || state.status === 'released') return null;
  return {
    status: 'released',
    reason: state.reason,
    takesEvidence: false,
    release: { releasedAt: signal.occurredAt, releasedBy: signal.actor ?? null, releaseReason: signal.note ?? null },
  };
};

/** One transition per signal kind. */
const TRANSITIONS: Readonly<Record<SignalKind, TransitionRule>> = {
  complaint: suppress('complaint'),
  'hard-bounce': suppress('hard-bounce'),
  'ses-suppressed': suppress('ses-suppressed'),
  'manual-suppress': suppress('manual-suppress'),
  'policy-block': review('policy-block'),
  'soft-threshold': review('soft-threshold'),
  'retries-exhausted': review('retries-exhausted'),
  delivery: clearReview,
  release: releaseByPerson,
};

/**
 * Apply a signal to an address's record. Pure: returns the next record and
 * the history entry, or null when nothing changes. The invariants every
 * transition keeps:
 * - an event already applied (redelivery) changes nothing;
 * - a weaker event never lowers the hold on an address (suppressed > review >
 *   released); only a delivery (a review) or a person releases;
 * - a person's release stands against signals dated before it, except a
 *   complaint or hard bounce not applied yet (see `releaseStands`);
 * - a complaint upgrades any reason; of events, a hard bounce upgrades SES's account list.
 */
export function applySignal(email: string, state: AddressState | null, signal: AddressSignal): Transition | null {
  if (state?.appliedEventIds.includes(signal.eventId)) return null;
  if (releaseStands(state, signal)) return null;
  const change = TRANSITIONS[signal.kind](state, signal);
  if (change === null) return null;
  if (state && !RELEASING.has(signal.kind) && HOLD[change.status] < HOLD[state.status]) return null;

  const takesEvidence = change.takesEvidence || state === null;
  const kept: Evidence = takesEvidence ? signal.evidence : state;
  const release: ReleaseFields =
    change.status === 'released'
      ? (change.release ?? {
          releasedAt: state?.releasedAt ?? null,
          releasedBy: state?.releasedBy ?? null,
          releaseReason: state?.releaseReason ?? null,
        })
      : { releasedAt: null, releasedBy: null, releaseReason: null };
  const { evidence } = signal;
  const history: HistoryEntry = {
    email,
    eventId: signal.eventId,
    at: signal.occurredAt,
    signal: signal.kind,
    fromStatus: state?.status ?? null,
    toStatus: change.status,
    reason: change.reason,
    category: evidence.category,
    rule: evidence.rule,
    smtpCode: evidence.smtpCode,
    enhancedCode: evidence.enhancedCode,
    diagnostic: evidence.diagnostic,
    campaign: evidence.campaign,
    messageId: evidence.messageId,
    actor: signal.actor ?? null,
    note: signal.note ?? null,
  };
  const next: AddressState = {
    email,
    status: change.status,
    reason: change.reason,
    ...pickEvidence(kept),
    evidenceAt: takesEvidence ? signal.occurredAt : (state.evidenceAt ?? null),
    firstSeenAt: state ? earlier(state.firstSeenAt, signal.occurredAt) : signal.occurredAt,
    lastSeenAt: state ? later(state.lastSeenAt, signal.occurredAt) : signal.occurredAt,
    count: (state?.count ?? 0) + (PERSON_ACTIONS.has(signal.kind) ? 0 : 1),
    ...release,
    appliedEventIds: [signal.eventId, ...(state?.appliedEventIds ?? [])].slice(0, APPLIED_EVENT_MEMORY),
    lastChange: history,
    lastChangePublished: false,
    version: (state?.version ?? 0) + 1,
  };
  return { next, history };
}
