import {
  maskAddress,
  moveRetry,
  NO_EVIDENCE,
  retryDueEvent,
  retryTags,
  skipReasonAtDue,
  stepForTimer,
  timerDelaySeconds,
  timerOf,
  waitWhilePaused,
  RETRY_BODY_TAG,
  type CampaignTags,
  type RetryEvent,
  type RetryState,
  type RetryTimer,
} from '../domain/index.js';
import { commitSignal } from './address-writer.js';
import { recordOf, type ErasureDeps } from './erasure.js';
import type { DecisionEventSink } from './decision-events.js';
import type { AddressRepository, LoggerPort } from './ports.js';
import {
  SendRefusedError,
  type CampaignPauses,
  type EmailSender,
  type MessageContent,
  type MessageStore,
  type OutboundStore,
  type RetryDuePublisher,
  type RetryStateRepository,
  type RetryTimerQueue,
} from './retry-ports.js';

export type TimerResult =
  | 'waiting'
  | 'waiting-for-resume'
  | 'awaiting-outcome'
  | 'dropped'
  | 'lost-race'
  | 'sent'
  | 'skipped'
  | 'published'
  | 'refused-by-ses'
  | 'gave-up';

export interface RetryRunnerDeps {
  readonly retries: RetryStateRepository;
  readonly timers: RetryTimerQueue;
  readonly addresses: AddressRepository;
  /** The stored messages retry states name (`bodyHash`). */
  readonly messages: MessageStore;
  /** Sent-message records of earlier versions, for states that name no stored message. */
  readonly outbound: OutboundStore;
  readonly sender: EmailSender;
  readonly pauses: CampaignPauses;
  readonly retryDue: RetryDuePublisher;
  readonly logger: LoggerPort;
  /** Tombstones of erased addresses: a retry due for an erased held address is skipped (required, like the send path's). */
  readonly erasure: ErasureDeps;
  /** Where an address held for review (its window closed before the attempt went) is published; none: not published. */
  readonly events?: DecisionEventSink;
}

/** One timer message of the retry queue. */
export type RunRetryTimer = (timer: RetryTimer, now: Date) => Promise<TimerResult>;

/** What an attempt sends again: the original's sender, content (null: not kept) and campaign tags. */
interface MessageToRetry {
  readonly from: string;
  readonly content: MessageContent | null;
  readonly tags: CampaignTags;
}

/**
 * A timer message arrives: due → one sender claims the attempt
 * (compare-and-set), checks the address and the campaign at that moment, and
 * sends the stored message again with the retry link in its tags, or
 * publishes a "retry due" event when the message is not stored. A paused
 * campaign's attempt is neither sent nor ended: it is scheduled again a little
 * later (PAUSED_RECHECK_SECONDS) and goes out at the first recheck after the
 * resume. An attempt whose window closed before it could be claimed (paused
 * all along, or late) is not sent: it gives up and the address goes to review.
 *
 * A crash or a timeout after the claim leaves the attempt `sending` (in the
 * due index, at the end of its evidence wait). Any event of the attempt
 * (SES's Send event first) confirms it if SES accepted it; only when none
 * came within SEND_EVIDENCE_WAIT_SECONDS, and the sender recorded no answer
 * of SES, is the claim taken over and the attempt sent. So an attempt SES
 * accepted is not sent again, and one it never got is not lost.
 */
