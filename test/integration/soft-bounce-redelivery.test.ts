import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bounceFor, sqsEvent } from '../support/batches.js';
import { startDynamo, type Dynamo } from '../support/emulators.js';
import { pipelineOn } from '../support/pipeline.js';

const NOW = new Date('2026-11-20T12:00:00.000Z');
const EMAIL = 'full5@ex5.test';
const hoursAgo = (hours: number) => new Date(NOW.getTime() - hours * 3600_000).toISOString();
const softBounce = (feedbackId: string, at: string) =>
  JSON.stringify(bounceFor(EMAIL, { feedbackId, status: '4.2.2', diagnosticCode: 'smtp; 452 4.2.2 Mailbox full', at }));

let dynamo: Dynamo;
beforeAll(async () => {
  dynamo = await startDynamo();
});
afterAll(async () => {
  await dynamo?.stop();
});

describe('the soft-bounce window counts each bounce once', () => {
  it('3 soft bounces and a redelivery of one with another timestamp: 3 in the window, no review; a 4th real one: review', async () => {
    const pipeline = await pipelineOn(dynamo.client, { clock: () => NOW });
    const state = async () => (await pipeline.addressItems(EMAIL)).find((item) => item.sk === 'STATE');
    const windowItems = async () => (await pipeline.addressItems(EMAIL)).filter((item) => String(item.sk).startsWith('SOFT#'));
    for (const [i, at] of [hoursAgo(10), hoursAgo(8), hoursAgo(6)].entries()) {
      expect((await pipeline.handler(sqsEvent([softBounce(`fb-${i}`, at)], `m-${i}`))).batchItemFailures).toEqual([]);
    }
    // SNS delivers fb-1 again, dated otherwise (each delivery of it twice, in one batch and in the next).
    await pipeline.handler(sqsEvent([softBounce('fb-1', hoursAgo(2)), softBounce('fb-1', hoursAgo(1))], 'again'));
    expect(await windowItems()).toHaveLength(3);
    expect((await windowItems()).find((item) => String(item.sk).includes('fb-1'))).toMatchObject({ occurredAt: hoursAgo(8) });
    expect((await state())?.status ?? null).not.toBe('review');

    await pipeline.handler(sqsEvent([softBounce('fb-3', hoursAgo(1))], 'fourth'));
    expect(await windowItems()).toHaveLength(4);
    expect(await state()).toMatchObject({ status: 'review', reason: 'soft-bounce-threshold' });
  });
});
