import { describe, expect, it } from 'vitest';
import {
  confirmSent,
  ImpossibleRetryTransition,
  moveRetry,
  nextCheckAt,
  nextRetryStatus,
  PAUSED_RECHECK_SECONDS,
  RETRY_EVENTS,
  RETRY_STATUSES,
  RETRY_WINDOW_SECONDS,
  SEND_EVIDENCE_WAIT_SECONDS,
  timerDelaySeconds,
  markDelivered,
  planRetry,
  retryBodyOf,
  retryLinkOf,
  retryTags,
  stepForTimer,
  waitWhilePaused,
  windowEndOf,
  type RetryableFailure,
  type RetryState,
} from '../../shared/domain/index.js';

const T0 = '2026-11-20T12:00:00.000Z';
const at = (offsetSeconds: number) => new Date(Date.parse(T0) + offsetSeconds * 1000);

describe('retry timer maths', () => {
  it('one message carries any delay up to 900 s exactly; a later check waits in the due index', () => {
    const dueAt = at(4 * 3600).toISOString();
    expect(timerDelaySeconds(dueAt, at(0))).toBeNull();
    expect(timerDelaySeconds(dueAt, at(4 * 3600 - 900))).toBe(900);
    expect(timerDelaySeconds(dueAt, at(4 * 3600 - 100))).toBe(100);
    expect(timerDelaySeconds(dueAt, at(4 * 3600 - 0.2))).toBe(1);
    expect(timerDelaySeconds(dueAt, at(4 * 3600))).toBe(0);
    expect(timerDelaySeconds(dueAt, at(5 * 3600))).toBe(0);
    // A sped-up clock's queue carries more of its seconds per message.
    expect(timerDelaySeconds(dueAt, at(0), 900 * 3600)).toBe(4 * 3600);
  });
});

const failure = (over: Partial<RetryableFailure> = {}): RetryableFailure => ({
  email: 'full@example.org',
  messageId: 'orig-1',
  link: null,
  category: 'mailbox-full',
  retryAfterSeconds: 6 * 3600,
  occurredAt: T0,
  campaign: 'c1',
  batch: null,
  source: null,
  bodyHash: null,
  ...over,
});

