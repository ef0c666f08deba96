import { domainOf } from './address.js';
import type { RecipientOutcome } from './outcomes.js';

/**
 * Campaign counters. Two kinds, kept on different items:
 *
 * - *volume* (sends, deliveries, delays, rejects): high volume, counted
 *   at least once; one aggregated increment per campaign-hour per batch;
 * - *outcome* (hard and soft bounces, blocks, complaints, already
 *   suppressed): counted exactly once: each event's token is added to the
 *   counter item in the same atomic update as its counts, conditional on the
 *   token not being there yet. Sharded by token so no item grows hot or big.
 */
export type CounterKind = 'volume' | 'outcome';

export const VOLUME_METRICS = ['sends', 'deliveries', 'delays', 'rejects'] as const;
export const OUTCOME_METRICS = ['hardBounces', 'softBounces', 'blocks', 'complaints', 'alreadySuppressed', 'notSpam'] as const;
export type Metric = (typeof VOLUME_METRICS)[number] | (typeof OUTCOME_METRICS)[number];

/** Shard counts: fixed, so readers know every key without a scan. */
export const VOLUME_SHARDS = 4;
export const OUTCOME_SHARDS = 16;

/** The metric an outcome adds to, or null when it is not counted. */
export function metricOf(outcome: RecipientOutcome): Metric | null {
  const { eventType, decision } = outcome;
  switch (eventType) {
    case 'Send':
      return 'sends';
    case 'Delivery':
      return 'deliveries';
    case 'DeliveryDelay':
      return 'delays';
    case 'Reject':
      return 'rejects';
    case 'Complaint':
      if (decision.category === 'already-suppressed') return 'alreadySuppressed';
      return decision.category === 'complaint' ? 'complaints' : 'notSpam';
    case 'Bounce':
      // SES did not even try: recorded, but never part of the bounce rate.
      if (decision.category === 'already-suppressed') return 'alreadySuppressed';
      if (decision.suppress) return 'hardBounces';
      return decision.action === 'retry' ? 'softBounces' : 'blocks';
  }
}

export function kindOf(metric: Metric): CounterKind {
  return (VOLUME_METRICS as readonly string[]).includes(metric) ? 'volume' : 'outcome';
}

/** The hour bucket of an ISO time: `2026-11-20T10`. Invalid times fall in `unknown`. */
export function hourOf(iso: string): string {
  const millis = Date.parse(iso);
  return Number.isNaN(millis) ? 'unknown' : new Date(millis).toISOString().slice(0, 13);
}

/** Counter names one outcome adds 1 to: the metric and its breakdowns. */
export function counterNames(outcome: RecipientOutcome, metric: Metric): string[] {
  const names = [metric, `${metric}|provider|${outcome.decision.provider}`];
  if (kindOf(metric) === 'outcome') names.push(`${metric}|category|${outcome.decision.category}`);
  if (metric === 'delays') names.push(`${metric}|domain|${domainOf(outcome.recipient)}`);
  // The crossings campaign health looks for: reputation blocks per provider, full mailboxes per list.
  if (metric === 'blocks' && outcome.decision.category === 'reputation-block') names.push(`blocks|reputation|${outcome.decision.provider}`);
  if ((metric === 'softBounces' || metric === 'hardBounces') && /^mailbox-full/.test(outcome.decision.category)) {
    if (outcome.tags.batch !== null) names.push(`mailboxFull|batch|${outcome.tags.batch}`);
    if (outcome.tags.source !== null) names.push(`mailboxFull|source|${outcome.tags.source}`);
  }
  if (outcome.tags.batch !== null) names.push(`${metric}|batch|${outcome.tags.batch}`);
  if (outcome.tags.source !== null) names.push(`${metric}|source|${outcome.tags.source}`);
  return names;
}

/** cyrb53: a 53-bit string hash, pure and fast; collisions are negligible per counter item. */
export function hash53(value: string, seed = 0): number {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < value.length; i++) {
    const ch = value.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/** The short, stable token an event leaves on its counter item. */
export const eventToken = (eventId: string): string => hash53(eventId).toString(36);

export interface CounterKey {
  readonly campaign: string;
  readonly hour: string;
  readonly kind: CounterKind;
  readonly shard: number;
}

/** One aggregated increment: counts to add, and (outcome kind) the tokens of the events they come from. */
export interface CounterIncrement {
  readonly key: CounterKey;
  readonly counts: Readonly<Record<string, number>>;
  /** Outcome kind only: tokens of the events counted here, each exactly once. */
  readonly tokens: readonly string[];
  /** Outcome kind only: each event's own counts, so a partly-counted increment can be recomputed. */
  readonly perToken: ReadonlyMap<string, readonly string[]>;
  /** Ids of the input records behind this increment (to fail them if it cannot be written). */
  readonly sourceIds: ReadonlySet<string>;
}

export interface CountedOutcome {
  readonly outcome: RecipientOutcome;
  /** The queue record it came from. */
  readonly sourceId: string;
}

/** Campaign name used for mail sent without a campaign tag. */
export const UNTAGGED_CAMPAIGN = '(untagged)';

/**
 * Fold a batch's outcomes into one increment per counter item: one write per
 * campaign-hour per batch for volume, one per campaign-hour-shard touched for
 * outcomes. `volumeShard` spreads batches over the volume items.
 */
export function aggregateCounters(items: readonly CountedOutcome[], volumeShard: number): CounterIncrement[] {
  const increments = new Map<
    string,
    { key: CounterKey; counts: Record<string, number>; perToken: Map<string, string[]>; sourceIds: Set<string> }
  >();
  const seen = new Set<string>();
  for (const { outcome, sourceId } of items) {
    const metric = metricOf(outcome);
    if (metric === null) continue;
    // The same event twice in one batch (an SNS duplicate) counts once, for every kind.
    const duplicate = seen.has(outcome.eventId);
    seen.add(outcome.eventId);
    const kind = kindOf(metric);
    const token = eventToken(outcome.eventId);
    const key: CounterKey = {
      campaign: outcome.tags.campaign ?? UNTAGGED_CAMPAIGN,
      hour: hourOf(outcome.sentAt),
      kind,
      shard: kind === 'volume' ? volumeShard % VOLUME_SHARDS : hash53(outcome.eventId, 1) % OUTCOME_SHARDS,
    };
    const id = `${key.campaign}\u0000${key.hour}\u0000${key.kind}\u0000${key.shard}`;
    let increment = increments.get(id);
    if (!increment) {
      increment = { key, counts: {}, perToken: new Map(), sourceIds: new Set() };
      increments.set(id, increment);
    }
    increment.sourceIds.add(sourceId);
    if (duplicate) continue;
    const names = counterNames(outcome, metric);
    if (kind === 'outcome') increment.perToken.set(token, names);
    for (const name of names) increment.counts[name] = (increment.counts[name] ?? 0) + 1;
  }
  return [...increments.values()].map(({ key, counts, perToken, sourceIds }) => ({
    key,
    counts,
    tokens: [...perToken.keys()],
    perToken,
    sourceIds,
  }));
}

/** Counts of the events in `perToken` whose tokens are not in `alreadyCounted`. */
export function remainingCounts(
  perToken: ReadonlyMap<string, readonly string[]>,
  alreadyCounted: ReadonlySet<string>,
): { counts: Record<string, number>; tokens: string[] } {
  const counts: Record<string, number> = {};
  const tokens: string[] = [];
  for (const [token, names] of perToken) {
    if (alreadyCounted.has(token)) continue;
    tokens.push(token);
    for (const name of names) counts[name] = (counts[name] ?? 0) + 1;
  }
  return { counts, tokens };
}
