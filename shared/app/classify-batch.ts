import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { hash53, type CountedOutcome, type RecipientOutcome } from '../domain/index.js';
import { applyRecord, classifyRecord, recordCampaignCounters, type IngestDeps, type RecordResult } from './ingest.js';
import type { DeadLetterSink, LoggerPort, MetricsPort } from './ports.js';

export interface ClassifyBatchDeps extends IngestDeps {
  readonly deadLetters: DeadLetterSink;
  readonly logger: LoggerPort;
  readonly metrics: MetricsPort;
  readonly clock: () => Date;
}

const errorFields = (error: unknown) =>
  error instanceof Error ? { errorName: error.name, errorMessage: error.message } : { errorMessage: String(error) };

/**
 * The classify function's batch logic: each record is parsed, classified and
 * applied on its own (one bad record never fails the others); campaign
 * counters are then written once per counter item for the whole batch.
 *
 * Records that can never succeed (not JSON, not SES) are sent straight to the
 * DLQ with the reason as a message attribute and reported as done: retrying
 * them only delays the DLQ by maxReceiveCount × visibility timeout. If that
 * send fails, the record is reported failed and the queue's redrive policy
 * still gets it to the DLQ.
 */
export function createClassifyBatchHandler(deps: ClassifyBatchDeps): (event: SQSEvent) => Promise<SQSBatchResponse> {
  const { logger, metrics } = deps;
  return async (event) => {
    const now = deps.clock();
    const outcomesByRecord = new Map<string, readonly RecipientOutcome[]>();
    // Classification is pure and never throws; a bug in it must still fail only its own record.
    const classified = new Map<string, RecordResult | Error>(
      event.Records.map((record) => {
        try {
          return [record.messageId, classifyRecord(record.body, deps.tagNames)];
        } catch (error) {
          return [record.messageId, error instanceof Error ? error : new Error(String(error))];
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

    const handleRecord = async (record: SQSRecord): Promise<void> => {
      try {
        const result = classified.get(record.messageId) ?? new Error('record missing from the classified batch');
        if (result instanceof Error) throw result;
        if (result.status === 'invalid') {
          logger.error('Record can never succeed: sent to the DLQ', { messageId: record.messageId, reason: result.reason });
          metrics.count('RecordsInvalid', 1);
          await deps.deadLetters.send(record.body, result.reason, record.messageId);
          return;
        }
        if (result.status === 'ignored') {
          metrics.count('RecordsIgnored', 1);
          return;
        }
        await applyRecord(result.outcomes, deps, now, { inReview, changedInBatch });
        outcomesByRecord.set(record.messageId, result.outcomes);
        for (const outcome of result.outcomes) metrics.count(`Decision.${outcome.decision.category}`, 1);
      } catch (error) {
        logger.error('Record failed; the queue will deliver it again', { messageId: record.messageId, ...errorFields(error) });
        metrics.count('RecordsFailed', 1);
        throw error;
      }
    };

    const response = await processPartialResponse(event, handleRecord, new BatchProcessor(EventType.SQS), {
      throwOnFullBatchFailure: false,
      // In order: two events for one address in a batch apply as they were queued, the same on every run.
      processInParallel: false,
    });
    const failed = new Set(response.batchItemFailures.map((failure) => failure.itemIdentifier));

    const counted: CountedOutcome[] = [];
    for (const [sourceId, outcomes] of outcomesByRecord) {
      if (!failed.has(sourceId)) for (const outcome of outcomes) counted.push({ outcome, sourceId });
    }
    const firstId = event.Records[0]?.messageId ?? '';
    const counters = await recordCampaignCounters(counted, deps, hash53(firstId));
    for (const error of counters.errors) logger.error('Campaign counters not written; records will be delivered again', errorFields(error));
    for (const id of counters.failedSourceIds) failed.add(id);

    metrics.count('RecordsProcessed', event.Records.length - failed.size);
    metrics.flush();
    return { batchItemFailures: [...failed].map((itemIdentifier) => ({ itemIdentifier })) };
  };
}
