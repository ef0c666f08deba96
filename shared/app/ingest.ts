import {
  counterUpdates,
  EMPTY_SKETCH,
  estimateDistinct,
  NO_COMBINED,
  planCombined,
  sameSketch,
  unionSketches,
  DEFAULT_TAG_NAMES,
  DELIVERY_DELAY_RETENTION_SECONDS,
  domainOf,
  evidenceOf,
  isSoftBounce,
  parseNotification,
  isHour,
  recipientOutcomes,
  retryBodyOf,
  retryLinkOf,
  signalOf,
  softThresholdCrossings,
  SOFT_BOUNCE_THRESHOLD,
  SOFT_BOUNCE_WINDOW_SECONDS,
  type AddressSignal,
  type AddressState,
  type CountedOutcome,
  type CounterUpdate,
  type DistinctSketch,
  type RecipientOutcome,
  type RetryLink,
  type TagNames,
} from '../domain/index.js';
import { commitSignal, type Commit, type CommitOptions } from './address-writer.js';
import { isErasedRecord, recordOf, type ErasureDeps } from './erasure.js';
import type { DecisionEventSink } from './decision-events.js';
import { ContentionError } from './errors.js';
import {
  combinedIdKey,
  counterIdKey,
  type AddressRepository,
  type CampaignCounterRepository,
  type CombinedId,
  type CounterId,
  type DeliveryDelayRepository,
  type StoredCombined,
} from './ports.js';

export interface IngestDeps {
  readonly addresses: AddressRepository;
  readonly delays: DeliveryDelayRepository;
  readonly counters: CampaignCounterRepository;
  readonly tagNames?: TagNames;
  /** Tombstones of erased addresses: events about one change its tombstone, never write the address again. */
  readonly erasure?: ErasureDeps;
  /** Where address changes are published as decision events; none: not published. */
  readonly events?: DecisionEventSink;
}

export type RecordResult =
  /**
   * `retryLink`: the logical message a retry send belongs to (from its tags), or null; `bodyHash`: the
   * stored message the send named (its `retry-body` tag), or null.
   */
  | {
      readonly status: 'processed';
      readonly outcomes: readonly RecipientOutcome[];
      readonly retryLink: RetryLink | null;
      readonly bodyHash: string | null;
    }
  | { readonly status: 'ignored'; readonly reason: string }
  /** Can never succeed: goes to the DLQ with this reason. */
  | { readonly status: 'invalid'; readonly reason: string };

/** Attempts at a conditional counter write before the records are failed back to the queue. */
const MAX_COUNTER_ATTEMPTS = 15;

const epochSeconds = (iso: string, plusSeconds: number): number => Math.floor(Date.parse(iso) / 1000) + plusSeconds;

/**
 * Whether applying this outcome reads (and may write) its address record: deliveries of addresses
 * not in review, delivery delays, and events that carry no signal (a send, a reputation block)
 * leave the record alone.
 */
export function readsAddressState(outcome: RecipientOutcome, hints: AddressHints = {}): boolean {
  const email = outcome.recipient;
  // A delivery only matters to an address in review; the batch already knows which those are.
  if (outcome.eventType === 'Delivery' && hints.inReview && !hints.inReview.has(email) && !hints.changedInBatch?.has(email)) return false;
  if (outcome.eventType === 'DeliveryDelay') return false;
  return isSoftBounce(outcome) || signalOf(outcome) !== null;
}

/**
 * Apply one outcome to its address: soft-bounce window, state and history.
 * Every write has a deterministic key or a version condition, so running it
 * again (redelivery, or a retry after a crash between any two writes)
 * leaves exactly what one run leaves. Resolves with the commit (the record
 * before and after), or null when the record was not read.
 */
