import {
  confirmSent,
  DELIVERY_DELAY_RETENTION_SECONDS,
  domainOf,
  evidenceOf,
  markDelivered,
  maskAddress,
  planRetry,
  timerDelaySeconds,
  timerOf,
  type RecipientOutcome,
  type RetryLink,
  type RetryState,
} from '../domain/index.js';
import type { DeferredPublish } from './address-event-batch.js';
import { commitSignal } from './address-writer.js';
import type { ErasureDeps } from './erasure.js';
import type { DecisionEventSink } from './decision-events.js';
import { ContentionError } from './errors.js';
import type { AddressRepository, DeliveryDelayRepository, LoggerPort } from './ports.js';
import type { RetryStateRepository, RetryTimerQueue } from './retry-ports.js';

/** Compare-and-set attempts on one retry state before the record is handed back to its queue. */
export const MAX_CAS_ATTEMPTS = 6;

/** Events of a retry send that prove SES accepted it (a Bounce does too: it plans the next attempt). */
const ACCEPTED_EVIDENCE: ReadonlySet<string> = new Set(['Send', 'DeliveryDelay', 'Complaint']);

/** What the classify use case hands over after applying a record: it schedules, links and ends retries. */
export interface RetryScheduler {
  /**
   * `bodyHash`: the stored message the failed send named (its `retry-body` tag), kept in a new retry state.
   * `deferPublish`: a give-up's decision event goes out with the caller's batch (see CommitOptions.deferPublish).
   */
  afterOutcomes(
    outcomes: readonly RecipientOutcome[],
    link: RetryLink | null,
    now: Date,
    options?: { readonly bodyHash?: string | null; readonly deferPublish?: DeferredPublish },
  ): Promise<void>;
}

export interface RetrySchedulerDeps {
  readonly retries: RetryStateRepository;
  /** Per-domain delay records: connection-timeout bounces join them, so timeouts that persist across retries reach the health job. */
  readonly delays?: DeliveryDelayRepository;
  readonly timers: RetryTimerQueue;
  readonly addresses: AddressRepository;
  readonly logger: LoggerPort;
  readonly erasure?: ErasureDeps;
  /** Where an address held for review after its retries is published; none: not published. */
  readonly events?: DecisionEventSink;
}

/**
 * Retry decisions become retry state, in the due index; an attempt due within
 * one queue delay also gets its timer message now (the sweeper enqueues the
 * others when their time comes). Events of a retry send (Send, DeliveryDelay,
 * Complaint) confirm its attempt; a Delivery of any send of the message ends
 * its retries. Every write is a compare-and-set, and every step can run again
 * (redelivered notification, crash between two writes) with the same result:
 * a redelivered failure re-arms a near timer, which is harmless because only
 * one timer can claim an attempt.
 */