describe('planRetry', () => {
  it("keeps the first failed send's stored message and tags; a retry's failure never replaces them", () => {
    const hash = 'ab'.repeat(32);
    const first = planRetry(null, failure({ batch: 'b1', source: 'web', bodyHash: hash }));
    if (first.kind !== 'schedule') throw new Error(first.kind);
    expect(first.state).toMatchObject({ campaign: 'c1', batch: 'b1', source: 'web', bodyHash: hash });
    const again = planRetry(
      { ...first.state, status: 'sent', lastMessageId: 'retry-1' },
      failure({
        messageId: 'retry-1',
        link: { originalMessageId: 'orig-1', attempt: 1 },
        occurredAt: at(7 * 3600).toISOString(),
        batch: null,
        source: null,
        bodyHash: null,
      }),
    );
    expect(again).toMatchObject({ kind: 'schedule', state: { attempt: 2, batch: 'b1', source: 'web', bodyHash: hash } });
  });

  it('reads the stored message key from the retry-body tag, and nothing that is not a SHA-256', () => {
    expect(retryBodyOf({ 'retry-body': ['ab'.repeat(32)] })).toBe('ab'.repeat(32));
    expect(retryBodyOf({ 'retry-body': [`p-${'ab'.repeat(32)}`] })).toBe(`p-${'ab'.repeat(32)}`);
    const malformed: Array<Record<string, string[]> | null> = [
      null,
      {},
      { 'retry-body': [] },
      { 'retry-body': ['ab'] },
      { 'retry-body': ['AB'.repeat(32)] },
      { 'retry-body': [`x-${'ab'.repeat(32)}`] },
    ];
    for (const tags of malformed) {
      expect(retryBodyOf(tags)).toBeNull();
    }
  });

  it('schedules attempt 1 of the original message at the event time plus the delay', () => {
    const plan = planRetry(null, failure());
    expect(plan).toMatchObject({
      kind: 'schedule',
      expectedVersion: 0,
      state: {
        attempt: 1,
        status: 'scheduled',
        dueAt: at(6 * 3600).toISOString(),
        originalMessageId: 'orig-1',
        firstFailureAt: T0,
        version: 1,
      },
    });
  });

  it('a redelivered failure re-arms the same attempt instead of scheduling another', () => {
    const first = planRetry(null, failure());
    if (first.kind !== 'schedule') throw new Error(first.kind);
    expect(planRetry(first.state, failure())).toEqual({ kind: 'rearm', state: first.state });
  });

  it('a failure of attempt n schedules n+1 of the same logical message, window counted from the first failure', () => {
    const sent: RetryState = {
      ...(planRetry(null, failure()) as { state: RetryState }).state,
      status: 'sent',
      lastMessageId: 'r-1',
      version: 3,
    };
    const plan = planRetry(
      sent,
      failure({ messageId: 'r-1', link: { originalMessageId: 'orig-1', attempt: 1 }, occurredAt: at(7 * 3600).toISOString() }),
    );
    expect(plan).toMatchObject({
      kind: 'schedule',
      expectedVersion: 3,
      state: { attempt: 2, firstFailureAt: T0, dueAt: at(13 * 3600).toISOString() },
    });
  });

  it('gives up after the category maximum attempts (mailbox-full: 4), with the reason', () => {
    const state: RetryState = { ...(planRetry(null, failure()) as { state: RetryState }).state, attempt: 4, status: 'sent', version: 9 };
    const plan = planRetry(state, failure({ link: { originalMessageId: 'orig-1', attempt: 4 }, occurredAt: at(40 * 3600).toISOString() }));
    expect(plan).toMatchObject({ kind: 'give-up', reason: 'mailbox-full: 4 retries made, still failing', state: { status: 'gave-up' } });
  });

  it('gives up when the next attempt would fall outside the category window (capped at 72 h)', () => {
    const state: RetryState = { ...(planRetry(null, failure()) as { state: RetryState }).state, attempt: 2, status: 'sent', version: 5 };
    const late = failure({ link: { originalMessageId: 'orig-1', attempt: 2 }, occurredAt: at(67 * 3600).toISOString() });
    expect(planRetry(state, late)).toMatchObject({ kind: 'give-up', reason: 'mailbox-full: still failing 72 h after the first failure' });
    // Inside the window it goes on.
    expect(planRetry(state, { ...late, occurredAt: at(65 * 3600).toISOString() })).toMatchObject({ kind: 'schedule' });
  });

  it('unknown failures are retried once, then given up', () => {
    const first = planRetry(null, failure({ category: 'unknown', retryAfterSeconds: 3600 }));
    expect(first).toMatchObject({ kind: 'schedule', state: { attempt: 1 } });
    const sent = { ...(first as { state: RetryState }).state, status: 'sent' as const, version: 3 };
    expect(
      planRetry(sent, failure({ category: 'unknown', retryAfterSeconds: 3600, link: { originalMessageId: 'orig-1', attempt: 1 } })),
    ).toMatchObject({
      kind: 'give-up',
      reason: 'unknown: 1 retry made, still failing',
    });
  });

  it('ignores an older attempt failure, a finished message, and categories that are not retried', () => {
    const state: RetryState = { ...(planRetry(null, failure()) as { state: RetryState }).state, attempt: 3, status: 'sent', version: 7 };
    expect(planRetry(state, failure({ link: { originalMessageId: 'orig-1', attempt: 1 } })).kind).toBe('ignore');
    expect(planRetry({ ...state, status: 'delivered' }, failure({ link: { originalMessageId: 'orig-1', attempt: 3 } })).kind).toBe(
      'ignore',
    );
    expect(planRetry(null, failure({ category: 'invalid-address' })).kind).toBe('ignore');
  });
});