export async function applyAddressEffects(
  outcome: RecipientOutcome,
  deps: IngestDeps,
  now: Date,
  hints: AddressHints = {},
  commit: CommitOptions = {},
): Promise<Commit | null> {
  const { addresses } = deps;
  const email = outcome.recipient;
  if (outcome.eventType === 'DeliveryDelay') {
    // An erased address's delay record would hold the address in clear again: its tombstone wins.
    if (deps.erasure && isErasedRecord(commit.known !== undefined ? commit.known : await recordOf(email, addresses, deps.erasure))) {
      return null;
    }
    await deps.delays.putDelay({
      domain: domainOf(email),
      eventId: outcome.eventId,
      occurredAt: outcome.occurredAt,
      email,
      category: outcome.decision.category,
      enhancedCode: outcome.decision.enhancedCode,
      campaign: outcome.tags.campaign,
      expiresAt: epochSeconds(outcome.occurredAt, DELIVERY_DELAY_RETENTION_SECONDS),
    });
    return null;
  }
  if (!readsAddressState(outcome, hints)) return null;
  const options: CommitOptions = {
    ...commit,
    ...(deps.erasure ? { erasure: deps.erasure } : {}),
    ...(deps.events ? { events: deps.events } : {}),
  };
  if (!isSoftBounce(outcome)) {
    return commitSignal(
      addresses,
      email,
      (): AddressSignal | null => {
        const kind = signalOf(outcome);
        return kind === null ? null : { kind, eventId: outcome.eventId, occurredAt: outcome.occurredAt, evidence: evidenceOf(outcome) };
      },
      options,
    );
  }

  let windowWritten = false;
  // Crossings the last decision found unapplied besides the one it returned: only then a second commit.
  let moreUnapplied = false;
  // The soft bounces this one brings past the threshold, applied one commit each (at most two).
  const pastThreshold = async (state: AddressState | null): Promise<AddressSignal | null> => {
    if (state?.status === 'suppressed') return null; // nothing a soft bounce can change
    if (isErasedRecord(state)) return null; // its window would hold the address again
    if (!windowWritten) {
      // Written before counting, so a retry after a crash counts it too.
      await addresses.putSoftBounce({
        email,
        eventId: outcome.eventId,
        occurredAt: outcome.occurredAt,
        evidence: evidenceOf(outcome),
        expiresAt: epochSeconds(outcome.occurredAt, SOFT_BOUNCE_WINDOW_SECONDS),
      });
      windowWritten = true;
    }
    const window = await addresses.softBounceWindow(email, now, state?.status === 'released' ? state.releasedAt : null);
    // Decided from the window, not from the processed bounce alone: a redelivered or late older
    // bounce reproduces exactly the changes the bounces in time order make. When all are applied
    // the last is still the signal: it bears on the record, so its writer's lost history entry is put again.
    const crossings = softThresholdCrossings(window.items, outcome.eventId, SOFT_BOUNCE_THRESHOLD);
    const unapplied = crossings.filter((item) => !state?.appliedEventIds.includes(item.eventId));
    moreUnapplied = unapplied.length > 1;
    const next = unapplied[0] ?? crossings.at(-1);
    return next ? { kind: 'soft-threshold', eventId: next.eventId, occurredAt: next.occurredAt, evidence: next.evidence } : null;
  };
  const first = await commitSignal(addresses, email, pastThreshold, options);
  if (!first.changed || !moreUnapplied) return first;
  const second = await commitSignal(addresses, email, pastThreshold, { ...options, known: first.after });
  return { before: first.before, after: second.after, changed: true };
}

/**
 * Whether applying this outcome writes the address in clear outside its record: a delivery delay's
 * record, or (with retries) the retry state and timeout delay of a temporary failure. An erased
 * address must not get them, so with erasure these outcomes read the record (or tombstone) first.
 */
export function writesAddressAside(outcome: RecipientOutcome): boolean {
  if (outcome.eventType === 'DeliveryDelay') return true;
  return (
    outcome.eventType === 'Bounce' && (outcome.decision.retryAfterSeconds !== null || outcome.decision.category === 'connection-timeout')
  );
}

