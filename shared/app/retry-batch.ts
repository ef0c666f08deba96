import { maskAddress, parseTimer } from '../domain/index.js';
import type { ProcessBatch } from './classify-batch.js';
import type { DeadLetterSink, LoggerPort, MetricsPort } from './ports.js';
import type { RunRetryTimer, TimerResult } from './retry-runner.js';

/** The count metric of one timer outcome (`Retry.sent`, …, `Retry.failed`); the dashboard reads the same names. */
export const retryMetricName = (result: TimerResult | 'failed'): string => `Retry.${result}`;

export interface RetryBatchDeps {
  readonly runTimer: RunRetryTimer;
  readonly deadLetters: DeadLetterSink;
  readonly logger: LoggerPort;
  readonly metrics: MetricsPort;
  readonly clock: () => Date;
}

/**
 * The retry queue's batch: each timer on its own (one failure never fails
 * the others). A timer that throws (an SES call with an unknown outcome, a
 * store error) is reported failed and comes back after the visibility
 * timeout; its attempt stays claimed until SES's Send event or the grace
 * time decides. A body that is not a timer goes to the DLQ with the reason.
 */
export function createProcessRetryBatch(deps: RetryBatchDeps): ProcessBatch {
  const { logger, metrics } = deps;
  return async (records) => {
    const failed = new Set<string>();
    for (const record of records) {
      const parsed = parseTimer(record.body);
      if (!parsed.ok) {
        logger.error('Retry record can never succeed: sent to the DLQ', { messageId: record.id, reason: parsed.reason });
        try {
          await deps.deadLetters.send(record.body, parsed.reason, record.id);
        } catch {
          failed.add(record.id);
        }
        continue;
      }
      try {
        const result = await deps.runTimer(parsed.timer, deps.clock());
        metrics.count(retryMetricName(result), 1);
      } catch (error) {
        failed.add(record.id);
        metrics.count(retryMetricName('failed'), 1);
        logger.error('Retry timer failed; it will come back', {
          messageId: record.id,
          address: maskAddress(parsed.timer.email),
          attempt: parsed.timer.attempt,
          errorName: (error as Error).name,
        });
      }
    }
    metrics.flush();
    return { failedIds: failed };
  };
}
