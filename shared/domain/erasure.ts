import {
  applySignal,
  NO_EVIDENCE,
  type AddressSignal,
  type AddressState,
  type SuppressionReason,
  type SuppressionStatus,
} from './address-state.js';
import type { Category } from './types.js';

/**
 * What is kept of an erased address: the verdict (do not mail, or held for
 * review), why, and when; never the address, its evidence or its history.
 * It is stored under a keyed hash of the address, so only someone who knows
 * the address (and the key) can find it again.
 */
export interface Tombstone {
  readonly status: SuppressionStatus;
  readonly reason: SuppressionReason;
  readonly category: Category | null;
  readonly firstSeenAt: string;
  readonly lastSeenAt: string;
  readonly erasedAt: string;
  readonly erasedBy: string | null;
  /** Why, in the operator's words (an erasure refuses a reason that holds an address). */
  readonly erasureReason: string | null;
  /** Set when a person released the address after its erasure. */
  readonly releasedAt: string | null;
  readonly releasedBy: string | null;
  /** Optimistic-concurrency version; 0 means "no tombstone yet". */
  readonly version: number;
}

const HOLD: Readonly<Record<SuppressionStatus, number>> = { released: 0, review: 1, suppressed: 2 };
const time = (iso: string): number => Date.parse(iso);
const earlier = (a: string, b: string): string => (time(a) <= time(b) ? a : b);
const later = (a: string, b: string): string => (time(a) >= time(b) ? a : b);

/**
 * The tombstone an erasure leaves: a held address (suppressed or in review)
 * keeps its verdict, merged with an earlier tombstone if there is one (the
 * stronger hold wins, a complaint outranks other reasons); an address that
 * may be mailed (released, or never held) leaves none, or the earlier one
 * unchanged.
 */
export function tombstoneOnErase(
  state: AddressState | null,
  existing: Tombstone | null,
  erasure: { readonly at: string; readonly by: string | null; readonly reason: string | null },
): Tombstone | null {
  const held = state !== null && state.status !== 'released';
  if (!held) return existing;
  const base: Tombstone = {
    status: state.status,
    reason: state.reason,
    category: state.category,
    firstSeenAt: state.firstSeenAt,
    lastSeenAt: state.lastSeenAt,
    erasedAt: erasure.at,
    erasedBy: erasure.by,
    erasureReason: erasure.reason,
    releasedAt: null,
    releasedBy: null,
    version: (existing?.version ?? 0) + 1,
  };
  if (existing === null) return base;
  const stronger = HOLD[existing.status] > HOLD[base.status] ? existing : base;
  return {
    ...base,
    status: stronger.status,
    reason: existing.reason === 'complaint' ? 'complaint' : stronger.reason,
    category: stronger.category,
    firstSeenAt: earlier(existing.firstSeenAt, base.firstSeenAt),
    lastSeenAt: later(existing.lastSeenAt, base.lastSeenAt),
  };
}

/** The tombstone seen as a record (no evidence, no history, no applied events), for the rules that decide on records. */
export function tombstoneRecord(email: string, tombstone: Tombstone): AddressState {
  return {
    email,
    status: tombstone.status,
    reason: tombstone.reason,
    ...NO_EVIDENCE,
    category: tombstone.category,
    firstSeenAt: tombstone.firstSeenAt,
    lastSeenAt: tombstone.lastSeenAt,
    count: 0,
    releasedAt: tombstone.releasedAt,
    releasedBy: tombstone.releasedBy,
    releaseReason: null,
    appliedEventIds: [],
    lastChange: null,
    version: tombstone.version,
  };
}

/**
 * A later signal about an erased address, applied to its tombstone with the
 * record rules (a complaint or hard bounce suppresses, a complaint upgrades
 * the reason, a person may release or suppress), except that no event lowers
 * a tombstone: a delivery never clears an erased address's review. Nothing
 * but the verdict and dates changes. Null: nothing changes.
 */
export function applyToTombstone(email: string, tombstone: Tombstone, signal: AddressSignal): Tombstone | null {
  if (signal.kind === 'delivery') return null;
  const transition = applySignal(email, tombstoneRecord(email, tombstone), signal);
  if (transition === null) return null;
  const { next } = transition;
  const changed =
    next.status !== tombstone.status ||
    next.reason !== tombstone.reason ||
    next.category !== tombstone.category ||
    next.firstSeenAt !== tombstone.firstSeenAt ||
    next.lastSeenAt !== tombstone.lastSeenAt ||
    next.releasedAt !== tombstone.releasedAt;
  if (!changed) return null;
  return {
    ...tombstone,
    status: next.status,
    reason: next.reason,
    category: next.category,
    firstSeenAt: next.firstSeenAt,
    lastSeenAt: next.lastSeenAt,
    releasedAt: next.releasedAt,
    releasedBy: next.releasedBy,
    version: tombstone.version + 1,
  };
}
