import {
  aggregateCounters,
  DEFAULT_TAG_NAMES,
  DELIVERY_DELAY_RETENTION_SECONDS,
  domainOf,
  evidenceOf,
  isSoftBounce,
  parseNotification,
  recipientOutcomes,
  remainingCounts,
  retryLinkOf,
  signalOf,
  SOFT_BOUNCE_THRESHOLD,
  SOFT_BOUNCE_WINDOW_SECONDS,
  type AddressSignal,
  type CounterIncrement,
  type CountedOutcome,
  type RecipientOutcome,
  type RetryLink,
  type TagNames,
} from '../domain/index.js';
import { commitSignal } from './address-writer.js';
import { ContentionError } from './errors.js';
import type { AddressRepository, CampaignCounterRepository, DeliveryDelayRepository } from './ports.js';

export interface IngestDeps {
  readonly addresses: AddressRepository;
  readonly delays: DeliveryDelayRepository;
  readonly counters: CampaignCounterRepository;
  readonly tagNames?: TagNames;
}

export type RecordResult =
  /** `retryLink`: the logical message a retry send belongs to (from its tags), or null. */
  | { readonly status: 'processed'; readonly outcomes: readonly RecipientOutcome[]; readonly retryLink: RetryLink | null }
  | { readonly status: 'ignored'; readonly reason: string }
  /** Can never succeed: goes to the DLQ with this reason. */
  | { readonly status: 'invalid'; readonly reason: string };

/** Attempts at a conditional counter update before the records are failed back to the queue. */
const MAX_COUNTER_ATTEMPTS = 6;
/** Tokens per conditional counter update: keeps the expression under DynamoDB's 4 KB limit. */
const TOKENS_PER_UPDATE = 25;

const epochSeconds = (iso: string, plusSeconds: number): number => Math.floor(Date.parse(iso) / 1000) + plusSeconds;

/**
 * Apply one outcome to its address: soft-bounce window, state and history.
 * Every write has a deterministic key or a version condition, so running it
 * again (redelivery, or a retry after a crash between any two writes)
 * leaves exactly what one run leaves.
 */
export async function applyAddressEffects(outcome: RecipientOutcome, deps: IngestDeps, now: Date, hints: AddressHints = {}): Promise<void> {
  const { addresses } = deps;
  const email = outcome.recipient;
  // A delivery only matters to an address in review; the batch already knows which those are.
  if (outcome.eventType === 'Delivery' && hints.inReview && !hints.inReview.has(email) && !hints.changedInBatch?.has(email)) return;
  if (outcome.eventType === 'DeliveryDelay') {
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
    return;
  }
  const soft = isSoftBounce(outcome);
  if (!soft && signalOf(outcome) === null) return;

  let windowWritten = false;
  await commitSignal(addresses, email, async (state): Promise<AddressSignal | null> => {
    if (!soft) {
      const kind = signalOf(outcome);
      return kind === null ? null : { kind, eventId: outcome.eventId, occurredAt: outcome.occurredAt, evidence: evidenceOf(outcome) };
    }
    if (state?.status === 'suppressed') return null; // nothing a soft bounce can change
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
    // The threshold is crossed by the newest soft bounce in the window, whichever record is being
    // processed: a redelivered older bounce then reproduces exactly the same change.
    return signalOf(outcome, window.count, SOFT_BOUNCE_THRESHOLD) === 'soft-threshold' && window.newest
      ? { kind: 'soft-threshold', eventId: window.newest.eventId, occurredAt: window.newest.occurredAt, evidence: window.newest.evidence }
      : null;
  });
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
  return { status: 'processed', outcomes: recipientOutcomes(event, tagNames), retryLink: retryLinkOf(event.mail.tags) };
}

/** Apply a record's outcomes to their addresses, in order. */
export async function applyRecord(
  outcomes: readonly RecipientOutcome[],
  deps: IngestDeps,
  now: Date,
  hints: AddressHints = {},
): Promise<void> {
  for (const outcome of outcomes) await applyAddressEffects(outcome, deps, now, hints);
}

async function writeOutcomeIncrement(increment: CounterIncrement, counters: CampaignCounterRepository): Promise<void> {
  const tokens = [...increment.perToken.keys()];
  for (let start = 0; start < tokens.length; start += TOKENS_PER_UPDATE) {
    const chunk = new Map(tokens.slice(start, start + TOKENS_PER_UPDATE).map((token) => [token, increment.perToken.get(token) ?? []]));
    let pending = remainingCounts(chunk, new Set());
    for (let attempt = 0; pending.tokens.length > 0; attempt++) {
      if (await counters.addOutcomes(increment.key, pending.counts, pending.tokens)) break;
      if (attempt >= MAX_COUNTER_ATTEMPTS) throw new ContentionError('outcome counter kept conflicting');
      // Some of these events were counted before (redelivery): count only the others.
      pending = remainingCounts(chunk, await counters.countedTokens(increment.key));
    }
  }
}

/**
 * Write a batch's campaign counters: one aggregated update per counter item.
 * Returns the ids of the records whose counts could not be written, so the
 * caller reports them as failures and the queue delivers them again (the
 * outcome counters ignore what they already hold; volume counters may then
 * count a record twice, which the README states).
 */
export interface CounterWriteResult {
  readonly failedSourceIds: ReadonlySet<string>;
  readonly errors: readonly unknown[];
}

export async function recordCampaignCounters(
  items: readonly CountedOutcome[],
  deps: IngestDeps,
  volumeShard: number,
): Promise<CounterWriteResult> {
  const failed = new Set<string>();
  const errors: unknown[] = [];
  const increments = aggregateCounters(items, volumeShard);
  await Promise.all(
    increments.map(async (increment) => {
      try {
        await deps.counters.markActive(increment.key.campaign, increment.key.hour);
        if (increment.key.kind === 'volume') await deps.counters.addVolume(increment.key, increment.counts);
        else await writeOutcomeIncrement(increment, deps.counters);
      } catch (error) {
        errors.push(error);
        for (const id of increment.sourceIds) failed.add(id);
      }
    }),
  );
  return { failedSourceIds: failed, errors };
}
