import { RETRY_STATE_RETENTION_SECONDS, timerDelaySeconds } from '../domain/index.js';
import type { LoggerPort } from './ports.js';
import type { DueRetryIndex, RetryTimerQueue } from './retry-ports.js';

export interface RetrySweeperDeps {
  readonly due: DueRetryIndex;
  readonly timers: RetryTimerQueue;
  readonly logger: LoggerPort;
}

export interface SweepResult {
  /** Timers enqueued by this run. */
  readonly enqueued: number;
  /** The check times this run covered: [from, until). */
  readonly from: string;
  readonly until: string;
}

export interface SweepOptions {
  /**
   * Every open state, whatever the cursor says and whoever enqueued its timer: for a queue that
   * lost its messages (the local runtime's in-memory one at start).
   */
  readonly full?: boolean;
}

/** One run of the sweeper. */
export type SweepDueRetries = (now: Date, options?: SweepOptions) => Promise<SweepResult>;

/**
 * The scheduled sweep: every open retry state whose check time falls before
 * now + one queue delay, and after what earlier sweeps covered, gets one timer
 * message with its exact remaining delay (0 when it is past). The cursor
 * moves only after the timers are on the queue: a crash in between sweeps the
 * same range again, and the duplicate timers are harmless (only one claims an
 * attempt). A state written after a sweep is never behind its cursor: a
 * writer enqueues itself what is due within one delay, the sweep's horizon.
 */
export function createRetrySweeper(deps: RetrySweeperDeps): SweepDueRetries {
  const { due, timers, logger } = deps;
  return async (now, options = {}) => {
    const horizon = new Date(now.getTime() + timers.maxDelaySeconds * 1000);
    // States older than their retention are deleted by TTL: nothing before that can be open.
    const oldest = new Date(now.getTime() - RETRY_STATE_RETENTION_SECONDS * 1000);
    const cursor = options.full ? null : await due.sweptUntil();
    const from = cursor === null || cursor < oldest ? oldest : cursor;
    // Nothing new to cover (runs closer together than the clock's step): no query.
    const found = from < horizon ? await due.dueBetween(from, horizon, { withEnqueued: options.full === true }) : [];
    for (const { timer, checkAt } of found) {
      await timers.enqueue(timer, timerDelaySeconds(checkAt, now, timers.maxDelaySeconds) ?? timers.maxDelaySeconds);
    }
    // A full sweep resets the cursor: a clock set back (a restart) must not leave states behind it.
    await due.markSweptUntil(horizon, { reset: options.full === true });
    if (found.length > 0) logger.info('Retry timers enqueued by the sweep', { enqueued: found.length, until: horizon.toISOString() });
    return { enqueued: found.length, from: from.toISOString(), until: horizon.toISOString() };
  };
}
