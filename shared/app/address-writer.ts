import { applySignal, HISTORY_RETENTION_SECONDS, type AddressSignal, type AddressState, type HistoryEntry } from '../domain/index.js';
import { commitToTombstone, isErasedRecord, type ErasureDeps } from './erasure.js';
import type { DeferredPublish } from './address-event-batch.js';
import { addressEventOfRecord, publishEach, type DecisionEventSink } from './decision-events.js';
import { ContentionError, VersionConflictError } from './errors.js';
import type { AddressHasher, AddressRepository } from './ports.js';

const MAX_ATTEMPTS = 6;

/** How a commit may spare round trips when the caller knows more than the store's key. */
export interface CommitOptions {
  /**
   * The record as the caller last saw it (null: known absent), read in a batch or left by its own
   * previous commit. Used for the first attempt only: a stale one fails the version condition, and
   * every later attempt reads the record again.
   */
  readonly known?: AddressState | null;
  /**
   * Takes the new change's history entry instead of writing it at once, for one batched write later.
   * The caller must write it before it reports the event done; if it cannot, it fails the event back:
   * the record carries the entry (`lastChange`), and the redelivery puts it again.
   */
  readonly deferHistory?: (entry: HistoryEntry, expiresAt: number) => void;
  /** Tombstones of erased addresses: a signal about one changes its tombstone, never writes the address again. */
  readonly erasure?: ErasureDeps;
  /** `known` was read with the tombstones (`recordsOf`): null then means neither a record nor a tombstone. */
  readonly knownIncludesTombstones?: boolean;
  /**
   * Where each change is published as a decision event, after the record: the writer publishes it,
   * and a reader that finds the record's change not yet published (its writer crashed, or its
   * publish failed) publishes it again, with the same event id. A redelivered event that changes
   * nothing publishes nothing once its change went out. A failed publish throws (the caller fails
   * the event back; its redelivery publishes).
   */
  readonly events?: DecisionEventSink;
  /**
   * With `events`: the new change's event is handed to the caller, to go out with its batch's
   * (the record stays unpublished until the caller marks it). A change read unpublished is still
   * published here before a new change replaces it on the record; one the caller already holds is
   * left to the caller when nothing replaces it.
   */
  readonly deferPublish?: DeferredPublish;
  /**
   * With `events`: once the record is written, an event that neither went out nor was kept is
   * reported here instead of thrown (a person's change stands once stored): the record stays
   * `lastChangePublished: false`, and its next reader publishes the change.
   */
  readonly unpublished?: (error: Error) => void;
}

export interface Commit {
  readonly before: AddressState | null;
  readonly after: AddressState | null;
  readonly changed: boolean;
}

const historyExpiry = (entry: HistoryEntry): number => Math.floor(Date.parse(entry.at) / 1000) + HISTORY_RETENTION_SECONDS;

/**
 * Publishes the change that made this record, then notes on the record that it went out (only if
 * the record is still at this version: a newer change carries its own event). Returns the record
 * as stored now. An event the bus refused and the outbox keeps leaves the record unpublished (not
 * confirmed: its next reader publishes it again); one neither published nor kept throws.
 */
async function publishChange(
  addresses: AddressRepository,
  state: AddressState,
  events: DecisionEventSink,
  hasher: AddressHasher | undefined,
): Promise<AddressState> {
  const event = await addressEventOfRecord(state, hasher);
  if (!event) return state;
  const { unsent, kept = [], error } = await publishEach(events, [event]);
  if (unsent.length > 0) throw error ?? new Error('decision event neither published nor kept');
  if (kept.length > 0) return state;
  const published: AddressState = { ...state, lastChangePublished: true };
  try {
    await addresses.putState(published, state.version);
    return published;
  } catch (error) {
    if (error instanceof VersionConflictError) return state;
    throw error;
  }
}

/**
 * Read an address's record (or start from the one the caller knows), decide a
 * signal from it, apply it, and write the record under its version condition,
 * then the change's history entry (or hand it to the caller for a batched
 * write); on a lost race, read again.
 *
 * The record carries the history entry of the change that made it
 * (`lastChange`), so history never depends on one writer surviving: the
 * writer puts it after the record, and whoever next reads the record (a
 * redelivery of the same event after a crash, another instance that lost the
 * race on the same event, the next event for the address) puts it again before
 * going on. Every put has the entry's deterministic key, so writing it twice
 * is harmless, and no entry is ever written for a change that did not happen.
 */
export async function commitSignal(
  addresses: AddressRepository,
  email: string,
  decide: (state: AddressState | null) => Promise<AddressSignal | null> | AddressSignal | null,
  options: CommitOptions = {},
): Promise<Commit> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    let state = attempt === 0 && options.known !== undefined ? options.known : await addresses.getState(email);
    // An erased address has no record, only a tombstone: the signal goes there, and the address is never written again.
    if (options.erasure && (isErasedRecord(state) || (state === null && !(attempt === 0 && options.knownIncludesTombstones)))) {
      const erased = await commitToTombstone(email, decide, options.erasure);
      if (erased) return erased;
    }
    const signal = await decide(state);
    const transition = signal === null ? null : applySignal(email, state, signal);
    const previous = state?.lastChange ?? null;
    // The change this record came from may have lost its history write (its writer crashed, or it
    // was this very event, applied by a rival instance): put it again whenever an event bears on the record.
    if (previous && signal !== null) {
      await addresses.putHistory(previous, historyExpiry(previous));
      // Likewise its event, unless it is known to have gone out.
      if (options.events && state?.lastChangePublished === false) {
        const deferred = options.deferPublish;
        // Waiting to go out with this batch, and nothing replaces it: this event needs it out too.
        if (deferred && transition === null && deferred.holds(state)) deferred.defer(state);
        else {
          state = await publishChange(addresses, state, options.events, options.erasure?.hasher);
          deferred?.withdraw(state);
        }
      }
    }
    if (transition === null) return { before: state, after: state, changed: false };
    try {
      await addresses.putState(transition.next, state?.version ?? 0);
    } catch (error) {
      if (error instanceof VersionConflictError) continue;
      throw error;
    }
    if (options.deferHistory) options.deferHistory(transition.history, historyExpiry(transition.history));
    else await addresses.putHistory(transition.history, historyExpiry(transition.history));
    if (options.events && options.deferPublish) {
      options.deferPublish.defer(transition.next);
      return { before: state, after: transition.next, changed: true };
    }
    let after = transition.next;
    if (options.events) {
      try {
        after = await publishChange(addresses, transition.next, options.events, options.erasure?.hasher);
      } catch (error) {
        if (!options.unpublished) throw error;
        options.unpublished(error instanceof Error ? error : new Error(String(error)));
      }
    }
    return { before: state, after, changed: true };
  }
  throw new ContentionError(`address record kept changing under ${MAX_ATTEMPTS} attempts`);
}