/** What the batch learnt up front, to spare per-record reads. */
export interface AddressHints {
  /** Delivery recipients whose record is in review (read in one batched call); others need no read. */
  readonly inReview?: ReadonlySet<string>;
  /** Addresses that other records of the batch may change first: their deliveries always read. */
  readonly changedInBatch?: ReadonlySet<string>;
}

/** Parse one queue record and classify every recipient (pure). */
export function classifyRecord(body: string, tagNames: TagNames = DEFAULT_TAG_NAMES): RecordResult {
  const parsed = parseNotification(body);
  if (!parsed.ok) return { status: 'invalid', reason: parsed.error.reason };
  if (parsed.value.kind === 'ignored') return { status: 'ignored', reason: parsed.value.reason };
  const { event } = parsed.value;
  return {
    status: 'processed',
    outcomes: recipientOutcomes(event, tagNames),
    retryLink: retryLinkOf(event.mail.tags),
    bodyHash: retryBodyOf(event.mail.tags),
  };
}

/**
 * Shards a container may move a campaign's counters to. With a single shard, 20 concurrent
 * batches of one campaign lost 1.4 to 2.9 conditions per write that landed (dynalite,
 * test/support/counter-contention.ts); with 32 shards 4 to 13 %, with 64 about 2 to 4 %. Only
 * shards that writers met on hold items: a campaign written by one container at a time keeps one
 * combined item per hour (and one item per large counter).
 */
export const COUNTER_SHARDS = 64;
/** Campaigns whose shard a container remembers (a busy container forgets them all past this). */
const REMEMBERED_CAMPAIGNS = 10_000;

/**
 * Which shard this container writes each campaign's counters to. Shard 0 until a write loses its
 * condition to another writer; then another shard, kept for the campaign's next batches, so
 * concurrent containers spread over the shards while a campaign written by one at a time keeps
 * its items on one shard. Any shard is correct: readers merge shards by union.
 */
export class CounterShards {
  private readonly byCampaign = new Map<string, number>();

  constructor(
    private readonly shards = COUNTER_SHARDS,
    private readonly random: () => number = Math.random,
  ) {}

  of(campaign: string): number {
    return this.byCampaign.get(campaign) ?? 0;
  }

  /** After losing a condition on `shard`: another shard, chosen at random, for this and later writes. */
  moveAway(campaign: string, shard: number): number {
    if (this.shards <= 1) return 0;
    const pick = Math.floor(this.random() * (this.shards - 1));
    return this.remember(campaign, pick >= shard ? pick + 1 : pick);
  }

  private remember(campaign: string, shard: number): number {
    if (this.byCampaign.size >= REMEMBERED_CAMPAIGNS) this.byCampaign.clear();
    this.byCampaign.set(campaign, shard);
    return shard;
  }
}

/** A campaign-hour's share of a batch: the events it adds to each of its counters. */
interface HourUpdates {
  readonly campaign: string;
  readonly hour: string;
  readonly updates: readonly CounterUpdate[];
  readonly sourceIds: ReadonlySet<string>;
}

/** The combined item as read at a shard (undefined: none there). */
interface KnownCombined {
  readonly shard: number;
  readonly stored: StoredCombined | undefined;
  /** Read eventually consistent: own items are read so too (a stale read only fails its write). */
  readonly recent: boolean;
}

/**
 * Adds to counters' own items, each read, merged and written with a version condition; the first
 * alone, so that when another writer holds the shard one write learns it, not all of them. A counter
 * whose stored sketch already holds the events is not written (a replay costs a read). Resolves with
 * the names that landed.
 */
