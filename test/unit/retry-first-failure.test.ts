import { describe, expect, it } from 'vitest';
import { classifyRecord } from '../../shared/app/ingest.js';
import { createRetryScheduler } from '../../shared/app/retries.js';
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
  it('without reading the retry state first (there is none yet): one conditional create and one timer', async () => {
    const { retries, timers, scheduler, reads } = setup();
    await scheduler.afterOutcomes([mailboxFull()], null, now);
    expect(reads()).toBe(0);
    expect(retries.puts).toBe(1);
    expect(retries.only()).toMatchObject({ attempt: 1, status: 'scheduled', version: 1 });
    expect(timers.enqueued).toHaveLength(1);
  });

  it('delivered again, the create finds the state, reads it and re-arms the same attempt (nothing else changes)', async () => {
    const { retries, timers, scheduler, reads } = setup();
    const outcome = mailboxFull();
    await scheduler.afterOutcomes([outcome], null, now);
    const first = retries.only();
    await scheduler.afterOutcomes([outcome], null, now);
    expect(reads()).toBe(1);
    expect(retries.only()).toEqual(first);
    expect(timers.enqueued.map((m) => m.timer)).toEqual([timers.enqueued[0]?.timer, timers.enqueued[0]?.timer]);
  });
});
