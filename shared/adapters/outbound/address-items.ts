import type { ListedAddress, SoftBounceItem } from '../../app/ports.js';
import {
  BOUNCE_CATEGORIES,
  NO_EVIDENCE,
  OUTCOME_CATEGORIES,
  PROVIDERS,
  SUPPRESSION_REASONS,
  SUPPRESSION_STATUSES,
  type AddressState,
  type Evidence,
  type HistoryEntry,
  type SignalKind,
} from '../../domain/index.js';

/**
 * Items read from the address table are checked field by field before the
 * domain sees them (never cast): a corrupt or foreign item fails with the
 * item type and the field in the message, never with the address.
 */
export class CorruptItemError extends Error {
  override readonly name = 'CorruptItemError';
  constructor(itemType: string, problem: string) {
    super(`${itemType} item: ${problem}`);
  }
}

type Item = Record<string, unknown>;

const CATEGORIES = [...BOUNCE_CATEGORIES, ...OUTCOME_CATEGORIES] as const;

const SIGNAL_KINDS: readonly SignalKind[] = [
  'complaint',
  'hard-bounce',
  'ses-suppressed',
  'manual-suppress',
  'policy-block',
  'soft-threshold',
  'retries-exhausted',
  'delivery',
  'release',
];

/** Typed readers for one item; each names the item type in its error. */
export function fieldsOf(itemType: string, item: Item) {
  const fail = (field: string, expected: string) => new CorruptItemError(itemType, `${field} is not ${expected}`);
  const string = (field: string): string => {
    const value = item[field];
    if (typeof value !== 'string') throw fail(field, 'a string');
    return value;
  };
  const optionalString = (field: string): string | null => {
    const value = item[field];
    if (value === undefined || value === null) return null;
    if (typeof value !== 'string') throw fail(field, 'a string or absent');
    return value;
  };
  const number = (field: string, fallback?: number): number => {
    const value = item[field] ?? fallback;
    if (typeof value !== 'number' || !Number.isFinite(value)) throw fail(field, 'a number');
    return value;
  };
  const optionalNumber = (field: string): number | null => {
    const value = item[field];
    if (value === undefined || value === null) return null;
    if (typeof value !== 'number') throw fail(field, 'a number or absent');
    return value;
  };
  const oneOf = <T extends string>(field: string, allowed: readonly T[]): T => {
    const value = item[field];
    if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) throw fail(field, `one of ${allowed.join(', ')}`);
    return value as T;
  };
  const optionalOneOf = <T extends string>(field: string, allowed: readonly T[]): T | null =>
    item[field] === undefined || item[field] === null ? null : oneOf(field, allowed);
  return { string, optionalString, number, optionalNumber, oneOf, optionalOneOf, fail };
}

/** The evidence fields of an item (category and provider are kept as the classifier wrote them). */
function evidenceFrom(itemType: string, item: Item): Evidence {
  const f = fieldsOf(itemType, item);
  return {
    category: f.optionalOneOf('category', CATEGORIES),
    rule: f.optionalString('rule'),
    smtpCode: f.optionalNumber('smtpCode'),
    enhancedCode: f.optionalString('enhancedCode'),
    diagnostic: f.optionalString('diagnostic'),
    provider: f.optionalOneOf('provider', PROVIDERS),
    campaign: f.optionalString('campaign'),
    messageId: f.optionalString('messageId'),
    feedbackId: f.optionalString('feedbackId'),
  };
}

