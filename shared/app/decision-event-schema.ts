import { z } from 'zod';
import {
  BOUNCE_CATEGORIES,
  FINDING_PATTERNS,
  OUTCOME_CATEGORIES,
  SUPPRESSION_REASONS,
  SUPPRESSION_STATUSES,
  VERDICTS,
  type SignalKind,
} from '../domain/index.js';

/**
 * The decision events' schema (version 1), for consumers and tests. Not
 * imported by the functions (they build events by type):
 * docs/decision-events.schema.json is generated from it (`decisionEventJsonSchema`),
 * and a test holds every event the code builds to it, field for field. Later
 * versions only add fields: the JSON schema allows fields it does not name.
 */

const SIGNALS = {
  complaint: true,
  'hard-bounce': true,
  'ses-suppressed': true,
  'manual-suppress': true,
  'policy-block': true,
  'soft-threshold': true,
  'retries-exhausted': true,
  delivery: true,
  release: true,
} satisfies Record<SignalKind, true>;

const common = {
  version: z.literal(1),
  /** Stable per decision: a re-published event has the same id (deduplicate on it). */
  id: z.string().min(1),
  at: z.iso.datetime({ offset: true }),
};

/** HMAC-SHA256 of the normalised address under the stack's erasure key, lower-case hex. */
const ADDRESS_KEY = z.string().regex(/^[0-9a-f]{64}$/);

const FindingEvent = z.object({
  ...common,
  type: z.literal('campaign.finding'),
  campaign: z.string(),
  verdict: z.enum([...VERDICTS, 'cleared']),
  previous: z.enum(VERDICTS).nullable(),
  finding: z.object({
    pattern: z.enum(FINDING_PATTERNS),
    verdict: z.enum(VERDICTS),
    summary: z.string(),
    numbers: z.record(z.string(), z.union([z.number(), z.string()])),
    action: z.string(),
    key: z.string(),
  }),
});

const PauseEvent = z.object({
  ...common,
  type: z.enum(['campaign.paused', 'campaign.resumed']),
  campaign: z.string(),
  pause: z.object({ reason: z.string(), actor: z.string(), automatic: z.boolean() }),
});

const AddressEvent = z.object({
  ...common,
  type: z.enum(['address.suppressed', 'address.review', 'address.released']),
  address: z.string().min(3),
  status: z.enum(SUPPRESSION_STATUSES),
  previousStatus: z.enum(SUPPRESSION_STATUSES).nullable(),
  reason: z.enum(SUPPRESSION_REASONS),
  signal: z.enum(Object.keys(SIGNALS) as [SignalKind, ...SignalKind[]]),
  campaign: z.string().nullable(),
  evidence: z.object({
    category: z.enum([...BOUNCE_CATEGORIES, ...OUTCOME_CATEGORIES]).nullable(),
    rule: z.string().nullable(),
    smtpCode: z.number().int().nullable(),
    enhancedCode: z.string().nullable(),
    diagnostic: z.string().nullable(),
    messageId: z.string().nullable(),
  }),
  actor: z.string().nullable(),
  note: z.string().nullable(),
  recordVersion: z.number().int().min(1),
  /** The keyed hash (HMAC-SHA256, hex) of the address, as `address.erased` names it; null without an erasure key. */
  addressKey: ADDRESS_KEY.nullable(),
});

/** An address was erased: erase every copy of the address whose events carried this `addressKey`. Never the address. */
const ErasedEvent = z.object({
  ...common,
  type: z.literal('address.erased'),
  addressKey: ADDRESS_KEY,
  /** A tombstone keeps it held (suppressed or in review): never mail it. */
  kept: z.boolean(),
  status: z.enum(SUPPRESSION_STATUSES).nullable(),
  actor: z.string(),
  note: z.string(),
});

export const DecisionEventSchema = z.discriminatedUnion('type', [FindingEvent, PauseEvent, AddressEvent, ErasedEvent]);

/** The JSON Schema (draft 2020-12) of docs/decision-events.schema.json. */
export const decisionEventJsonSchema = (): unknown => ({
  ...z.toJSONSchema(DecisionEventSchema, { io: 'input' }),
  title: 'Decision event of the bounce pipeline (EventBridge detail, or one line of DIR/events.jsonl)',
});
