import { describe, expect, it } from 'vitest';
import { chaosStream } from '../support/chaos-stream.js';
import { drive } from '../support/chaos-run.js';
import { compareRuns } from '../support/chaos-compare.js';
import { deadLetteredRecords, failedBackRecords, injectedFaults } from '../support/runtime-log.js';

/**
 * The pipeline's own failure path. At `npm run chaos`'s fault rates the SDK's three attempts absorb
 * every injected fault; here DynamoDB fails half of the first 300 calls (attempts), an outage that
 * ends, so the SDK gives up on some calls, classify fails their records back to the queue, and the
 * queue delivers them again 10 s later, after records that came behind them. The end state must
 * equal a clean run's, and only the record that can never succeed may be in the DLQ.
 */
const OUTAGE = 'throttle:0.2,error500:0.3,first:300';
/** Not an SES notification: the one record that belongs in the DLQ, in both runs. */
const NOT_SES = JSON.stringify({ hello: 'not an SES notification' });

describe('records failed back to the queue under DynamoDB faults', () => {
  it('are applied on redelivery, leaving every address, history entry and count as a clean run', async () => {
    const stream = chaosStream({ events: 300, seed: 23, now: Date.now() });
    const events = [...stream.events, NOT_SES];
    const order = events.map((_, i) => i);
    const [clean, faulty] = await Promise.all([drive(events, { order }), drive(events, { order, faults: OUTAGE })]);
    // A redelivered record arrives behind newer events: the stream's one order-dependent case is compared as the chaos run compares it.
    const comparison = compareRuns(clean.items, faulty.items, new Set(stream.orderDependent));
    const injected = injectedFaults(faulty.output);
    const failedBack = failedBackRecords(faulty.output);
    const summary = JSON.stringify({
      injected,
      failedBack,
      compared: comparison.compared,
      dlq: { clean: clean.deadLetters, faulty: faulty.deadLetters },
      seconds: { clean: clean.seconds, faulty: faulty.seconds },
      differences: comparison.differences.slice(0, 20),
    });
    console.log(summary);
    // The failure path really ran: faults the SDK could not absorb failed records back to the queue.
    expect(injected?.throttled ?? 0, summary).toBeGreaterThan(10);
    expect(injected?.failed500 ?? 0, summary).toBeGreaterThan(10);
    expect(failedBack, summary).toBeGreaterThan(0);
    // Enough of each kind was compared for a difference to show.
    expect(comparison.compared.state ?? 0, summary).toBeGreaterThan(15);
    expect(comparison.compared.history ?? 0, summary).toBeGreaterThan(15);
    expect(comparison.compared.counter ?? 0, summary).toBeGreaterThan(100);
    expect(comparison.differences, summary).toEqual([]);
    // In the DLQ: the record that is not SES, sent there by classify; no valid record redriven after failing.
    expect([clean.deadLetters, faulty.deadLetters], summary).toEqual([1, 1]);
    expect([deadLetteredRecords(clean.output), deadLetteredRecords(faulty.output)], summary).toEqual([1, 1]);
  }, 120_000);
});