describe("the retry state's status × event table", () => {
  it("allows the story's transitions and rejects impossible ones", () => {
    expect(nextRetryStatus(null, 'schedule')).toBe('scheduled');
    expect(nextRetryStatus('scheduled', 'claim')).toBe('sending');
    expect(nextRetryStatus('sending', 'accepted')).toBe('sent');
    expect(nextRetryStatus('sending', 'send-seen')).toBe('sent');
    expect(nextRetryStatus('sending', 'take-over')).toBe('sending');
    expect(nextRetryStatus('sent', 'schedule')).toBe('scheduled');
    // Only a claimed attempt can be sent, skipped or published; a claim is taken over only while unknown.
    for (const event of ['accepted', 'skip', 'publish', 'take-over'] as const) {
      for (const status of RETRY_STATUSES.filter((s) => s !== 'sending')) expect(nextRetryStatus(status, event)).toBeNull();
    }
    // A claimed attempt of a paused campaign goes back to wait; nothing else can "wait".
    expect(nextRetryStatus('sending', 'wait')).toBe('scheduled');
    for (const status of RETRY_STATUSES.filter((s) => s !== 'sending')) expect(nextRetryStatus(status, 'wait')).toBeNull();
    expect(nextRetryStatus(null, 'wait')).toBeNull();
    expect(nextRetryStatus('scheduled', 'send-seen')).toBeNull();
    expect(nextRetryStatus('sent', 'claim')).toBeNull();
    expect(nextRetryStatus(null, 'claim')).toBeNull();
    // Finished stories take nothing more.
    for (const event of RETRY_EVENTS) {
      expect(nextRetryStatus('delivered', event)).toBeNull();
      expect(nextRetryStatus('gave-up', event)).toBeNull();
    }
  });

  it('waitWhilePaused: a claim goes back to scheduled 15 minutes on, never past the window end, and an impossible wait throws', () => {
    const state = (planRetry(null, failure()) as { state: RetryState }).state;
    const claimedAt = new Date(state.dueAt);
    const claimed = moveRetry(state, 'claim', { sendingSince: claimedAt.toISOString() });
    expect(waitWhilePaused(claimed, claimedAt)).toMatchObject({
      status: 'scheduled',
      sendingSince: null,
      attempt: claimed.attempt,
      dueAt: new Date(claimedAt.getTime() + PAUSED_RECHECK_SECONDS * 1000).toISOString(),
      version: claimed.version + 1,
    });
    const windowEnd = windowEndOf(claimed);
    const late = new Date((windowEnd - 60) * 1000);
    expect(waitWhilePaused(claimed, late).dueAt).toBe(new Date(windowEnd * 1000).toISOString());
    expect(() => waitWhilePaused(state, claimedAt)).toThrow(ImpossibleRetryTransition);
  });

  it('moveRetry throws on a transition the table does not allow, and ends the claim when leaving sending', () => {
    const state = (planRetry(null, failure()) as { state: RetryState }).state;
    expect(() => moveRetry({ ...state, status: 'delivered' }, 'claim')).toThrow(ImpossibleRetryTransition);
    expect(() => moveRetry(state, 'accepted')).toThrow('a retry state scheduled cannot take the event accepted');
    const claimed = moveRetry(state, 'claim', { sendingSince: T0 });
    expect(claimed).toMatchObject({ status: 'sending', sendingSince: T0, version: state.version + 1 });
    expect(moveRetry(claimed, 'accepted', { lastMessageId: 'r-1' })).toMatchObject({
      status: 'sent',
      sendingSince: null,
      lastMessageId: 'r-1',
    });
  });
});

