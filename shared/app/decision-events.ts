import type { Category, Finding, HistoryEntry, SignalKind, SuppressionReason, SuppressionStatus, Verdict } from '../domain/index.js';
import type { AddressHasher, LoggerPort } from './ports.js';

/**
 * Decisions published for other systems (a CRM mirroring bounced or paused
 * state). Version 1 of the schema; fields are only ever added.
 *
 * - `campaign.finding`: a finding is new, changed its verdict, or cleared
 *   (`verdict: "cleared"`); `finding` as in the health JSON plus `key`.
 * - `campaign.paused` / `campaign.resumed`: `pause` says why and who.
 * - `address.suppressed` / `address.review` / `address.released`: an address's
 *   record changed (the type is its new status); `id` is the address and the
 *   record version, so a re-publish of the same change has the same id.
 */
export type DecisionEvent =
  | {
      readonly version: 1;
      readonly type: 'campaign.finding';
      readonly id: string;
      readonly at: string;
      readonly campaign: string;
      readonly verdict: Verdict | 'cleared';
      readonly previous: Verdict | null;
      readonly finding: Finding & { readonly key: string };
    }
  | {
      readonly version: 1;
      readonly type: 'campaign.paused' | 'campaign.resumed';
      readonly id: string;
      readonly at: string;
      readonly campaign: string;
      readonly pause: { readonly reason: string; readonly actor: string; readonly automatic: boolean };
    }
  | AddressEvent
  | ErasedEvent;

/**
 * An address was erased (a data-protection request): systems that mirrored it from address events
 * must erase their copy too. It never carries the address, only its keyed hash (`addressKey`, the
 * key of its tombstone), which every address event carries as well, so a consumer finds its copy
 * by that key.
 */
export interface ErasedEvent {
  readonly version: 1;
  readonly type: 'address.erased';
  /** `erased:<addressKey>:<erasedAt>`: erasing the same held address again re-publishes the same id. */
  readonly id: string;
  /** When it was erased. */
  readonly at: string;
  readonly addressKey: string;
  /** Whether a tombstone keeps it held (suppressed or in review): it must not be mailed. */
  readonly kept: boolean;
  /** The status the tombstone keeps; null when nothing is kept. */
  readonly status: SuppressionStatus | null;
  readonly actor: string;
  /** Why (the request's reason; never holds an address). */
  readonly note: string;
}

/** One change of an address's record, for a CRM to mirror (it carries the address: never log it). */
export interface AddressEvent {
  readonly version: 1;
  readonly type: 'address.suppressed' | 'address.review' | 'address.released';
  readonly id: string;
  /** When the change happened (the event that caused it, or the person's action). */
  readonly at: string;
  readonly address: string;
  readonly status: SuppressionStatus;
  readonly previousStatus: SuppressionStatus | null;
  readonly reason: SuppressionReason;
  /** What changed it: a bounce kind, a complaint, a delivery, or a person (`manual-suppress`, `release`). */
  readonly signal: SignalKind;
  readonly campaign: string | null;
  readonly evidence: {
    readonly category: Category | null;
    readonly rule: string | null;
    readonly smtpCode: number | null;
    readonly enhancedCode: string | null;
    readonly diagnostic: string | null;
    readonly messageId: string | null;
  };
  /** Who, for a person's change; null otherwise. */
  readonly actor: string | null;
  readonly note: string | null;
  /** The address record's version after the change. */
  readonly recordVersion: number;
  /**
   * The keyed hash (HMAC-SHA256, hex) of the address: an `address.erased` event names the address
   * by it alone. Null where the pipeline runs without an erasure key.
   */
  readonly addressKey: string | null;
}

/** The event of the change that made record version `recordVersion`. */
export function addressEventOf(change: HistoryEntry, recordVersion: number, addressKey: string | null): AddressEvent {
  return {
    version: 1,
    type: `address.${change.toStatus}`,
    id: `address:${change.email}:${recordVersion}`,
    at: change.at,
    address: change.email,
    status: change.toStatus,
    previousStatus: change.fromStatus,
    reason: change.reason,
    signal: change.signal,
    campaign: change.campaign,
    evidence: {
      category: change.category,
      rule: change.rule,
      smtpCode: change.smtpCode,
      enhancedCode: change.enhancedCode,
      diagnostic: change.diagnostic,
      messageId: change.messageId,
    },
    actor: change.actor,
    note: change.note,
    recordVersion,
    addressKey,
  };
}