/** A history entry, from an allow-list of its fields (keys and TTL are storage, not history). */
export function historyFromItem(item: Item): HistoryEntry {
  const f = fieldsOf('history', item);
  return {
    email: f.string('email'),
    eventId: f.string('eventId'),
    at: f.string('at'),
    signal: f.oneOf('signal', SIGNAL_KINDS),
    fromStatus: f.optionalOneOf('fromStatus', SUPPRESSION_STATUSES),
    toStatus: f.oneOf('toStatus', SUPPRESSION_STATUSES),
    reason: f.oneOf('reason', SUPPRESSION_REASONS),
    category: f.optionalOneOf('category', CATEGORIES),
    rule: f.optionalString('rule'),
    smtpCode: f.optionalNumber('smtpCode'),
    enhancedCode: f.optionalString('enhancedCode'),
    diagnostic: f.optionalString('diagnostic'),
    campaign: f.optionalString('campaign'),
    messageId: f.optionalString('messageId'),
    actor: f.optionalString('actor'),
    note: f.optionalString('note'),
  };
}

/** `lastChangePublished` as stored; absent (a record from before decision events) reads as absent: published. */
function publishedFrom(f: ReturnType<typeof fieldsOf>, item: Item): { lastChangePublished?: boolean } {
  const value = item.lastChangePublished;
  if (value === undefined || value === null) return {};
  if (typeof value !== 'boolean') throw f.fail('lastChangePublished', 'a boolean or absent');
  return { lastChangePublished: value };
}

/** The suppression record (`STATE` item). */
export function stateFromItem(item: Item): AddressState {
  const f = fieldsOf('address state', item);
  const applied = item.appliedEventIds ?? [];
  if (!Array.isArray(applied) || !applied.every((id) => typeof id === 'string')) throw f.fail('appliedEventIds', 'a list of strings');
  const lastChange = item.lastChange;
  if (lastChange !== undefined && lastChange !== null && typeof lastChange !== 'object') throw f.fail('lastChange', 'a map or absent');
  return {
    email: f.string('email'),
    status: f.oneOf('status', SUPPRESSION_STATUSES),
    reason: f.oneOf('reason', SUPPRESSION_REASONS),
    ...evidenceFrom('address state', item),
    firstSeenAt: f.string('firstSeenAt'),
    lastSeenAt: f.string('lastSeenAt'),
    count: f.number('count', 0),
    releasedAt: f.optionalString('releasedAt'),
    releasedBy: f.optionalString('releasedBy'),
    releaseReason: f.optionalString('releaseReason'),
    appliedEventIds: applied as string[],
    lastChange: lastChange ? historyFromItem(lastChange as Item) : null,
    ...publishedFrom(f, item),
    ...(item.evidenceAt === undefined ? {} : { evidenceAt: f.optionalString('evidenceAt') }),
    version: f.number('version', 0),
  };
}

/** A record as the status index projects it (LISTED_FIELDS). */
export function listedFromItem(item: Item): ListedAddress {
  const f = fieldsOf('listed address', item);
  return {
    email: f.string('email'),
    status: f.oneOf('status', SUPPRESSION_STATUSES),
    reason: f.oneOf('reason', SUPPRESSION_REASONS),
    category: f.optionalOneOf('category', CATEGORIES),
    campaign: f.optionalString('campaign'),
    firstSeenAt: f.string('firstSeenAt'),
    lastSeenAt: f.string('lastSeenAt'),
  };
}

/** The state fields that are stored: what `stateFromItem` reads back, nothing else. */
export function stateToItem(state: AddressState): Item {
  const { lastChange, ...fields } = state;
  return { ...fields, lastChange: lastChange ? historyToItem(lastChange) : null };
}

export function historyToItem(entry: HistoryEntry): Item {
  return { ...entry };
}

/** One soft bounce in the rolling window; `expiresAt` is also the TTL attribute. */
export function softBounceFromItem(email: string, item: Item, ttlAttribute: string): SoftBounceItem {
  const f = fieldsOf('soft bounce', item);
  const evidence = item.evidence;
  if (evidence !== undefined && (typeof evidence !== 'object' || evidence === null)) throw f.fail('evidence', 'a map or absent');
  return {
    email,
    eventId: f.string('eventId'),
    occurredAt: f.string('occurredAt'),
    evidence: evidence ? evidenceFrom('soft bounce evidence', evidence as Item) : NO_EVIDENCE,
    expiresAt: f.number(ttlAttribute),
  };
}
