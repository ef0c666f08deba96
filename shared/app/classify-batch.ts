import { hash53, type CountedOutcome, type RecipientOutcome } from '../domain/index.js';
import { applyRecord, classifyRecord, recordCampaignCounters, type IngestDeps, type RecordResult } from './ingest.js';
import type { DeadLetterSink, LoggerPort, MetricsPort } from './ports.js';
import type { RetryScheduler } from './retries.js';

export interface ClassifyBatchDeps extends IngestDeps {
  readonly deadLetters: DeadLetterSink;
  readonly logger: LoggerPort;
  readonly metrics: MetricsPort;
  readonly clock: () => Date;
  /** Schedules retries at `retry` decisions and follows retry sends; none: retries are not acted on. */
  readonly retries?: RetryScheduler;
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

export type ProcessBatch = (records: readonly QueuedRecord[]) => Promise<BatchResult>;

const errorFields = (error: unknown) =>
  error instanceof Error ? { errorName: error.name, errorMessage: error.message } : { errorMessage: String(error) };

/**
 * The classify use case over one batch: each record is parsed, classified and
 * applied on its own (one bad record never fails the others), in queue order
 * (two events for one address apply as they were queued, the same on every
 * run); campaign counters are then written once per counter item for the
 * whole batch.
 *
 * Records that can never succeed (not JSON, not SES) are sent straight to the
 * DLQ with the reason and reported as done: retrying them only delays the DLQ
 * by maxReceiveCount × visibility timeout. If that send fails, the record is
 * reported failed and the queue's redrive policy still gets it to the DLQ.
 */
export function createProcessBatch(deps: ClassifyBatchDeps): ProcessBatch {
  const { logger, metrics } = deps;
  return async (records) => {
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
    const changedInBatch = new Set(allOutcomes.filter((o) => o.eventType !== 'Delivery').map((o) => o.recipient));
    // If this read fails, every delivery reads its own record instead.
    const inReview = delivered.length === 0 ? new Set<string>() : await deps.addresses.inReview(delivered).catch(() => undefined);

    for (const record of records) {
      try {
        const result = classified.get(record.id) ?? new Error('record missing from the classified batch');
        if (result instanceof Error) throw result;
        if (result.status === 'invalid') {
          logger.error('Record can never succeed: sent to the DLQ', { messageId: record.id, reason: result.reason });
          metrics.count('RecordsInvalid', 1);
          await deps.deadLetters.send(record.body, result.reason, record.id);
          continue;
        }
        if (result.status === 'ignored') {
          metrics.count('RecordsIgnored', 1);
          continue;
        }
        await applyRecord(result.outcomes, deps, now, { inReview, changedInBatch });
        // After the address effects, so a give-up sees the address as this record left it.
        await deps.retries?.afterOutcomes(result.outcomes, result.retryLink, now);
        outcomesByRecord.set(record.id, result.outcomes);
        for (const outcome of result.outcomes) metrics.count(`Decision.${outcome.decision.category}`, 1);
      } catch (error) {
        logger.error('Record failed; the queue will deliver it again', { messageId: record.id, ...errorFields(error) });
        metrics.count('RecordsFailed', 1);
        failed.add(record.id);
      }
    }

    const counted: CountedOutcome[] = [];
    for (const [sourceId, outcomes] of outcomesByRecord) {
      for (const outcome of outcomes) counted.push({ outcome, sourceId });
    }
    const firstId = records[0]?.id ?? '';
    const counters = await recordCampaignCounters(counted, deps, hash53(firstId));
    for (const error of counters.errors) logger.error('Campaign counters not written; records will be delivered again', errorFields(error));
    for (const id of counters.failedSourceIds) failed.add(id);

    metrics.count('RecordsProcessed', records.length - failed.size);
    metrics.flush();
    return { failedIds: failed };
  };
}
