import { describe, expect, it } from 'vitest';
import { classifyRecord } from '../../shared/app/ingest.js';
import { createRetryScheduler } from '../../shared/app/retry-scheduler.js';
import type { RecipientOutcome } from '../../shared/domain/index.js';
import { bounceFor } from '../support/batches.js';
import { FakeAddresses, RecordingLogger } from '../support/fakes.js';
import { FakeRetryStates, FakeTimerQueue } from '../support/retry-fakes.js';

const now = new Date('2026-11-20T12:00:00Z');

function mailboxFull(): RecipientOutcome {
  const body = JSON.stringify(
    bounceFor('full@example.org', { feedbackId: 'soft-1', status: '4.2.2', diagnosticCode: 'smtp; 452 4.2.2 Mailbox full' }),
  );
  const result = classifyRecord(body);
  if (result.status !== 'processed' || !result.outcomes[0]) throw new Error('not processed');
  return result.outcomes[0];
}

function setup() {
  const retries = new FakeRetryStates();
  let reads = 0;
  const read = retries.get.bind(retries);
  retries.get = async (email, id) => {
    reads++;
    return read(email, id);
  };
  const timers = new FakeTimerQueue(() => now);
  const scheduler = createRetryScheduler({ retries, timers, addresses: new FakeAddresses(), logger: new RecordingLogger() });
  return { retries, timers, scheduler, reads: () => reads };
}

describe("a first send's failure schedules its retry", () => {
  it('without reading the retry state first (there is none yet): one conditional create, in the due index', async () => {
    const { retries, timers, scheduler, reads } = setup();
    await scheduler.afterOutcomes([mailboxFull()], null, now);
    expect(reads()).toBe(0);
    expect(retries.puts).toBe(1);
    expect(retries.only()).toMatchObject({ attempt: 1, status: 'scheduled', version: 1 });
    // Due 6–12 h later: no timer message now, the sweeper enqueues it when it is 15 minutes away.
    expect(timers.enqueued).toHaveLength(0);
    const dueAt = new Date(retries.only().dueAt);
    expect(await retries.dueBetween(now, new Date(dueAt.getTime() + 1), { withEnqueued: false })).toHaveLength(1);
  });

  it('delivered again, the create finds the state, reads it and leaves the far attempt to the sweeper (nothing changes)', async () => {
    const { retries, timers, scheduler, reads } = setup();
    const outcome = mailboxFull();
    await scheduler.afterOutcomes([outcome], null, now);
    const first = retries.only();
    await scheduler.afterOutcomes([outcome], null, now);
    expect(reads()).toBe(1);
    expect(retries.only()).toEqual(first);
    expect(timers.enqueued).toHaveLength(0);
  });

  it('due within 15 minutes when processed (a late notification): its timer is enqueued at once, and again when redelivered', async () => {
    const { retries, timers, scheduler } = setup();
    const outcome = mailboxFull();
    const late = new Date(Date.parse(outcome.occurredAt) + 12 * 3600 * 1000);
    await scheduler.afterOutcomes([outcome], null, late);
    await scheduler.afterOutcomes([outcome], null, late);
    expect(timers.enqueued).toHaveLength(2);
    expect(timers.enqueued[0]?.delaySeconds).toBeLessThanOrEqual(900);
    // Regular sweeps pass it by: its writer enqueued it.
    expect(await retries.dueBetween(new Date(0), new Date(late.getTime() + 900_000), { withEnqueued: false })).toHaveLength(0);
  });
});
