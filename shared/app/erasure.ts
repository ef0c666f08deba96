import {
  applyToTombstone,
  redactAddresses,
  tombstoneOnErase,
  tombstoneRecord,
  type AddressSignal,
  type AddressState,
  type Category,
  type SuppressionReason,
  type SuppressionStatus,
  type Tombstone,
} from '../domain/index.js';
import type { Commit } from './address-writer.js';
import type { DecisionEventSink, ErasedEvent } from './decision-events.js';
import { ContentionError, NotFoundError, ValidationError } from './errors.js';
import type { AddressHasher, AddressRepository, ErasedItems, ErasureStore, LoggerPort } from './ports.js';

/** What reading and writing erased addresses needs: the keyed hash and the tombstones. */
export interface ErasureDeps {
  readonly hasher: AddressHasher;
  readonly store: ErasureStore;
}

const MAX_ATTEMPTS = 6;

/** Length of the hash prefix logs carry (enough to follow one erasure, far too little to test addresses against). */
export const LOGGED_KEY_CHARS = 12;

/** Records made from tombstones: the address is erased, so nothing may write its data again. */
const erasedRecords = new WeakSet<AddressState>();

/** Whether a record came from a tombstone (the address was erased). */
export const isErasedRecord = (state: AddressState | null): boolean => state !== null && erasedRecords.has(state);

function recordFrom(email: string, tombstone: Tombstone): AddressState {
  const record = tombstoneRecord(email, tombstone);
  erasedRecords.add(record);
  return record;
}

/** The address's tombstone, if it was erased. */
export async function tombstoneOf(email: string, erasure: ErasureDeps): Promise<Tombstone | null> {
  return erasure.store.getTombstone(await erasure.hasher.hash(email));
}

/** What every reader sees: the address's record, else its tombstone seen as a record, else null. */
export async function recordOf(email: string, addresses: AddressRepository, erasure?: ErasureDeps): Promise<AddressState | null> {
  const state = await addresses.getState(email);
  if (state !== null || !erasure) return state;
  const tombstone = await tombstoneOf(email, erasure);
  return tombstone ? recordFrom(email, tombstone) : null;
}

/** `recordOf` for many addresses: batched reads of records, then of the tombstones of those without one. */
export async function recordsOf(
  emails: readonly string[],
  addresses: AddressRepository,
  erasure?: ErasureDeps,
): Promise<Map<string, AddressState>> {
  const states = await addresses.getStates(emails);
  const missing = [...new Set(emails.filter((email) => !states.has(email)))];
  if (!erasure || missing.length === 0) return states;
  const keys = await Promise.all(missing.map((email) => erasure.hasher.hash(email)));
  const tombstones = await erasure.store.getTombstones(keys);
  missing.forEach((email, i) => {
    const tombstone = tombstones.get(keys[i] as string);
    if (tombstone) states.set(email, recordFrom(email, tombstone));
  });
  return states;
}

/**
 * The tombstone side of `commitSignal`: a signal about an erased address
 * changes its tombstone only (never writes the address again). Null when the
 * address has no tombstone, so its record is written as usual.
 */
export async function commitToTombstone(
  email: string,
  decide: (state: AddressState | null) => Promise<AddressSignal | null> | AddressSignal | null,
  erasure: ErasureDeps,
): Promise<Commit | null> {
  const key = await erasure.hasher.hash(email);
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const tombstone = await erasure.store.getTombstone(key);
    if (tombstone === null) return null;
    const before = recordFrom(email, tombstone);
    const signal = await decide(before);
    const next = signal === null ? null : applyToTombstone(email, tombstone, signal);
    if (next === null) return { before, after: before, changed: false };
    if (await erasure.store.putTombstone(key, next, tombstone.version)) return { before, after: recordFrom(email, next), changed: true };
  }
  throw new ContentionError(`tombstone kept changing under ${MAX_ATTEMPTS} attempts`);
}

