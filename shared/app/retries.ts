import {
  confirmSent,
  DELIVERY_DELAY_RETENTION_SECONDS,
  domainOf,
  evidenceOf,
  hopDelaySeconds,
  markDelivered,
  maskAddress,
  planRetry,
  retryDueEvent,
  retryTags,
  skipReasonAtDue,
  stepForTimer,
  type RecipientOutcome,
  type RetryLink,
  type RetryState,
  type RetryTimer,
} from '../domain/index.js';
import type { DeferredPublish } from './address-event-batch.js';
import { commitSignal } from './address-writer.js';
import { recordOf, type ErasureDeps } from './erasure.js';
import type { DecisionEventSink } from './decision-events.js';
import { ContentionError } from './errors.js';
import type { AddressRepository, DeliveryDelayRepository, LoggerPort } from './ports.js';
import {
  SendRefusedError,
  type CampaignPauses,
  type EmailSender,
  type OutboundStore,
  type RetryDuePublisher,
  type RetryStateRepository,
  type RetryTimerQueue,
} from './retry-ports.js';

/** Compare-and-set attempts on one retry state before the record is handed back to its queue. */
const MAX_CAS_ATTEMPTS = 6;

const timerOf = (state: RetryState): RetryTimer => ({
  email: state.email,
  originalMessageId: state.originalMessageId,
  attempt: state.attempt,
  dueAt: state.dueAt,
});

/** What the classify use case hands over after applying a record: it schedules, links and ends retries. */
export interface RetryScheduler {
  /** `deferPublish`: a give-up's decision event goes out with the caller's batch (see CommitOptions.deferPublish). */
  afterOutcomes(
    outcomes: readonly RecipientOutcome[],
    link: RetryLink | null,
    now: Date,
    options?: { readonly deferPublish?: DeferredPublish },
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
 * Retry decisions become retry state plus a timer chain; Send events of a
 * retry confirm its attempt; a Delivery of any send of the message ends its
 * retries. Every write is a compare-and-set, and every step can run again
 * (redelivered notification, crash between two writes) with the same result:
 * a redelivered failure re-arms its timer, which is harmless because only
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

  async function onFailure(outcome: RecipientOutcome, link: RetryLink | null, now: Date, deferPublish?: DeferredPublish): Promise<void> {
    await noteTimeout(outcome, link);
    const retryAfterSeconds = outcome.decision.retryAfterSeconds;
    if (retryAfterSeconds === null) return;
    const failure = {
      email: outcome.recipient,
      messageId: outcome.messageId,
      link,
      category: outcome.decision.category,
      retryAfterSeconds,
      occurredAt: outcome.occurredAt,
      campaign: outcome.tags.campaign,
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
        case 'rearm':
          await timers.enqueue(timerOf(plan.state), hopDelaySeconds(plan.state.dueAt, now, timers.maxDelaySeconds));
          return;
        case 'schedule':
          if (!(await retries.put(plan.state, plan.expectedVersion))) continue;
          // A crash here loses the timer only until the notification is redelivered: it re-arms.
          await timers.enqueue(timerOf(plan.state), hopDelaySeconds(plan.state.dueAt, now, timers.maxDelaySeconds));
          logger.info('Retry scheduled', {
            address: maskAddress(outcome.recipient),
            category: plan.state.category,
            attempt: plan.state.attempt,
            dueAt: plan.state.dueAt,
          });
          return;
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
        if (outcome.eventType === 'Bounce') await onFailure(outcome, link, now, options.deferPublish);
        else if (outcome.eventType === 'Send' && link) {
          await update(outcome.recipient, link.originalMessageId, (state) => confirmSent(state, link, outcome.messageId));
        } else if (outcome.eventType === 'Delivery' && link) {
          await update(outcome.recipient, link.originalMessageId, markDelivered);
        }
      }
    },
  };
}

export type TimerResult = 'waiting' | 'awaiting-outcome' | 'dropped' | 'lost-race' | 'sent' | 'skipped' | 'published' | 'refused-by-ses';

