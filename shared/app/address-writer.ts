import { applySignal, HISTORY_RETENTION_SECONDS, type AddressSignal, type AddressState, type HistoryEntry } from '../domain/index.js';
import { ContentionError, VersionConflictError } from './errors.js';
import type { AddressRepository } from './ports.js';

const MAX_ATTEMPTS = 6;

export interface Commit {
  readonly before: AddressState | null;
  readonly after: AddressState | null;
  readonly changed: boolean;
}

/**
 * Read an address's record, decide a signal from it, apply it and write the
 * history entry then the record under its version condition; on a lost race,
 * read again. History goes first: a crash before the record write leaves an
 * entry the retry rewrites with the same key. (If the process dies there *and*
 * another event changes the record before the retry, that entry can remain:
 * the one case left, two faults at once.)
 */
export async function commitSignal(
  addresses: AddressRepository,
  email: string,
  decide: (state: AddressState | null) => Promise<AddressSignal | null> | AddressSignal | null,
): Promise<Commit> {
  let written: HistoryEntry | null = null;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const state = await addresses.getState(email);
    const signal = await decide(state);
    const transition = signal === null ? null : applySignal(email, state, signal);
    // A lost race can turn the change this call already wrote history for into no change (or
    // another one): take that entry back so history only tells what happened.
    if (written && (transition === null || transition.history.eventId !== written.eventId || transition.history.at !== written.at)) {
      await addresses.deleteHistory(written);
      written = null;
    }
    if (transition === null) return { before: state, after: state, changed: false };
    const expiresAt = Math.floor(Date.parse(transition.history.at) / 1000) + HISTORY_RETENTION_SECONDS;
    await addresses.putHistory(transition.history, expiresAt);
    written = transition.history;
    try {
      await addresses.putState(transition.next, state?.version ?? 0);
      return { before: state, after: transition.next, changed: true };
    } catch (error) {
      if (!(error instanceof VersionConflictError)) throw error;
    }
  }
  throw new ContentionError(`address record kept changing under ${MAX_ATTEMPTS} attempts`);
}
