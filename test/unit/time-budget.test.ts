import type { SQSEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { TIME_RESERVE_MS } from '../../shared/app/classify-batch.js';
import { bounceFor, sqsEvent } from '../support/batches.js';
import { classifyOverFakes } from '../support/classify-fakes.js';

const bodies = Array.from({ length: 10 }, (_, i) =>
  JSON.stringify(
    bounceFor(`user${i}@example.com`, { feedbackId: `f${i}`, status: '5.1.1', diagnosticCode: 'smtp; 550 5.1.1 user unknown' }),
  ),
);

const setup = () => classifyOverFakes({ addressConcurrency: 1 });

describe('time budget', () => {
  it('starts no new address near the timeout: the rest is failed back whole, and a redelivery completes it', async () => {
    const { addresses, campaigns, handler } = setup();
    let checks = 0;
    // Plenty of time for the first four addresses, then less than the reserve.
    const context = { getRemainingTimeInMillis: () => (++checks <= 4 ? 25_000 : TIME_RESERVE_MS - 1) };
    const event = sqsEvent(bodies);
    const first = await handler(event, context);
    expect(first.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(['m-4', 'm-5', 'm-6', 'm-7', 'm-8', 'm-9']);
    expect([...addresses.states.keys()].sort()).toEqual([
      'user0@example.com',
      'user1@example.com',
      'user2@example.com',
      'user3@example.com',
    ]);
    expect(campaigns.total('hardBounces')).toBe(4);

    const retry: SQSEvent = { Records: event.Records.filter((r) => first.batchItemFailures.some((f) => f.itemIdentifier === r.messageId)) };
    expect((await handler(retry, { getRemainingTimeInMillis: () => 25_000 })).batchItemFailures).toEqual([]);
    expect(addresses.states.size).toBe(10);
    expect(campaigns.total('hardBounces')).toBe(10);
  });

  it('without a context (local runtime, tests) there is no budget', async () => {
    const { addresses, handler } = setup();
    expect((await handler(sqsEvent(bodies))).batchItemFailures).toEqual([]);
    expect(addresses.states.size).toBe(10);
  });
});