export function createRetryRunner(deps: RetryRunnerDeps): RunRetryTimer {
  const { retries, timers, logger } = deps;

  async function finish(claimed: RetryState, event: RetryEvent, change: Partial<RetryState>): Promise<void> {
    // If this fails, an event of the attempt moved the state already (to `sent`): that is the same outcome.
    await retries.put(moveRetry(claimed, event, change), claimed.version);
  }

  async function giveUp(state: RetryState, next: RetryState, reason: string, now: Date): Promise<TimerResult> {
    // The address first: a crash before the state write repeats this, and the signal is idempotent.
    await commitSignal(
      deps.addresses,
      state.email,
      () => ({
        kind: 'retries-exhausted',
        eventId: `retries-exhausted:${state.originalMessageId}:${state.email}`,
        occurredAt: now.toISOString(),
        evidence: { ...NO_EVIDENCE, category: state.category, campaign: state.campaign, messageId: state.originalMessageId },
        note: reason,
      }),
      { erasure: deps.erasure, ...(deps.events ? { events: deps.events } : {}) },
    );
    if (!(await retries.put(next, state.version))) return 'lost-race';
    logger.warn('Retries given up: address held for review', { address: maskAddress(state.email), reason });
    return 'gave-up';
  }

  /** The message a state names; a state of an earlier version names none: its send's own record, if any. */
  async function messageOf(state: RetryState): Promise<MessageToRetry | null> {
    if (state.bodyHash !== null) {
      const stored = await deps.messages.get(state.bodyHash, state.email);
      // Gone (expired, or erased with the address it named): published as "retry due" like one never kept.
      if (stored === null) return null;
      return { ...stored, tags: { campaign: state.campaign, batch: state.batch, source: state.source } };
    }
    return deps.outbound.get(state.originalMessageId);
  }

  return async (timer, now) => {
    const state = await retries.get(timer.email, timer.originalMessageId);
    const step = stepForTimer(state, timer, now, timers.maxDelaySeconds);
    if (step.kind === 'drop') return 'dropped';
    // The due index brings the timer back when the evidence wait ends: no message waits for it.
    if (step.kind === 'await-evidence') return 'awaiting-outcome';
    if (step.kind === 'wait') {
      await timers.enqueue(timer, step.delaySeconds);
      return 'waiting';
    }
    if (state === null) return 'dropped';
    if (step.kind === 'give-up') return giveUp(state, step.state, step.reason, now);
    const { claimed } = step;
    if (!(await retries.put(claimed, state.version))) return 'lost-race';
    const address = maskAddress(claimed.email);

    const [addressState, message] = await Promise.all([recordOf(claimed.email, deps.addresses, deps.erasure), messageOf(claimed)]);
    const campaign = message?.tags.campaign ?? claimed.campaign;
    const skip = skipReasonAtDue(addressState?.status ?? null);
    if (skip !== null) {
      await finish(claimed, 'skip', { reason: skip });
      logger.info('Retry skipped at due time', { address, attempt: claimed.attempt, reason: skip });
      return 'skipped';
    }
    if (campaign !== null && (await deps.pauses.isPaused(campaign))) {
      const waiting = waitWhilePaused(claimed, now);
      // Within one delay: the runner enqueues the recheck itself. A crash before the enqueue is
      // repaired by this timer message coming back (its state is then scheduled and not due: `wait`).
      if (!(await retries.put(waiting, claimed.version, { timerEnqueued: true }))) return 'lost-race';
      const delay = timerDelaySeconds(waiting.dueAt, now, timers.maxDelaySeconds) ?? timers.maxDelaySeconds;
      await timers.enqueue(timerOf(waiting), delay);
      logger.info('Retry waits: campaign paused', { address, attempt: claimed.attempt, recheckAt: waiting.dueAt });
      return 'waiting-for-resume';
    }
    if (message === null || message.content === null) {
      await deps.retryDue.publish(retryDueEvent(claimed));
      const reason =
        claimed.bodyHash !== null ? 'stored message gone' : message === null ? 'not kept by this pipeline' : 'too large to keep';
      await finish(claimed, 'publish', { reason });
      return 'published';
    }
    let messageId: string;
    try {
      messageId = await deps.sender.send({
        to: claimed.email,
        from: message.from,
        content: message.content,
        tags: message.tags,
        extraTags: {
          ...retryTags({ originalMessageId: claimed.originalMessageId, attempt: claimed.attempt }),
          ...(claimed.bodyHash === null ? {} : { [RETRY_BODY_TAG]: claimed.bodyHash }),
        },
      });
    } catch (error) {
      if (!(error instanceof SendRefusedError)) throw error; // unknown outcome: the claim stays, evidence decides
      await finish(claimed, 'skip', { reason: `ses-refused: ${error.code}` });
      logger.warn('SES refused a retry', { address, attempt: claimed.attempt, code: error.code });
      return 'refused-by-ses';
    }
    await finish(claimed, 'accepted', { lastMessageId: messageId });
    logger.info('Retry sent', { address, attempt: claimed.attempt, category: claimed.category });
    return 'sent';
  };
}