export function createRetryScheduler(deps: RetrySchedulerDeps): RetryScheduler {
  const { retries, timers, logger } = deps;

  async function update(email: string, originalMessageId: string, change: (state: RetryState | null) => RetryState | null): Promise<void> {
    for (let i = 0; i < MAX_CAS_ATTEMPTS; i++) {
      const state = await retries.get(email, originalMessageId);
      const next = change(state);
      if (next === null || (await retries.put(next, state?.version ?? 0))) return;
    }
    throw new ContentionError('retry state kept changing');
  }

  /** A connection timeout joins its domain's delay records; one that persists after a retry is logged once per message. */
  async function noteTimeout(outcome: RecipientOutcome, link: RetryLink | null): Promise<void> {
    if (outcome.decision.category !== 'connection-timeout') return;
    const domain = domainOf(outcome.recipient);
    await deps.delays?.putDelay({
      domain,
      eventId: outcome.eventId,
      occurredAt: outcome.occurredAt,
      email: outcome.recipient,
      category: outcome.decision.category,
      enhancedCode: outcome.decision.enhancedCode,
      campaign: outcome.tags.campaign,
      expiresAt: Math.floor(Date.parse(outcome.occurredAt) / 1000) + DELIVERY_DELAY_RETENTION_SECONDS,
    });
    if (link?.attempt === 1) {
      logger.warn('Connection timeouts persist for a receiving domain across retries', {
        domain,
        address: maskAddress(outcome.recipient),
        attempt: link.attempt,
        enhancedCode: outcome.decision.enhancedCode,
        rule: outcome.decision.rule,
        campaign: outcome.tags.campaign,
      });
    }
  }

  async function onFailure(
    outcome: RecipientOutcome,
    link: RetryLink | null,
    bodyHash: string | null,
    now: Date,
    deferPublish?: DeferredPublish,
  ): Promise<void> {
    await noteTimeout(outcome, link);
    const retryAfterSeconds = outcome.decision.retryAfterSeconds;
    if (retryAfterSeconds === null) {
      // Not retried (a hard bounce of a retry): still proof that the attempt went out.
      if (link) await update(outcome.recipient, link.originalMessageId, (state) => confirmSent(state, link, outcome.messageId));
      return;
    }
    const failure = {
      email: outcome.recipient,
      messageId: outcome.messageId,
      link,
      category: outcome.decision.category,
      retryAfterSeconds,
      occurredAt: outcome.occurredAt,
      campaign: outcome.tags.campaign,
      batch: outcome.tags.batch,
      source: outcome.tags.source,
      bodyHash,
    };
    const originalMessageId = link?.originalMessageId ?? outcome.messageId;
    for (let i = 0; i < MAX_CAS_ATTEMPTS; i++) {
      // A first send's failure has no retry state yet (the common case): plan a schedule from none and
      // let the create's condition say otherwise (then read), sparing a read; any other plan reads first.
      const assumed = i === 0 && link === null ? planRetry(null, failure) : null;
      const plan = assumed?.kind === 'schedule' ? assumed : planRetry(await retries.get(outcome.recipient, originalMessageId), failure);
      switch (plan.kind) {
        case 'ignore':
          return;
        case 'rearm': {
          // A far attempt is in the due index: the sweeper enqueues it in time.
          const delay = timerDelaySeconds(plan.state.dueAt, now, timers.maxDelaySeconds);
          if (delay !== null) await timers.enqueue(timerOf(plan.state), delay);
          return;
        }
        case 'schedule': {
          const delay = timerDelaySeconds(plan.state.dueAt, now, timers.maxDelaySeconds);
          if (!(await retries.put(plan.state, plan.expectedVersion, { timerEnqueued: delay !== null }))) continue;
          // A crash here loses the timer only until the notification is redelivered: it re-arms.
          if (delay !== null) await timers.enqueue(timerOf(plan.state), delay);
          logger.info('Retry scheduled', {
            address: maskAddress(outcome.recipient),
            category: plan.state.category,
            attempt: plan.state.attempt,
            dueAt: plan.state.dueAt,
          });
          return;
        }
        case 'give-up':
          // The address first: a crash before the state write repeats this, and the signal is idempotent.
          await commitSignal(
            deps.addresses,
            outcome.recipient,
            () => ({
              kind: 'retries-exhausted',
              eventId: `retries-exhausted:${originalMessageId}:${outcome.recipient}`,
              occurredAt: outcome.occurredAt,
              evidence: evidenceOf(outcome),
              note: plan.reason,
            }),
            {
              ...(deps.erasure ? { erasure: deps.erasure } : {}),
              ...(deps.events ? { events: deps.events, ...(deferPublish ? { deferPublish } : {}) } : {}),
            },
          );
          if (!(await retries.put(plan.state, plan.expectedVersion))) continue;
          logger.warn('Retries given up: address held for review', { address: maskAddress(outcome.recipient), reason: plan.reason });
          return;
      }
    }
    throw new ContentionError('retry state kept changing');
  }

  return {
    async afterOutcomes(outcomes, link, now, options = {}) {
      for (const outcome of outcomes) {
        if (outcome.eventType === 'Bounce') await onFailure(outcome, link, options.bodyHash ?? null, now, options.deferPublish);
        else if (ACCEPTED_EVIDENCE.has(outcome.eventType) && link) {
          await update(outcome.recipient, link.originalMessageId, (state) => confirmSent(state, link, outcome.messageId));
        } else if (outcome.eventType === 'Delivery' && link) {
          await update(outcome.recipient, link.originalMessageId, markDelivered);
        }
      }
    },
  };
}
