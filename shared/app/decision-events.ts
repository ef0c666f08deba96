import type { Finding, Verdict } from '../domain/index.js';

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
