import {
  outcomeRejection,
  redactAddresses,
  type AddressState,
  type Category,
  type CountedOutcome,
  type HistoryEntry,
  type RecipientOutcome,
} from '../domain/index.js';
import {
  applyAddressEffects,
  classifyRecord,
  CounterShards,
  readsAddressState,
  recordCampaignCounters,
  writesAddressAside,
  type IngestDeps,
  type RecordResult,
} from './ingest.js';
import { AddressEventBatch } from './address-event-batch.js';
import { forEachLimited } from './concurrency.js';
import { isErasedRecord, recordOf, recordsOf } from './erasure.js';
import type { DeadLetterSink, HistoryWrite, LoggerPort, MetricsPort } from './ports.js';
import type { RetryScheduler } from './retry-scheduler.js';

export interface ClassifyBatchDeps extends IngestDeps {
  readonly deadLetters: DeadLetterSink;
  readonly logger: LoggerPort;
  readonly metrics: MetricsPort;
  readonly clock: () => Date;
  /** Schedules retries at `retry` decisions and follows retry sends; none: retries are not acted on. */
  readonly retries?: RetryScheduler;
  /** Addresses applied at the same time (each address's own events stay in time order). Default ADDRESS_CONCURRENCY. */
  readonly addressConcurrency?: number;
  /**
   * Read the batch's address records up front in batched reads and write the changes' history
   * entries in batched writes after the chains (default). False: every event reads its record and
   * writes its history itself, one round trip each (the path a failed batched read falls back to).
   */
  readonly readAhead?: boolean;
  /** Shards a campaign's counters spread over under contention (default COUNTER_SHARDS; 1: one item per counter). */
  readonly counterShards?: number;
}

/**
 * Default of ClassifyBatchDeps.addressConcurrency. Each address is its own DynamoDB partition, so
 * parallel addresses never contend with each other; the bound keeps one invocation under the SDK's
 * 50 sockets per client (with room for the counter and retry writes) and a burst of one batch at
 * 32 × 1–2 writes per round trip, far below a table's on-demand write throughput.
 */
export const ADDRESS_CONCURRENCY = 32;

/** The counter of one decision category (one metric per category, so a dashboard can stack them). */
export const decisionMetricName = (category: Category): string => `Decision.${category}`;

/** BatchGetItem reads at most 100 keys; this many such reads run at once. */
const KEYS_PER_READ = 100;
const READS_IN_FLIGHT = 4;

/** The history entry's identity (its key in the store). */
const historyId = (entry: HistoryEntry): string => `${entry.email}\u0000${entry.at}\u0000${entry.eventId}`;

/**
 * The records of these addresses in batched reads (null: no record). An address whose read failed
 * is left out: its events read their record themselves.
 */
async function readStatesAhead(deps: IngestDeps, emails: readonly string[]): Promise<Map<string, AddressState | null>> {
  const known = new Map<string, AddressState | null>();
  const chunks: string[][] = [];
  for (let start = 0; start < emails.length; start += KEYS_PER_READ) chunks.push(emails.slice(start, start + KEYS_PER_READ));
  await forEachLimited(chunks, READS_IN_FLIGHT, async (chunk) => {
    // Tombstones too: an erased address reads as its tombstone, and null means neither.
    const states = await recordsOf(chunk, deps.addresses, deps.erasure).catch(() => null);
    if (states) for (const email of chunk) known.set(email, states.get(email) ?? null);
  });
  return known;
}

/** One recipient's outcome, with the record it came from. */
interface Step {
  readonly recordId: string;
  readonly outcome: RecipientOutcome;
}

/** One queued record: its queue message id and body, whatever queue delivered it. */
export interface QueuedRecord {
  readonly id: string;
  readonly body: string;
}

/** The ids of the records that failed and must be delivered again; the others are done. */
export interface BatchResult {
  readonly failedIds: ReadonlySet<string>;
}

/** What the caller knows about its own time limit (a Lambda invocation's remaining time). */
export interface BatchLimits {
  /** Milliseconds left before the caller is cut off. */
  readonly remainingMs?: () => number;
}

export type ProcessBatch = (records: readonly QueuedRecord[], limits?: BatchLimits) => Promise<BatchResult>;

/**
 * No new address is started with less than this left: what is in flight
 * finishes, the counters are written, and the records not applied go back to
 * the queue instead of being cut off mid-write by the function timeout.
 */
export const TIME_RESERVE_MS = 8000;

// Error messages may quote input: addresses in them are masked.
const errorFields = (error: unknown) =>
  error instanceof Error
    ? { errorName: error.name, errorMessage: redactAddresses(error.message) }
    : { errorMessage: redactAddresses(String(error)) };

