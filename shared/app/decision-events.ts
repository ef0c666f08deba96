import type { Finding, Verdict } from '../domain/index.js';
import type { LoggerPort } from './ports.js';

/**
 * Decisions published for other systems (a CRM mirroring bounced or paused
 * state). Version 1 of the schema; fields are only ever added.
 *
 * - `campaign.finding`: a finding is new, changed its verdict, or cleared
 *   (`verdict: "cleared"`); `finding` as in the health JSON plus `key`.
 * - `campaign.paused` / `campaign.resumed`: `pause` says why and who.
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
    };

export interface DecisionEventSink {
  publish(events: readonly DecisionEvent[]): Promise<void>;
}

export const noDecisionEvents: DecisionEventSink = { publish: async () => {} };

/** The types of every event of schema version 1. */
export const DECISION_EVENT_TYPES = ['campaign.finding', 'campaign.paused', 'campaign.resumed'] as const;

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

/** A sink that keeps in the outbox what it cannot publish; it throws only when the outbox fails too. */
export function withOutbox(sink: DecisionEventSink, outbox: DecisionOutbox, clock: () => Date, logger: LoggerPort): DecisionEventSink {
  return {
    publish: async (events) => {
      if (events.length === 0) return;
      try {
        await sink.publish(events);
      } catch (error) {
        await outbox.keep(events, clock());
        // Ids and types only: an address event's id and detail carry the address.
        logger.error('Decision events not published: kept for the next health run', {
          events: events.length,
          types: [...new Set(events.map((e) => e.type))],
          errorName: (error as Error).name,
        });
      }
    },
  };
}

/** Publishes what the outbox kept, then forgets it; returns how many went out. */
export async function publishKept(sink: DecisionEventSink, outbox: DecisionOutbox, now: Date, limit = 100): Promise<number> {
  const kept = await outbox.pending(now, limit);
  if (kept.length === 0) return 0;
  await sink.publish(kept);
  await outbox.remove(kept.map((event) => event.id));
  return kept.length;
}
