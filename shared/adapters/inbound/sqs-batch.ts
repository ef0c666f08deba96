import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { BatchLimits, BatchResult, QueuedRecord } from '../../app/classify-batch.js';

/** A record the use case reported failed: the queue delivers it again. */
export class RecordFailedError extends Error {
  override readonly name = 'RecordFailedError';
}

/**
 * The SQS event source's edge: hands the batch's records to a use case and
 * turns the ids it reports failed into Lambda's partial batch response
 * (Powertools' batch processor, so a batch whose every record failed is
 * reported the way the event source expects).
 */
export function sqsBatchHandler(
  processBatch: (records: readonly QueuedRecord[], limits?: BatchLimits) => Promise<BatchResult>,
): (event: SQSEvent, context?: { getRemainingTimeInMillis(): number }) => Promise<SQSBatchResponse> {
  return async (event, context) => {
    // The use case stops starting new work near the function timeout and fails the rest back.
    const limits: BatchLimits = context ? { remainingMs: () => context.getRemainingTimeInMillis() } : {};
    const { failedIds } = await processBatch(
      event.Records.map((record) => ({ id: record.messageId, body: record.body })),
      limits,
    );
    const report = async (record: SQSRecord): Promise<void> => {
      if (failedIds.has(record.messageId)) throw new RecordFailedError(`record ${record.messageId} failed`);
    };
    return processPartialResponse(event, report, new BatchProcessor(EventType.SQS), { throwOnFullBatchFailure: false });
  };
}