/**
 * The classify use case over one batch: each record is parsed and classified
 * on its own (one bad record never fails the others); the recipients' effects
 * are applied per address, different addresses in parallel, each address's
 * events in the order they happened (whatever order the queue handed them
 * over in, the same on every run), each event's retry effects right after its
 * address effects; campaign counters are then written once per counter for
 * the whole batch.
 *
 * Round trips: the records the batch touches are read up front in batched
 * reads (an event then starts from the record as read, or as the previous
 * event of its address left it; a stale one fails its version condition and
 * is read again), and the changes' history entries are written together after
 * the chains; an event whose entry could not be written is failed back, and
 * its redelivery writes it from the record (see commitSignal).
 *
 * Records that can never succeed (not JSON, not SES) are sent straight to the
 * DLQ with the reason and reported as done: retrying them only delays the DLQ
 * by maxReceiveCount × visibility timeout. If that send fails, the record is
 * reported failed and the queue's redrive policy still gets it to the DLQ.
 */
export function createProcessBatch(deps: ClassifyBatchDeps): ProcessBatch {
  const { logger, metrics } = deps;
  // Per container, as Lambda keeps it: the shard each campaign's counters moved to (see CounterShards).
  const shards = new CounterShards(deps.counterShards);
  return async (records, limits = {}) => {
    const outOfTime = () => limits.remainingMs !== undefined && limits.remainingMs() < TIME_RESERVE_MS;
    const now = deps.clock();
    const outcomesByRecord = new Map<string, readonly RecipientOutcome[]>();
    const failed = new Set<string>();
    // Classification is pure and never throws; a bug in it must still fail only its own record.
    const classified = new Map<string, RecordResult | Error>(
      records.map((record) => {
        try {
          return [record.id, classifyRecord(record.body, deps.tagNames)];
        } catch (error) {
          return [record.id, error instanceof Error ? error : new Error(String(error))];
        }
      }),
    );
    const allOutcomes = [...classified.values()].flatMap((result) =>
      !(result instanceof Error) && result.status === 'processed' ? result.outcomes : [],
    );
    const delivered = allOutcomes.filter((o) => o.eventType === 'Delivery').map((o) => o.recipient);
    // Only events that can change a record (a Send, a Reject or a delay cannot): a delivery of an address this
    // batch only sent to needs no read. In a stream where sends and deliveries arrive together, most do.
    const changedInBatch = new Set(allOutcomes.filter((o) => o.eventType !== 'Delivery' && readsAddressState(o)).map((o) => o.recipient));
    // If this read fails, every delivery reads its own record instead.
    const inReview = delivered.length === 0 ? new Set<string>() : await deps.addresses.inReview(delivered).catch(() => undefined);

    // Records that can never succeed, or need nothing, are settled first; the others become per-address chains.
    const chains = new Map<string, Step[]>();
    const applied = new Map<string, Extract<RecordResult, { status: 'processed' }>>();
    const recordFailed = (recordId: string, error: unknown) => {
      if (failed.has(recordId)) return;
      logger.error('Record failed; the queue will deliver it again', { messageId: recordId, ...errorFields(error) });
      metrics.count('RecordsFailed', 1);
      failed.add(recordId);
    };
    for (const record of records) {
      try {
        const result = classified.get(record.id) ?? new Error('record missing from the classified batch');
        if (result instanceof Error) throw result;
        if (result.status === 'invalid') {
          logger.error('Record can never succeed: sent to the DLQ', { messageId: record.id, reason: redactAddresses(result.reason) });
          metrics.count('RecordsInvalid', 1);
          await deps.deadLetters.send(record.body, result.reason, record.id);
          continue;
        }
        if (result.status === 'ignored') {
          metrics.count('RecordsIgnored', 1);
          continue;
        }
        // A recipient the pipeline cannot store or believe is rejected on its own; the others apply.
        const rejections = result.outcomes.flatMap((outcome, i) => {
          const reason = outcomeRejection(outcome, now);
          return reason === null ? [] : [`recipient ${i + 1}: ${reason}`];
        });
        const accepted =
          rejections.length === 0 ? result.outcomes : result.outcomes.filter((outcome) => outcomeRejection(outcome, now) === null);
        if (rejections.length > 0) {
          const reason = `${rejections.length} ${rejections.length === 1 ? 'recipient' : 'recipients'} rejected: ${rejections.join('; ')}`;
          logger.error('Recipients rejected: record sent to the DLQ for them', { messageId: record.id, reason });
          metrics.count('RecipientsRejected', rejections.length);
          await deps.deadLetters.send(record.body, reason, record.id);
        }
        applied.set(record.id, { ...result, outcomes: accepted });
        for (const outcome of accepted) {
          const chain = chains.get(outcome.recipient) ?? [];
          chain.push({ recordId: record.id, outcome });
          chains.set(outcome.recipient, chain);
        }
      } catch (error) {
        recordFailed(record.id, error);
      }
    }

    // One address's events apply in the order they happened, not the order the queue handed them over
    // (arbitrary for a standard queue): a review and a delivery minutes later, in one batch, end released.
    const at = (link: { readonly outcome: RecipientOutcome }) => Date.parse(link.outcome.occurredAt) || 0;
    for (const chain of chains.values()) chain.sort((a, b) => at(a) - at(b));

    const hints = { inReview, changedInBatch };
    const readAhead = deps.readAhead ?? true;
    // The records this batch will read, in a few batched reads up front instead of one read per event.
    const known = readAhead
      ? await readStatesAhead(
          deps,
          [...chains]
            .filter(([, chain]) =>
              chain.some(({ outcome }) => readsAddressState(outcome, hints) || (deps.erasure !== undefined && writesAddressAside(outcome))),
            )
            .map(([email]) => email),
        )
      : new Map<string, AddressState | null>();
    // History entries of the changes, written together after the chains (see CommitOptions.deferHistory).
    const deferred: Array<HistoryWrite & { readonly recordId: string }> = [];
    // Their decision events, published together after the chains too (see CommitOptions.deferPublish).
    const addressEvents = deps.events ? new AddressEventBatch() : null;

    // Different addresses in parallel (bounded); one address's events one after another, in time order.
    // When one fails, its later events wait for the redelivery too, so they never apply ahead of it.
    await forEachLimited([...chains.entries()], deps.addressConcurrency ?? ADDRESS_CONCURRENCY, async ([email, chain]) => {
      let broken = false;
      // The record as this chain last saw it; undefined: not known, read it.
      let state = known.has(email) ? known.get(email) : undefined;
      for (const { recordId, outcome } of chain) {
        if (broken) {
          recordFailed(recordId, new Error('an earlier event for the same address failed'));
          continue;
        }
        if (outOfTime()) {
          broken = true;
          recordFailed(recordId, new Error('time budget spent: left for the redelivery'));
          continue;
        }
        try {
          // Retry state and delay records hold the address in clear: an erased address's tombstone must be seen first.
          if (deps.erasure && state === undefined && writesAddressAside(outcome))
            state = await recordOf(email, deps.addresses, deps.erasure);
          const deferPublish = addressEvents?.forSource(recordId);
          const commit = await applyAddressEffects(outcome, deps, now, hints, {
            ...(state === undefined ? {} : { known: state, knownIncludesTombstones: true }),
            ...(deferPublish ? { deferPublish } : {}),
            // A delivery's change is written at once: its redelivery may skip the record (not in review any more).
            ...(readAhead && outcome.eventType !== 'Delivery'
              ? { deferHistory: (entry: HistoryEntry, expiresAt: number) => deferred.push({ entry, expiresAt, recordId }) }
              : {}),
          });
          if (commit) state = commit.after;
          const retries = deps.retries;
          // No retry state or timer for an erased address: they would hold the address again.
          if (retries && !isErasedRecord(state ?? null)) {
            // After this event's address effects, so a give-up sees the address as this event left it.
            const sent = applied.get(recordId);
            await retries.afterOutcomes([outcome], sent?.retryLink ?? null, now, {
              bodyHash: sent?.bodyHash ?? null,
              ...(deferPublish ? { deferPublish } : {}),
            });
            // A give-up writes the record too: read it again before the next event.
            if (outcome.eventType === 'Bounce') state = undefined;
          }
        } catch (error) {
          broken = true;
          recordFailed(recordId, error);
        }
      }
    });
    if (deferred.length > 0) {
      const { unwritten, errors } = await deps.addresses.putHistories(deferred);
      for (const error of errors) logger.error('History entries not written; their records will be delivered again', errorFields(error));
      const unwrittenKeys = new Set(unwritten.map((entry) => historyId(entry)));
      for (const { entry, recordId } of deferred) {
        if (unwrittenKeys.has(historyId(entry))) recordFailed(recordId, new Error('history entry not written'));
      }
    }
    if (addressEvents && deps.events && addressEvents.size > 0) {
      const flush = await addressEvents.flush(deps.events, deps.addresses, deps.erasure?.hasher);
      if (flush.unpublished > 0) {
        // Counts and a name only: the events carry addresses.
        logger.error('Decision events neither published nor kept; their records will be delivered again', {
          events: flush.unpublished,
          records: flush.unpublishedSources.size,
          errorName: flush.error?.name ?? 'Error',
        });
      }
      for (const recordId of flush.unpublishedSources) recordFailed(recordId, new Error('decision event neither published nor kept'));
      if (flush.marksFailed > 0) logger.warn('Published decision events not marked on their records', { records: flush.marksFailed });
    }
    for (const [recordId, { outcomes }] of applied) {
      if (failed.has(recordId)) continue;
      outcomesByRecord.set(recordId, outcomes);
      for (const outcome of outcomes) metrics.count(decisionMetricName(outcome.decision.category), 1);
    }

    const counted: CountedOutcome[] = [];
    for (const [sourceId, outcomes] of outcomesByRecord) {
      for (const outcome of outcomes) counted.push({ outcome, sourceId });
    }
    const counters = await recordCampaignCounters(counted, deps, now, shards);
    for (const error of counters.errors) logger.error('Campaign counters not written; records will be delivered again', errorFields(error));
    for (const id of counters.failedSourceIds) failed.add(id);

    metrics.count('RecordsProcessed', records.length - failed.size);
    metrics.flush();
    return { failedIds: failed };
  };
}