export interface RetryRunnerDeps {
  readonly retries: RetryStateRepository;
  readonly timers: RetryTimerQueue;
  readonly addresses: AddressRepository;
  readonly outbound: OutboundStore;
  readonly sender: EmailSender;
  readonly pauses: CampaignPauses;
  readonly retryDue: RetryDuePublisher;
  readonly logger: LoggerPort;
  /** Tombstones of erased addresses: a retry due for an erased held address is skipped (required, like the send path's). */
  readonly erasure: ErasureDeps;
}

/** One timer message of the retry queue. */
export type RunRetryTimer = (timer: RetryTimer, now: Date) => Promise<TimerResult>;

/**
 * A timer message arrives: not due → the next hop; due → one sender claims
 * the attempt (compare-and-set), checks the address and the campaign at that
 * moment, and sends the stored message again with the retry link in its
 * tags, or publishes a "retry due" event when the message is not stored.
 *
 * A crash or a timeout after the claim leaves the attempt `sending`: its
 * timer comes back (the queue redelivers it) and waits for SES's Send event,
 * which confirms the attempt if SES accepted it; without one after the grace
 * time the attempt is sent by whoever claims it next. So an attempt SES
 * accepted is never sent again, and one it never got is not lost.
 */
export function createRetryRunner(deps: RetryRunnerDeps): RunRetryTimer {
  const { retries, timers, logger } = deps;

  async function finish(claimed: RetryState, change: Partial<RetryState>): Promise<void> {
    // If this fails, a Send event moved the state already (to `sent`): that is the same outcome.
    await retries.put({ ...claimed, sendingSince: null, ...change, version: claimed.version + 1 }, claimed.version);
  }

  return async (timer, now) => {
    const state = await retries.get(timer.email, timer.originalMessageId);
    const step = stepForTimer(state, timer, now, timers.maxDelaySeconds);
    if (step.kind === 'drop') return 'dropped';
    if (step.kind === 'wait' || step.kind === 'await-outcome') {
      await timers.enqueue(timer, step.delaySeconds);
      return step.kind === 'wait' ? 'waiting' : 'awaiting-outcome';
    }
    const { claimed } = step;
    if (!(await retries.put(claimed, state?.version ?? 0))) return 'lost-race';
    const address = maskAddress(claimed.email);

    const [addressState, outbound] = await Promise.all([
      recordOf(claimed.email, deps.addresses, deps.erasure),
      deps.outbound.get(claimed.originalMessageId),
    ]);
    const campaign = outbound?.tags.campaign ?? claimed.campaign;
    const paused = campaign === null ? false : await deps.pauses.isPaused(campaign);
    const skip = skipReasonAtDue(addressState?.status ?? null, paused);
    if (skip !== null) {
      await finish(claimed, { status: 'skipped', reason: skip });
      logger.info('Retry skipped at due time', { address, attempt: claimed.attempt, reason: skip });
      return 'skipped';
    }
    if (outbound === null || outbound.content === null) {
      await deps.retryDue.publish(retryDueEvent(claimed));
      await finish(claimed, { status: 'published', reason: outbound === null ? 'not sent through this pipeline' : 'too large to keep' });
      return 'published';
    }
    let messageId: string;
    try {
      messageId = await deps.sender.send({
        to: claimed.email,
        from: outbound.from,
        content: outbound.content,
        tags: outbound.tags,
        extraTags: retryTags({ originalMessageId: claimed.originalMessageId, attempt: claimed.attempt }),
      });
    } catch (error) {
      if (!(error instanceof SendRefusedError)) throw error; // unknown outcome: the claim stays, the timer comes back
      await finish(claimed, { status: 'skipped', reason: `ses-refused: ${error.code}` });
      logger.warn('SES refused a retry', { address, attempt: claimed.attempt, code: error.code });
      return 'refused-by-ses';
    }
    await deps.outbound.put({
      messageId,
      to: claimed.email,
      from: outbound.from,
      tags: outbound.tags,
      content: null,
      attempt: claimed.attempt,
      originalMessageId: claimed.originalMessageId,
      sentAt: now.toISOString(),
      expiresAt: outbound.expiresAt,
    });
    await finish(claimed, { status: 'sent', lastMessageId: messageId });
    logger.info('Retry sent', { address, attempt: claimed.attempt, category: claimed.category });
    return 'sent';
  };
}
