import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeStores } from '../../shared/adapters/compose.js';
import { ensureTables } from '../../shared/adapters/outbound/create-tables.js';
import type { HistoryWrite } from '../../shared/app/ports.js';
import { applySignal, NO_EVIDENCE } from '../../shared/domain/index.js';
import { awsTestConfig, startDynamo, type Dynamo } from '../support/emulators.js';

let dynamo: Dynamo;
beforeAll(async () => {
  dynamo = await startDynamo();
});
afterAll(async () => {
  await dynamo?.stop();
});

let tableSeq = 0;
async function freshTables() {
  tableSeq++;
  const tables = { addressTable: `history-batch-${tableSeq}`, campaignTable: `history-batch-c-${tableSeq}` };
  await ensureTables(dynamo.client, tables);
  return tables;
}

const write = (email: string, eventId: string): HistoryWrite => {
  const transition = applySignal(email, null, {
    kind: 'hard-bounce',
    eventId,
    occurredAt: '2026-11-20T10:00:00.000Z',
    evidence: NO_EVIDENCE,
  });
  if (!transition) throw new Error('no transition');
  return { entry: transition.history, expiresAt: 1_900_000_000 };
};

describe('DynamoDB adapter: batched history writes', () => {
  it('writes every entry across more 25-item requests than run at once, a key named twice once', async () => {
    const { addresses } = composeStores(dynamo.client, await freshTables());
    const writes = Array.from({ length: 260 }, (_, i) => write(`user${i % 52}@example.org`, `e${i}`));
    const result = await addresses.putHistories([...writes, writes[0] as HistoryWrite]);
    expect(result).toEqual({ unwritten: [], errors: [] });
    expect(await addresses.history('user0@example.org', 10)).toHaveLength(5);
    let total = 0;
    for (let i = 0; i < 52; i++) total += (await addresses.history(`user${i}@example.org`, 10)).length;
    expect(total).toBe(260);
  });

  it('resolves with the entries of a request that failed (and why) instead of rejecting', async () => {
    const tables = await freshTables();
    const client = new DynamoDBClient({ endpoint: dynamo.endpoint, ...awsTestConfig });
    let batchWrites = 0;
    client.middlewareStack.add(
      (next, context) => async (args) => {
        // The second request of the three fails.
        if (context.commandName === 'BatchWriteItemCommand' && ++batchWrites === 2) throw new Error('ProvisionedThroughputExceeded');
        return next(args);
      },
      { step: 'initialize', name: 'failSecondBatchWrite' },
    );
    const { addresses } = composeStores(client, tables);
    const writes = Array.from({ length: 60 }, (_, i) => write(`user${i}@example.org`, `e${i}`));
    const result = await addresses.putHistories(writes);
    expect(batchWrites).toBe(3);
    expect(result.unwritten).toHaveLength(25);
    expect(result.errors).toHaveLength(1);
    let written = 0;
    for (let i = 0; i < 60; i++) written += (await addresses.history(`user${i}@example.org`, 10)).length;
    expect(written).toBe(35);
    client.destroy();
  });
});
