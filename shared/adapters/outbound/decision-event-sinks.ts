import { PutEventsCommand, type EventBridgeClient, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { forEachLimited } from '../../app/concurrency.js';
import type { DecisionEvent, DecisionEventSink, PublishOutcome } from '../../app/decision-events.js';

/** The EventBridge `source` of every decision event. */
export const EVENT_SOURCE = 'bounce-pipeline';
/** PutEvents takes at most 10 entries per call... */
export const ENTRIES_PER_CALL = 10;
/** ...and at most 256 KB of entries per call (as EventBridge counts an entry's size: see entrySize). */
export const BYTES_PER_CALL = 256 * 1024;
/** PutEvents calls in flight at once for one publish. */
const CALLS_IN_FLIGHT = 8;

/** EventBridge refused some entries of a call (PutEvents answers 200 and names them). */
export class EntriesRefusedError extends Error {
  override readonly name = 'EntriesRefusedError';
}

/**
 * An entry's size as EventBridge counts it against the 256 KB of a call: 14 bytes for a Time,
 * plus the UTF-8 bytes of Source, DetailType and Detail (no Resources here).
 */
export function entrySize(entry: PutEventsRequestEntry): number {
  const bytes = (text: string | undefined) => (text === undefined ? 0 : Buffer.byteLength(text, 'utf8'));
  return (entry.Time ? 14 : 0) + bytes(entry.Source) + bytes(entry.DetailType) + bytes(entry.Detail);
}

/** Entries in calls of at most 10 and 256 KB, in order; an entry too large alone gets a call of its own (the bus refuses it). */
export function callsOf<T>(items: readonly T[], sizeOf: (item: T) => number): T[][] {
  const calls: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const item of items) {
    const size = sizeOf(item);
    if (current.length > 0 && (current.length === ENTRIES_PER_CALL || bytes + size > BYTES_PER_CALL)) {
      calls.push(current);
      current = [];
      bytes = 0;
    }
    current.push(item);
    bytes += size;
  }
  if (current.length > 0) calls.push(current);
  return calls;
}

/** Decision events on an EventBridge bus: `detail-type` is the event's type, `detail` the event. */
export class EventBridgeDecisionEvents implements DecisionEventSink {
  constructor(
    private readonly client: EventBridgeClient,
    private readonly busName: string,
  ) {}

  private entryOf(event: DecisionEvent): PutEventsRequestEntry {
    return {
      EventBusName: this.busName,
      Source: EVENT_SOURCE,
      DetailType: event.type,
      Time: new Date(event.at),
      Detail: JSON.stringify(event),
    };
  }

  async publish(events: readonly DecisionEvent[]): Promise<void> {
    const { unsent, error } = await this.publishEach(events);
    if (unsent.length > 0) throw error ?? new EntriesRefusedError(`EventBridge refused ${unsent.length} decision event(s)`);
  }

  /** As few PutEvents calls as the limits allow; a call that throws leaves all its entries unsent, a refused entry only itself. */
  async publishEach(events: readonly DecisionEvent[]): Promise<PublishOutcome> {
    const entries = events.map((event) => ({ event, entry: this.entryOf(event) }));
    const calls = callsOf(entries, ({ entry }) => entrySize(entry));
    // Per call, so the unsent come back in the order they were given.
    const unsentByCall: DecisionEvent[][] = calls.map(() => []);
    let firstError: Error | undefined;
    await forEachLimited(calls, CALLS_IN_FLIGHT, async (call, index) => {
      const unsent = unsentByCall[index] ?? [];
      try {
        const result = await this.client.send(new PutEventsCommand({ Entries: call.map(({ entry }) => entry) }));
        if ((result.FailedEntryCount ?? 0) === 0) return;
        // Result entries are in the order of the request's; a refused one has an ErrorCode.
        const refused = call.filter((_, i) => result.Entries?.[i]?.ErrorCode !== undefined);
        // A count without entries to match it: none can be told apart, so none counts as sent.
        const lost = refused.length > 0 ? refused : call;
        unsent.push(...lost.map(({ event }) => event));
        const codes = [...new Set((result.Entries ?? []).flatMap((entry) => (entry.ErrorCode ? [entry.ErrorCode] : [])))];
        firstError ??= new EntriesRefusedError(`EventBridge refused ${lost.length} decision event(s): ${codes.join(', ')}`);
      } catch (error) {
        unsent.push(...call.map(({ event }) => event));
        firstError ??= error instanceof Error ? error : new Error(String(error));
      }
    });
    const unsent = unsentByCall.flat();
    return firstError ? { unsent, error: firstError } : { unsent };
  }
}

/** Decision events as JSON Lines (the local runtime's DIR/events.jsonl). */
export class JsonLinesDecisionEvents implements DecisionEventSink {
  constructor(private readonly appendLines: (text: string) => Promise<void>) {}

  async publish(events: readonly DecisionEvent[]): Promise<void> {
    if (events.length > 0) await this.appendLines(events.map((event) => `${JSON.stringify(event)}\n`).join(''));
  }
}