describe('timer steps', () => {
  const scheduled: RetryState = { ...(planRetry(null, failure({ retryAfterSeconds: 900 })) as { state: RetryState }).state };
  const timer = { email: scheduled.email, originalMessageId: 'orig-1', attempt: 1, dueAt: scheduled.dueAt };

  it('waits what remains when early, claims once due', () => {
    expect(stepForTimer(scheduled, timer, at(100))).toEqual({ kind: 'wait', delaySeconds: 800 });
    expect(stepForTimer(scheduled, timer, at(900))).toEqual({
      kind: 'claim',
      claimed: { ...scheduled, status: 'sending', sendingSince: at(900).toISOString(), version: scheduled.version + 1 },
    });
  });

  it('drops a timer of another attempt, of a finished attempt, or one a single message cannot carry', () => {
    expect(stepForTimer(scheduled, { ...timer, attempt: 2 }, at(900)).kind).toBe('drop');
    expect(stepForTimer({ ...scheduled, status: 'sent' }, timer, at(900)).kind).toBe('drop');
    expect(stepForTimer(null, timer, at(900)).kind).toBe('drop');
    expect(stepForTimer({ ...scheduled, dueAt: at(4 * 3600).toISOString() }, timer, at(0)).kind).toBe('drop');
  });

  it('an unknown send outcome waits for evidence for 90 minutes, then the claim is taken over', () => {
    const sending = { ...scheduled, status: 'sending' as const, sendingSince: at(900).toISOString(), version: 2 };
    expect(nextCheckAt(sending)).toBe(at(900 + SEND_EVIDENCE_WAIT_SECONDS).toISOString());
    expect(SEND_EVIDENCE_WAIT_SECONDS).toBeGreaterThanOrEqual(3600);
    expect(stepForTimer(sending, timer, at(1000))).toEqual({ kind: 'await-evidence' });
    expect(stepForTimer(sending, timer, at(900 + SEND_EVIDENCE_WAIT_SECONDS - 1))).toEqual({ kind: 'await-evidence' });
    expect(stepForTimer(sending, timer, at(900 + SEND_EVIDENCE_WAIT_SECONDS))).toMatchObject({
      kind: 'claim',
      claimed: { status: 'sending', version: 3, sendingSince: at(900 + SEND_EVIDENCE_WAIT_SECONDS).toISOString() },
    });
  });

  it('re-checks the window at claim time: a due attempt or a takeover after it closed gives up', () => {
    const late = at(RETRY_WINDOW_SECONDS + 1);
    expect(stepForTimer(scheduled, timer, late)).toMatchObject({ kind: 'give-up', state: { status: 'gave-up', version: 2 } });
    const sending = { ...scheduled, status: 'sending' as const, sendingSince: at(RETRY_WINDOW_SECONDS - 600).toISOString(), version: 2 };
    expect(stepForTimer(sending, timer, at(RETRY_WINDOW_SECONDS - 600 + SEND_EVIDENCE_WAIT_SECONDS))).toMatchObject({
      kind: 'give-up',
      state: { status: 'gave-up', sendingSince: null },
    });
    // Inside the window it is claimed.
    expect(stepForTimer(scheduled, timer, at(RETRY_WINDOW_SECONDS - 1)).kind).toBe('claim');
  });

  it('a Send event confirms only the attempt in flight; a delivery ends the chain once', () => {
    const sending = { ...scheduled, status: 'sending' as const, sendingSince: at(900).toISOString(), version: 2 };
    expect(confirmSent(sending, { originalMessageId: 'orig-1', attempt: 1 }, 'r-1')).toMatchObject({
      status: 'sent',
      lastMessageId: 'r-1',
      version: 3,
    });
    expect(confirmSent(sending, { originalMessageId: 'orig-1', attempt: 2 }, 'r-2')).toBeNull();
    expect(confirmSent(scheduled, { originalMessageId: 'orig-1', attempt: 1 }, 'r-1')).toBeNull();
    expect(markDelivered(sending)).toMatchObject({ status: 'delivered', version: 3 });
    expect(markDelivered({ ...sending, status: 'delivered' })).toBeNull();
  });

  it('retry tags round-trip through SES tags; the original send carries none', () => {
    expect(retryTags({ originalMessageId: 'orig-1', attempt: 0 })).toEqual({});
    const tags = retryTags({ originalMessageId: 'orig-1', attempt: 2 });
    expect(retryLinkOf(Object.fromEntries(Object.entries(tags).map(([k, v]) => [k, [v]])))).toEqual({
      originalMessageId: 'orig-1',
      attempt: 2,
    });
    expect(retryLinkOf({ 'retry-of': ['x'], 'retry-attempt': ['zero'] })).toBeNull();
    expect(retryLinkOf(null)).toBeNull();
  });
});