async function writeOwnItems(
  id: CombinedId,
  own: ReadonlyMap<string, DistinctSketch>,
  recent: boolean,
  counters: CampaignCounterRepository,
): Promise<Set<string>> {
  const landed = new Set<string>();
  if (own.size === 0) return landed;
  const ids = [...own.keys()].map((name): CounterId => ({ campaign: id.campaign, hour: id.hour, name, shard: id.shard }));
  const stored = await counters.readCounters(ids, { recent });
  const write = async (counter: CounterId) => {
    const held = stored.get(counterIdKey(counter));
    const before = held?.sketch ?? EMPTY_SKETCH;
    const after = unionSketches([before, own.get(counter.name) ?? EMPTY_SKETCH]);
    if ((held && sameSketch(before, after)) || (await counters.writeCounter(counter, after, estimateDistinct(after), held?.version ?? 0)))
      landed.add(counter.name);
  };
  const [first, ...rest] = ids;
  if (first) await write(first);
  if (landed.size > 0) await Promise.all(rest.map(write));
  return landed;
}

/**
 * Add a batch's events to one campaign-hour's counters (see planCombined): the own items of counters
 * out of the combined item (or moving out) first, then the combined item, each with a version
 * condition. On a conflict another writer holds this shard: move to another shard, read it strongly
 * and write there what has not landed yet. Any placement is correct: readers union a counter's
 * sketches wherever they are. Resolves with the shard the events went to.
 */
async function writeHourCounters(
  group: HourUpdates,
  known: KnownCombined,
  counters: CampaignCounterRepository,
  shards: CounterShards,
): Promise<number> {
  const pending = new Map(group.updates.map((update) => [update.name, update.hashes]));
  let { shard, stored, recent } = known;
  let read = true;
  for (let attempt = 0; ; attempt++) {
    const id: CombinedId = { campaign: group.campaign, hour: group.hour, shard };
    if (!read) stored = (await counters.readCombined([id])).get(combinedIdKey(id));
    const plan = planCombined(stored ?? NO_COMBINED, pending, (combined) => counters.combinedFits(id, combined));
    const landed = await writeOwnItems(id, plan.own, recent, counters);
    for (const name of landed) pending.delete(name);
    if (landed.size === plan.own.size) {
      if (!plan.changed || (await counters.writeCombined(id, plan.combined, stored?.version ?? 0))) return shard;
    }
    if (pending.size === 0) return shard;
    if (attempt + 1 >= MAX_COUNTER_ATTEMPTS) throw new ContentionError('campaign counter kept conflicting');
    // Past a few moves every shard is busy: back off with jitter as well.
    if (attempt >= 2) await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(1000, 10 * 1.7 ** attempt)));
    shard = shards.moveAway(group.campaign, shard);
    read = false;
    recent = false;
  }
}

/**
 * Write a batch's campaign counters: one read of the combined item of every campaign-hour the batch
 * touches, then per campaign-hour one conditional write of the combined item when it changed, and
 * one per large counter (its own item) that changed. Returns the ids of the records whose counts
 * could not be written, so the caller reports them as failures and the queue delivers them again
 * (harmless: a counted event never counts twice).
 */
export interface CounterWriteResult {
  readonly failedSourceIds: ReadonlySet<string>;
  readonly errors: readonly unknown[];
}

