import { PutEventsCommand, type EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { DecisionEvent, DecisionEventSink } from '../../app/decision-events.js';

/** The EventBridge `source` of every decision event. */
export const EVENT_SOURCE = 'bounce-pipeline';
/** PutEvents takes at most 10 entries per call. */
const ENTRIES_PER_CALL = 10;

/** Decision events on an EventBridge bus: `detail-type` is the event's type, `detail` the event. */
export class EventBridgeDecisionEvents implements DecisionEventSink {
  constructor(
    private readonly client: EventBridgeClient,
    private readonly busName: string,
  ) {}

  async publish(events: readonly DecisionEvent[]): Promise<void> {
    for (let start = 0; start < events.length; start += ENTRIES_PER_CALL) {
      const chunk = events.slice(start, start + ENTRIES_PER_CALL);
      const result = await this.client.send(
        new PutEventsCommand({
          Entries: chunk.map((event) => ({
            EventBusName: this.busName,
            Source: EVENT_SOURCE,
            DetailType: event.type,
            Time: new Date(event.at),
            Detail: JSON.stringify(event),
          })),
        }),
      );
      if ((result.FailedEntryCount ?? 0) > 0) {
        const codes = (result.Entries ?? []).flatMap((entry) => (entry.ErrorCode ? [entry.ErrorCode] : []));
        throw new Error(`EventBridge refused ${result.FailedEntryCount} decision event(s): ${[...new Set(codes)].join(', ')}`);
      }
    }
  }
}

/** Decision events as JSON Lines (the local runtime's DIR/events.jsonl). */
export class JsonLinesDecisionEvents implements DecisionEventSink {
  constructor(private readonly appendLines: (text: string) => Promise<void>) {}

  async publish(events: readonly DecisionEvent[]): Promise<void> {
    if (events.length > 0) await this.appendLines(events.map((event) => `${JSON.stringify(event)}\n`).join(''));
  }
}
