import type { AddressState } from '../domain/index.js';
import { addressEventOfRecord, publishEach, type AddressEvent, type DecisionEventSink } from './decision-events.js';
import { forEachLimited } from './concurrency.js';
import { VersionConflictError } from './errors.js';
import type { AddressHasher, AddressRepository } from './ports.js';

/**
 * How a commit hands its change's event to its caller, to go out with the other changes of a
 * batch (PutEvents takes 10 entries a call) instead of one publish per change. The record stays
 * `lastChangePublished: false` until then, so a crash before the batch publishes loses nothing:
 * the next reader of the record publishes it.
 */
export interface DeferredPublish {
  /** The caller publishes this record's change later (and marks the record published). */
  defer(state: AddressState): void;
  /** Whether this record's change is waiting to go out with the batch. */
  holds(state: AddressState): boolean;
  /** The commit published this record's change itself (a later change of the address came first): not again. */
  withdraw(state: AddressState): void;
}

/** What publishing a batch's changes left undone. */
export interface AddressEventsFlush {
  /** Events published. */
  readonly published: number;
  /** Events the bus refused that the outbox keeps for the next health run (their records stay unpublished). */
  readonly kept: number;
  /** The sources (queue records) of changes neither published nor kept: their redelivery publishes them. */
  readonly unpublishedSources: ReadonlySet<string>;
  readonly unpublished: number;
  /** Why some were not published (a name or code, never an address). */
  readonly error?: Error;
  /** Records published but not marked so (the next reader publishes them again, same id). */
  readonly marksFailed: number;
}

/** Records marked published at once. */
const MARKS_IN_FLIGHT = 32;

const keyOf = (state: AddressState): string => `${state.email}\u0000${state.version}`;

/** The address changes of one batch, published together after it. */
export class AddressEventBatch {
  private readonly pending = new Map<string, { readonly state: AddressState; readonly sources: Set<string> }>();

  /** The deferral for the changes one queue record makes. */
  forSource(sourceId: string): DeferredPublish {
    return {
      defer: (state) => {
        if (!state.lastChange) return;
        const entry = this.pending.get(keyOf(state)) ?? { state, sources: new Set<string>() };
        entry.sources.add(sourceId);
        this.pending.set(keyOf(state), entry);
      },
      holds: (state) => this.pending.has(keyOf(state)),
      withdraw: (state) => void this.pending.delete(keyOf(state)),
    };
  }

  get size(): number {
    return this.pending.size;
  }

  /**
   * Publishes every pending change's event in as few calls as the sink allows, then marks each
   * record whose event went out published, under its version condition: a record that moved on
   * carries a newer change of its own. Never throws: what could not be published is in the result.
   */
  async flush(sink: DecisionEventSink, addresses: AddressRepository, hasher?: AddressHasher): Promise<AddressEventsFlush> {
    const pending = [...this.pending.values()];
    this.pending.clear();
    let changes: Array<{ readonly state: AddressState; readonly sources: ReadonlySet<string>; readonly event: AddressEvent }>;
    try {
      changes = (
        await Promise.all(
          pending.map(async ({ state, sources }) => {
            const event = await addressEventOfRecord(state, hasher);
            return event ? [{ state, sources, event }] : [];
          }),
        )
      ).flat();
    } catch (error) {
      // No event could be built (the erasure key could not be read): none goes out, every record stays unpublished.
      return {
        published: 0,
        kept: 0,
        unpublished: pending.length,
        unpublishedSources: new Set(pending.flatMap(({ sources }) => [...sources])),
        marksFailed: 0,
        error: error instanceof Error ? error : new Error(String(error)),
      };
    }
    const {
      unsent,
      kept = [],
      error,
    } = await publishEach(
      sink,
      changes.map(({ event }) => event),
    );
    const unsentIds = new Set(unsent.map((event) => event.id));
    // Kept in the outbox is not confirmed: those records stay unpublished, and their next reader publishes them again.
    const keptIds = new Set(kept.map((event) => event.id));
    const unpublishedSources = new Set<string>();
    const toMark: AddressState[] = [];
    for (const { state, sources, event } of changes) {
      if (unsentIds.has(event.id)) for (const source of sources) unpublishedSources.add(source);
      else if (!keptIds.has(event.id)) toMark.push(state);
    }
    let marksFailed = 0;
    await forEachLimited(toMark, MARKS_IN_FLIGHT, async (state) => {
      try {
        await addresses.putState({ ...state, lastChangePublished: true }, state.version);
      } catch (markError) {
        if (!(markError instanceof VersionConflictError)) marksFailed++;
      }
    });
    return {
      published: changes.length - unsentIds.size - keptIds.size,
      kept: keptIds.size,
      unpublished: unsentIds.size,
      unpublishedSources,
      marksFailed,
      ...(error ? { error } : {}),
    };
  }
}