export async function recordCampaignCounters(
  items: readonly CountedOutcome[],
  deps: IngestDeps,
  now: Date,
  shards: CounterShards = new CounterShards(),
): Promise<CounterWriteResult> {
  const failed = new Set<string>();
  const errors: unknown[] = [];
  const updates = counterUpdates(items);
  if (updates.length === 0) return { failedSourceIds: failed, errors };
  const failAll = (error: unknown, sourceIds: Iterable<string>) => {
    errors.push(error);
    for (const id of sourceIds) failed.add(id);
  };
  const groups = new Map<string, { campaign: string; hour: string; updates: CounterUpdate[]; sourceIds: Set<string> }>();
  for (const update of updates) {
    const key = `${update.campaign}\u0000${update.hour}`;
    const group = groups.get(key) ?? { campaign: update.campaign, hour: update.hour, updates: [], sourceIds: new Set<string>() };
    group.updates.push(update);
    for (const id of update.sourceIds) group.sourceIds.add(id);
    groups.set(key, group);
  }
  const idOf = (group: HourUpdates, shard = shards.of(group.campaign)): CombinedId => ({
    campaign: group.campaign,
    hour: group.hour,
    shard,
  });
  let stored: Map<string, StoredCombined>;
  try {
    // Eventually consistent (half the price): a stale version only fails the conditional write, which then
    // moves to another shard and reads it strongly, as under contention. Shards merge by union, so either is correct.
    stored = await deps.counters.readCombined(
      [...groups.values()].map((group) => idOf(group)),
      { recent: true },
    );
  } catch (error) {
    failAll(
      error,
      updates.flatMap((update) => [...update.sourceIds]),
    );
    return { failedSourceIds: failed, errors };
  }
  // Each campaign is marked active in the hours its counters are bucketed by (the send hours) and in the hour
  // they changed: a late bounce or complaint of an old send is then seen by the health finder, which reads
  // the campaigns of recent hours only. One marker write per campaign-hour per container (the adapter caches).
  const changedHour = now.toISOString().slice(0, 13);
  const marks = new Map<string, { readonly campaign: string; readonly hour: string; readonly sourceIds: string[] }>();
  for (const u of updates) {
    for (const hour of new Set([u.hour, changedHour])) {
      const key = `${u.campaign}\u0000${hour}`;
      const mark = marks.get(key) ?? { campaign: u.campaign, hour, sourceIds: [] };
      mark.sourceIds.push(...u.sourceIds);
      marks.set(key, mark);
    }
  }
  // The campaign's period (when it ran, for lists and reports by period) follows the hours its counters are in.
  const periods = new Map<string, { readonly campaign: string; readonly hour: string; readonly sourceIds: string[] }>();
  for (const u of updates) {
    if (!isHour(u.hour)) continue;
    const key = `${u.campaign}\u0000${u.hour}`;
    const period = periods.get(key) ?? { campaign: u.campaign, hour: u.hour, sourceIds: [] };
    period.sourceIds.push(...u.sourceIds);
    periods.set(key, period);
  }
  const campaigns = new Map<string, HourUpdates[]>();
  for (const group of groups.values()) campaigns.set(group.campaign, [...(campaigns.get(group.campaign) ?? []), group]);
  await Promise.all([
    ...[...marks.values()].map((mark) =>
      deps.counters.markActive(mark.campaign, mark.hour).catch((error: unknown) => failAll(error, mark.sourceIds)),
    ),
    ...[...periods.values()].map((period) =>
      deps.counters.recordPeriod(period.campaign, period.hour).catch((error: unknown) => failAll(error, period.sourceIds)),
    ),
    ...[...campaigns.values()].map(async ([first, ...rest]) => {
      if (!first) return;
      const shard = shards.of(first.campaign);
      const asRead = (group: HourUpdates): KnownCombined => ({
        shard,
        stored: stored.get(combinedIdKey(idOf(group, shard))),
        recent: true,
      });
      // One campaign-hour first: when another container holds the shard, its writes learn it, not every hour's.
      const landed = await writeHourCounters(first, asRead(first), deps.counters, shards).catch((error: unknown) => {
        failAll(error, first.sourceIds);
        return shard;
      });
      let known = asRead;
      if (landed !== shard && rest.length > 0) {
        // The others were read on the lost shard: read them where the first one went.
        const ids = rest.map((group) => idOf(group, landed));
        try {
          const there = await deps.counters.readCombined(ids);
          known = (group) => ({ shard: landed, stored: there.get(combinedIdKey(idOf(group, landed))), recent: false });
        } catch (error) {
          failAll(
            error,
            rest.flatMap((group) => [...group.sourceIds]),
          );
          return;
        }
      }
      await Promise.all(
        rest.map((group) =>
          writeHourCounters(group, known(group), deps.counters, shards).catch((error: unknown) => failAll(error, group.sourceIds)),
        ),
      );
    }),
  ]);
  return { failedSourceIds: failed, errors };
}