/** The event of the change that made this record, with the address's keyed hash when there is a hasher. */
export async function addressEventOfRecord(
  record: { readonly email: string; readonly version: number; readonly lastChange?: HistoryEntry | null },
  hasher?: AddressHasher,
): Promise<AddressEvent | null> {
  if (!record.lastChange) return null;
  return addressEventOf(record.lastChange, record.version, hasher ? await hasher.hash(record.email) : null);
}

export interface DecisionEventSink {
  /** Publishes every event, or throws. */
  publish(events: readonly DecisionEvent[]): Promise<void>;
  /**
   * Publishes what it can, entry by entry (a bus may refuse some entries of a call and take the
   * others): resolves with the events that did not go out. Optional: see `publishEach`.
   */
  publishEach?(events: readonly DecisionEvent[]): Promise<PublishOutcome>;
}

/** What a publish entry by entry left: the events that did not go out, and why (never an address: a name or code). */
export interface PublishOutcome {
  readonly unsent: readonly DecisionEvent[];
  /** Not published but kept in the outbox for a later run: handed over, not confirmed. */
  readonly kept?: readonly DecisionEvent[];
  readonly error?: Error;
}

const asError = (error: unknown): Error => (error instanceof Error ? error : new Error(String(error)));

/** Publishes entry by entry where the sink can; otherwise all or nothing. */
export async function publishEach(sink: DecisionEventSink, events: readonly DecisionEvent[]): Promise<PublishOutcome> {
  if (events.length === 0) return { unsent: [] };
  if (sink.publishEach) return sink.publishEach(events);
  try {
    await sink.publish(events);
    return { unsent: [] };
  } catch (error) {
    return { unsent: events, error: asError(error) };
  }
}

export const noDecisionEvents: DecisionEventSink = { publish: async () => {} };

/** The types of every event of schema version 1. */
export const DECISION_EVENT_TYPES = [
  'campaign.finding',
  'campaign.paused',
  'campaign.resumed',
  'address.suppressed',
  'address.review',
  'address.released',
  'address.erased',
] as const;

/**
 * Events whose publish failed, kept until a later run publishes them (the
 * decision they describe is already stored: it must not be undone, and the
 * event must not be lost). Keyed by event id, so keeping one twice is harmless.
 */
export interface DecisionOutbox {
  keep(events: readonly DecisionEvent[], now: Date): Promise<void>;
  /** Kept events, oldest id first, at most `limit`. */
  pending(now: Date, limit: number): Promise<DecisionEvent[]>;
  remove(ids: readonly string[]): Promise<void>;
}

/**
 * A sink that keeps in the outbox what the bus did not take (only those entries); an event is
 * unsent only when the outbox write failed too, and `publish` throws only then.
 */
export function withOutbox(sink: DecisionEventSink, outbox: DecisionOutbox, clock: () => Date, logger: LoggerPort): DecisionEventSink {
  const each = async (events: readonly DecisionEvent[]): Promise<PublishOutcome> => {
    const { unsent, error } = await publishEach(sink, events);
    if (unsent.length === 0) return { unsent: [] };
    try {
      await outbox.keep(unsent, clock());
    } catch (keepError) {
      return { unsent, error: asError(keepError) };
    }
    // Counts and types only: an address event's id and detail carry the address.
    logger.error('Decision events not published: kept for the next health run', {
      events: unsent.length,
      types: [...new Set(unsent.map((e) => e.type))],
      errorName: error?.name ?? 'Error',
    });
    return { unsent: [], kept: unsent };
  };
  return {
    publishEach: each,
    publish: async (events) => {
      const { unsent, error } = await each(events);
      if (unsent.length > 0) throw error ?? new Error(`${unsent.length} decision event(s) neither published nor kept`);
    },
  };
}

/**
 * Publishes what the outbox kept, then forgets what went out; returns how many went out. Entries
 * the bus refused stay kept (then it throws, after forgetting the others).
 */
export async function publishKept(sink: DecisionEventSink, outbox: DecisionOutbox, now: Date, limit = 100): Promise<number> {
  const kept = await outbox.pending(now, limit);
  if (kept.length === 0) return 0;
  const { unsent, error } = await publishEach(sink, kept);
  const unsentIds = new Set(unsent.map((event) => event.id));
  const sent = kept.filter((event) => !unsentIds.has(event.id));
  if (sent.length > 0) await outbox.remove(sent.map((event) => event.id));
  if (unsent.length > 0) throw error ?? new Error(`${unsent.length} kept decision event(s) not published`);
  return sent.length;
}
