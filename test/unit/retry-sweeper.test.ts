import { describe, expect, it } from 'vitest';
import { createRetrySweeper } from '../../shared/app/retry-sweeper.js';
import { planRetry, SWEEP_EVERY_SECONDS, type RetryState } from '../../shared/domain/index.js';
import { RecordingLogger } from '../support/fakes.js';
import { FakeRetryStates, FakeTimerQueue } from '../support/retry-fakes.js';

const T0 = Date.parse('2026-11-20T12:00:00.000Z');

/** A scheduled state planned at T0 and due `delaySeconds` later, written as the scheduler writes it. */
async function planned(states: FakeRetryStates, email: string, delaySeconds: number): Promise<RetryState> {
  const plan = planRetry(null, {
    email,
    messageId: `orig-${email}`,
    link: null,
    category: 'mailbox-full',
    retryAfterSeconds: delaySeconds,
    occurredAt: new Date(T0).toISOString(),
    campaign: 'c1',
    batch: null,
    source: null,
    bodyHash: null,
  });
  if (plan.kind !== 'schedule') throw new Error(plan.kind);
  await states.put(plan.state, 0, { timerEnqueued: delaySeconds <= 900 });
  return plan.state;
}

describe('the retry sweeper', () => {
  it.each([
    ['4 h', 4 * 3600],
    ['30 h', 30 * 3600],
    ['61 min', 3660],
  ])('a retry due in %s gets one timer message, with its exact delay, from sweeps every 5 minutes', async (_label, delay) => {
    let now = new Date(T0);
    const states = new FakeRetryStates();
    const timers = new FakeTimerQueue(() => now);
    const sweep = createRetrySweeper({ due: states, timers, logger: new RecordingLogger() });
    const state = await planned(states, 'a@example.org', delay);
    for (let t = T0; t <= T0 + (delay + 3600) * 1000; t += SWEEP_EVERY_SECONDS * 1000) {
      now = new Date(t);
      await sweep(now);
    }
    expect(timers.sends).toBe(1);
    expect(timers.enqueued[0]?.visibleAt).toBe(Date.parse(state.dueAt));
    expect(timers.enqueued[0]?.delaySeconds).toBeLessThanOrEqual(900);
  });

  it('passes by an attempt its scheduler enqueued itself, except in a full sweep (a queue that lost its messages)', async () => {
    const now = new Date(T0);
    const states = new FakeRetryStates();
    const timers = new FakeTimerQueue(() => now);
    const sweep = createRetrySweeper({ due: states, timers, logger: new RecordingLogger() });
    await planned(states, 'near@example.org', 600);
    expect(await sweep(now)).toMatchObject({ enqueued: 0 });
    expect(await sweep(now, { full: true })).toMatchObject({ enqueued: 1 });
    expect(timers.enqueued[0]).toMatchObject({ delaySeconds: 600 });
  });

  it('a missed run is made up by the next; a run reads one due-index partition and enqueues each due attempt once', async () => {
    let now = new Date(T0);
    const states = new FakeRetryStates();
    const timers = new FakeTimerQueue(() => now);
    const sweep = createRetrySweeper({ due: states, timers, logger: new RecordingLogger() });
    await sweep(now);
    for (let i = 0; i < 50; i++) await planned(states, `u${i}@example.org`, 3600 + i * 10);
    // The sweeper stopped for an hour: the next run finds every attempt due by then, some overdue (delay 0).
    now = new Date(T0 + (3600 + 300) * 1000);
    const queries = states.dueQueries;
    expect(await sweep(now)).toMatchObject({ enqueued: 50 });
    expect(states.dueQueries - queries).toBe(1);
    expect(timers.enqueued.filter((m) => m.delaySeconds === 0)).toHaveLength(31);
    expect(await sweep(now)).toMatchObject({ enqueued: 0 });
  });
});