export interface ErasureResult {
  readonly email: string;
  /** Whether a tombstone keeps the verdict: false when the address was not held (it may be mailed, and nothing is kept). */
  readonly kept: boolean;
  readonly suppressed: boolean;
  readonly status: SuppressionStatus | null;
  readonly reason: SuppressionReason | null;
  readonly category: Category | null;
  readonly firstSeenAt: string | null;
  readonly lastSeenAt: string | null;
  readonly erasedAt: string;
  readonly deleted: ErasedItems;
}

export interface EraseDeps {
  readonly addresses: AddressRepository;
  readonly erasure: ErasureDeps;
  readonly clock: () => Date;
  readonly logger: LoggerPort;
  /** Where the erasure is published (`address.erased`, by keyed hash only); none: not published. */
  readonly events?: DecisionEventSink;
}

/** The event that tells systems mirroring address events to erase their copy: the keyed hash, never the address. */
export function erasedEventOf(
  key: string,
  tombstone: Tombstone | null,
  request: { readonly note: string; readonly actor: string },
  at: string,
): ErasedEvent {
  const erasedAt = tombstone?.erasedAt ?? at;
  return {
    version: 1,
    type: 'address.erased',
    id: `erased:${key}:${erasedAt}`,
    at: erasedAt,
    addressKey: key,
    kept: tombstone !== null,
    status: tombstone?.status ?? null,
    actor: tombstone?.erasedBy ?? request.actor,
    note: tombstone?.erasureReason ?? request.note,
  };
}

const deletedAny = (items: ErasedItems): boolean => Object.values(items).some((count) => count > 0);

/**
 * Data-protection erasure: deletes every item that holds the address in
 * clear, and keeps the verdict of a held address (suppressed or in review)
 * in a tombstone under its keyed hash, so it is never mailed again. An
 * address that may be mailed leaves no tombstone. Erasing again changes
 * nothing (it deletes what was written meanwhile). NotFoundError when
 * nothing at all is known about the address.
 */
export async function erase(email: string, request: { note: string; actor: string }, deps: EraseDeps): Promise<ErasureResult> {
  if (redactAddresses(request.note) !== request.note)
    throw new ValidationError('invalid body', ['body.reason: must not hold an email address (it is kept after the erasure)']);
  const { store, hasher } = deps.erasure;
  const key = await hasher.hash(email);
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const [state, existing] = await Promise.all([deps.addresses.getState(email), store.getTombstone(key)]);
    const at = deps.clock().toISOString();
    const tombstone = tombstoneOnErase(state, existing, { at, by: request.actor, reason: request.note });
    // Tombstone first: a crash after it leaves the data (erasing again deletes it), never an unsuppressed address.
    if (tombstone !== existing && tombstone !== null && !(await store.putTombstone(key, tombstone, existing?.version ?? 0))) continue;
    // Then the systems that mirror the address are told, before its data goes: if this fails (bus and outbox
    // both), nothing is deleted yet and erasing again publishes it again (the same id for a held address).
    if (deps.events && (state !== null || existing !== null)) await deps.events.publish([erasedEventOf(key, tombstone, request, at)]);
    const deleted = await store.deleteAddressData(email, state?.version ?? 0);
    if (deleted === null) continue; // an event changed the record meanwhile: the tombstone takes it in
    if (tombstone === null && !deletedAny(deleted)) throw new NotFoundError(`no record for ${email}`);
    deps.logger.info('Address erased', { key: key.slice(0, LOGGED_KEY_CHARS), kept: tombstone !== null, ...deleted });
    return {
      email,
      kept: tombstone !== null,
      suppressed: tombstone !== null && tombstone.status !== 'released',
      status: tombstone?.status ?? null,
      reason: tombstone?.reason ?? null,
      category: tombstone?.category ?? null,
      firstSeenAt: tombstone?.firstSeenAt ?? null,
      lastSeenAt: tombstone?.lastSeenAt ?? null,
      erasedAt: tombstone?.erasedAt ?? at,
      deleted,
    };
  }
  throw new ContentionError(`address record kept changing under ${MAX_ATTEMPTS} attempts`);
}
