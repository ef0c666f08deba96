import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storedTotal } from '../support/counters.js';
import { mixedBatch, sqsEvent } from '../support/batches.js';
import { awsTestConfig, startDynamo, type Dynamo } from '../support/emulators.js';
import { pipelineOn } from '../support/pipeline.js';

let dynamo: Dynamo;
beforeAll(async () => {
  dynamo = await startDynamo();
});
afterAll(async () => {
  await dynamo?.stop();
});

const WRITES = new Set(['PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand', 'BatchWriteItemCommand']);

/** A client whose process "dies" at its n-th write: that write and every later one fail. */
function crashingClient(endpoint: string, crashAt: number, when: 'before' | 'after'): DynamoDBClient {
  const client = new DynamoDBClient({ endpoint, ...awsTestConfig });
  let writes = 0;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (!WRITES.has(context.commandName ?? '')) return next(args);
      writes++;
      if (writes < crashAt) return next(args);
      if (writes === crashAt && when === 'after') await next(args);
      throw new Error(`crash at write ${crashAt} (${when})`);
    },
    { step: 'initialize', name: 'crashAtWrite' },
  );
  return client;
}

/** Every item: address state, history, windows and every campaign counter (not when a record was written). */
const exactlyOnceState = (items: Record<string, unknown>[]) => items.map(({ writtenAt: _processingTime, ...item }) => item);

const counter = (items: Record<string, unknown>[], name: string) => storedTotal(items, name);

describe('exactly once', () => {
  const batch = mixedBatch();

  it('the mixed batch produces the expected state', async () => {
    const pipeline = await pipelineOn(dynamo.client);
    expect((await pipeline.handler(sqsEvent(batch))).batchItemFailures).toEqual([]);
    const state = async (email: string) => (await pipeline.addressItems(email)).find((item) => item.sk === 'STATE');
    expect(await state('flaky@example.org')).toMatchObject({
      status: 'review',
      reason: 'soft-bounce-threshold',
      count: 1,
      appliedEventIds: [expect.stringContaining('soft-3')],
    });
    expect(await state('member@contoso.example')).toMatchObject({
      status: 'released',
      reason: 'policy-block-review',
      releasedBy: 'delivery',
      count: 2,
    });
    expect(await state('gone@example.net')).toMatchObject({ status: 'suppressed', reason: 'hard-bounce', campaign: 'winter' });
    expect((await pipeline.addressItems('flaky@example.org')).filter((item) => String(item.sk).startsWith('SOFT#'))).toHaveLength(4);
  });

  it('delivering every record twice (in one batch, and again in a later batch) changes nothing, counts included', async () => {
    const once = await pipelineOn(dynamo.client);
    await once.handler(sqsEvent(batch));
    const reference = await once.dump();

    const twice = await pipelineOn(dynamo.client);
    await twice.handler(sqsEvent([...batch, ...batch], 'dup'));
    const duplicated = await twice.dump();
    expect(exactlyOnceState(duplicated)).toEqual(exactlyOnceState(reference));
    expect(counter(reference, 'sends')).toBeGreaterThan(0);
    for (const name of ['sends', 'deliveries', 'delays', 'hardBounces'])
      expect(counter(duplicated, name), name).toBe(counter(reference, name));

    await twice.handler(sqsEvent(batch, 'again'));
    const after = await twice.dump();
    expect(exactlyOnceState(after)).toEqual(exactlyOnceState(reference));
    expect(counter(after, 'sends')).toBe(counter(reference, 'sends'));
  });

  // One test per side of the write (each ~57 crash points): each half fits its timeout on a loaded machine.
  it.each(['before', 'after'] as const)(
    'a crash %s any write, then a redelivery of the batch, leaves what one clean run leaves',
    async (when) => {
      const clean = await pipelineOn(dynamo.client);
      let totalWrites = 0;
      const counting = new DynamoDBClient({ endpoint: dynamo.endpoint, ...awsTestConfig });
      counting.middlewareStack.add(
        (next, context) => async (args) => {
          if (WRITES.has(context.commandName ?? '')) totalWrites++;
          return next(args);
        },
        { step: 'initialize', name: 'countWrites' },
      );
      const counted = await pipelineOn(counting);
      await counted.handler(sqsEvent(batch));
      await clean.handler(sqsEvent(batch));
      const reference = exactlyOnceState(await clean.dump());
      expect(totalWrites).toBeGreaterThan(20);

      for (let crashAt = 1; crashAt <= totalWrites; crashAt++) {
        const crashing = await pipelineOn(crashingClient(dynamo.endpoint, crashAt, when));
        const firstRun = await crashing.handler(sqsEvent(batch));
        expect(firstRun.batchItemFailures.length, `crash ${when} write ${crashAt}`).toBeGreaterThan(0);
        // The queue delivers the whole batch again to a healthy function on the same tables.
        const recovery = await pipelineOn(dynamo.client, {
          tables: { addressTable: crashing.addressTable, campaignTable: crashing.campaignTable },
        });
        expect((await recovery.handler(sqsEvent(batch, 'redelivered'))).batchItemFailures).toEqual([]);
        expect(exactlyOnceState(await recovery.dump()), `crash ${when} write ${crashAt}`).toEqual(reference);
      }
    },
    240_000,
  );
});
