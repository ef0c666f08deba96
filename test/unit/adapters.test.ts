import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { BatchGetCommand, DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { VersionConflictError } from '../../shared/app/errors.js';
import { counterIdKey } from '../../shared/app/ports.js';
import { documentClient } from '../../shared/adapters/compose.js';
import { DynamoAddressRepository } from '../../shared/adapters/outbound/dynamo-address-repository.js';
import { DynamoCampaignRepository } from '../../shared/adapters/outbound/dynamo-campaign-repository.js';
import { SqsDeadLetterSink } from '../../shared/adapters/outbound/sqs-dead-letter.js';
import { addToSketch, EMPTY_SKETCH, encodeSketch, NO_EVIDENCE, type AddressState } from '../../shared/domain/index.js';

const dynamo = mockClient(DynamoDBDocumentClient);
const sqs = mockClient(SQSClient);
beforeEach(() => {
  dynamo.reset();
  sqs.reset();
});

const doc = documentClient({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
const conditionFailed = () => new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });

const state: AddressState = {
  email: 'kim@example.com',
  status: 'suppressed',
  reason: 'hard-bounce',
  ...NO_EVIDENCE,
  firstSeenAt: '2026-11-20T10:00:00.000Z',
  lastSeenAt: '2026-11-20T10:00:00.000Z',
  count: 1,
  releasedAt: null,
  releasedBy: null,
  releaseReason: null,
  appliedEventIds: ['e1'],
  lastChange: null,
  version: 3,
};

describe('DynamoAddressRepository', () => {
  const repo = new DynamoAddressRepository(doc, 'addresses');

  it('writes state only over the version it read, and maps a lost race to VersionConflictError', async () => {
    dynamo.on(PutCommand).resolvesOnce({}).rejectsOnce(conditionFailed());
    await repo.putState(state, 2);
    expect(dynamo).toHaveReceivedCommandWith(PutCommand, {
      TableName: 'addresses',
      ConditionExpression: 'version = :expected',
      ExpressionAttributeValues: { ':expected': 2 },
      Item: expect.objectContaining({
        pk: 'ADDR#kim@example.com',
        sk: 'STATE',
        status: 'suppressed',
        statusSort: '2026-11-20T10:00:00.000Z#kim@example.com',
      }),
    });
    await expect(repo.putState(state, 2)).rejects.toBeInstanceOf(VersionConflictError);
  });

  it("stores and reads back the time of the record's evidence", async () => {
    dynamo.on(PutCommand).resolves({});
    await repo.putState({ ...state, evidenceAt: '2026-11-20T09:00:00.000Z' }, 2);
    const written = dynamo.commandCalls(PutCommand)[0]?.args[0].input.Item ?? {};
    expect(written.evidenceAt).toBe('2026-11-20T09:00:00.000Z');
    dynamo.on(GetCommand).resolves({ Item: written });
    expect(await repo.getState('kim@example.com')).toMatchObject({ evidenceAt: '2026-11-20T09:00:00.000Z' });
  });

  it('creates a record only where none exists', async () => {
    dynamo.on(PutCommand).resolves({});
    await repo.putState({ ...state, version: 1 }, 0);
    expect(dynamo).toHaveReceivedCommandWith(PutCommand, { ConditionExpression: 'attribute_not_exists(pk)' });
  });

  it('reads state consistently and tolerates missing optional fields', async () => {
    dynamo.on(GetCommand).resolves({
      Item: {
        pk: 'ADDR#kim@example.com',
        sk: 'STATE',
        email: 'kim@example.com',
        status: 'review',
        reason: 'manual',
        firstSeenAt: '2026-11-20T10:00:00.000Z',
        lastSeenAt: '2026-11-20T10:00:00.000Z',
        count: 2,
        version: 5,
      },
    });
    const read = await repo.getState('kim@example.com');
    expect(read).toMatchObject({ status: 'review', appliedEventIds: [], diagnostic: null, version: 5 });
    expect(read && 'evidenceAt' in read).toBe(false); // unknown, not "no time"
    expect(dynamo).toHaveReceivedCommandWith(GetCommand, { ConsistentRead: true, Key: { pk: 'ADDR#kim@example.com', sk: 'STATE' } });
  });

  it("reads deliveries' review status eventually consistent (half the read units of every delivery)", async () => {
    dynamo.on(BatchGetCommand).resolves({
      Responses: {
        addresses: [
          { email: 'kim@example.com', status: 'review' },
          { email: 'lee@example.com', status: 'active' },
        ],
      },
    });
    expect(await repo.inReview(['kim@example.com', 'lee@example.com', 'kim@example.com'])).toEqual(new Set(['kim@example.com']));
    const input = dynamo.commandCalls(BatchGetCommand)[0]?.args[0].input;
    expect(input?.RequestItems?.addresses).toMatchObject({
      ConsistentRead: false,
      Keys: [{ pk: 'ADDR#kim@example.com' }, { pk: 'ADDR#lee@example.com' }],
    });
  });

  it('refuses a corrupt item with the item type and field in the error, never the address', async () => {
    const item = { pk: 'ADDR#kim@example.com', sk: 'STATE', email: 'kim@example.com', reason: 'manual', count: 1, version: 1 };
    dynamo.on(GetCommand).resolves({ Item: { ...item, status: 'gone' } });
    const error = await repo.getState('kim@example.com').catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'CorruptItemError', message: expect.stringContaining('address state item: status is not one of') });
    expect(String((error as Error).message)).not.toContain('kim@');
    dynamo
      .on(QueryCommand)
      .resolves({ Items: [{ pk: 'ADDR#kim@example.com', sk: 'HIST#x', email: 'kim@example.com', eventId: 'e', at: 'x' }] });
    await expect(repo.history('kim@example.com', 5)).rejects.toThrow('history item: signal is not one of');
  });

  it('reads history entries from an allow-list: keys, TTL and unknown attributes stay in storage', async () => {
    const entry = {
      email: 'kim@example.com',
      eventId: 'e1',
      at: '2026-11-20T10:00:00.000Z',
      signal: 'hard-bounce',
      fromStatus: null,
      toStatus: 'suppressed',
      reason: 'hard-bounce',
      category: 'invalid-address',
      rule: 'code-5.1.1',
      smtpCode: 550,
      enhancedCode: '5.1.1',
      diagnostic: 'smtp; 550 5.1.1 user unknown',
      campaign: 'nov',
      messageId: 'm1',
      actor: null,
      note: null,
    };
    dynamo.on(QueryCommand).resolves({ Items: [{ pk: 'ADDR#kim@example.com', sk: 'HIST#1', expiresAt: 99, internal: 'x', ...entry }] });
    expect(await repo.history('kim@example.com', 5)).toEqual([entry]);
  });

  it('counts only unexpired soft bounces, across pages, and returns them oldest first', async () => {
    dynamo
      .on(QueryCommand)
      .resolvesOnce({
        Items: [{ eventId: 'a', occurredAt: '2026-11-19T00:00:00.000Z', expiresAt: 1 }],
        LastEvaluatedKey: { pk: 'x', sk: 'y' },
      })
      .resolvesOnce({
        Items: [{ eventId: 'b', occurredAt: '2026-11-20T00:00:00.000Z', expiresAt: 2, evidence: { ...NO_EVIDENCE, rule: 'r' } }],
      });
    const window = await repo.softBounceWindow('kim@example.com', new Date('2026-11-20T12:00:00Z'), null);
    expect(window).toMatchObject({ count: 2, items: [{ eventId: 'a' }, { eventId: 'b', evidence: { rule: 'r' } }] });
    expect(dynamo).toHaveReceivedCommandWith(QueryCommand, {
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :soft)',
      FilterExpression: '#ttl > :now',
      ExpressionAttributeValues: {
        ':pk': 'ADDR#kim@example.com',
        ':soft': 'SOFT#',
        ':now': Math.floor(Date.parse('2026-11-20T12:00:00Z') / 1000),
      },
    });
    expect(dynamo).toHaveReceivedCommandTimes(QueryCommand, 2);
  });

  it('after a release, counts only soft bounces since then', async () => {
    dynamo.on(QueryCommand).resolves({ Items: [] });
    await repo.softBounceWindow('kim@example.com', new Date('2026-11-20T12:00:00Z'), '2026-11-20T09:00:00.000Z');
    expect(dynamo).toHaveReceivedCommandWith(QueryCommand, {
      FilterExpression: '#ttl > :now AND occurredAt > :since',
      ExpressionAttributeValues: expect.objectContaining({ ':since': '2026-11-20T09:00:00.000Z' }),
    });
  });

  it('keys a soft bounce by its event alone; a redelivery dated otherwise keeps the earliest time', async () => {
    dynamo.on(PutCommand).resolves({});
    const item = { email: 'kim@example.com', eventId: 'Bounce:fb-1:kim@example.com', occurredAt: '2026-11-20T10:00:00.000Z' };
    await repo.putSoftBounce({ ...item, evidence: NO_EVIDENCE, expiresAt: 5 });
    expect(dynamo).toHaveReceivedCommandWith(PutCommand, {
      Item: expect.objectContaining({ pk: 'ADDR#kim@example.com', sk: 'SOFT#Bounce:fb-1:kim@example.com', occurredAt: item.occurredAt }),
      ConditionExpression: 'attribute_not_exists(sk) OR occurredAt > :occurredAt',
    });
  });
});

describe('DynamoCampaignRepository', () => {
  const repo = new DynamoCampaignRepository(doc, 'campaigns');
  const id = { campaign: 'nov', hour: '2026-11-20T10', name: 'hardBounces|provider|gmail' };
  const sketch = addToSketch(EMPTY_SKETCH, [11, 7]);

  it('writes a counter sketch with its estimate, conditional on the version it read', async () => {
    dynamo.on(PutCommand).resolvesOnce({}).rejectsOnce(conditionFailed()).resolvesOnce({});
    expect(await repo.writeCounter(id, sketch, 2, 3)).toBe(true);
    expect(dynamo).toHaveReceivedCommandWith(PutCommand, {
      Item: { pk: 'COUNT#nov', sk: '2026-11-20T10#hardBounces|provider|gmail#0', sketch: encodeSketch(sketch), count: 2, version: 4 },
      ConditionExpression: '#version = :version',
      ExpressionAttributeValues: { ':version': 3 },
    });
    expect(await repo.writeCounter(id, sketch, 2, 3)).toBe(false);
    expect(await repo.writeCounter(id, sketch, 2, 0)).toBe(true);
    expect(dynamo).toHaveReceivedCommandWith(PutCommand, { ConditionExpression: 'attribute_not_exists(pk)' });
  });

  it('reads stored sketches back by counter', async () => {
    dynamo.on(BatchGetCommand).resolves({
      Responses: {
        campaigns: [
          { pk: 'COUNT#nov', sk: '2026-11-20T10#hardBounces|provider|gmail#3', sketch: encodeSketch(sketch), count: 2, version: 4 },
        ],
      },
    });
    const stored = await repo.readCounters([{ ...id, shard: 3 }, id, { ...id, name: 'sends', shard: 3 }]);
    expect([...stored.entries()]).toEqual([[counterIdKey({ ...id, shard: 3 }), { sketch, version: 4 }]]);
  });

  it('sums counter estimates over hours from one Query, merging shards by union', async () => {
    const shard = (hashes: number[]) => ({ sketch: encodeSketch(addToSketch(EMPTY_SKETCH, hashes)), count: hashes.length });
    dynamo.on(QueryCommand).resolvesOnce({
      Items: [
        { sk: '2026-11-20T09#sends#0', count: 7 },
        { sk: '2026-11-20T10#sends#0', count: 10 },
        { sk: '2026-11-20T10#hardBounces#0', count: 1 },
        // Two shards of one counter that both hold event 3 (a replay that met another shard): counted once.
        { sk: '2026-11-20T11#sends#0', ...shard([1, 2, 3]) },
        { sk: '2026-11-20T11#sends#5', ...shard([3, 4]) },
      ],
    });
    expect(await repo.totals('nov', ['2026-11-20T11', '2026-11-20T10'])).toEqual({ counts: { sends: 14, hardBounces: 1 }, errors: {} });
    expect(dynamo).toHaveReceivedCommandTimes(QueryCommand, 1);
    expect(dynamo).toHaveReceivedCommandWith(QueryCommand, {
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      ExpressionAttributeValues: { ':pk': 'COUNT#nov', ':from': '2026-11-20T10#', ':to': '2026-11-20T11$' },
    });
  });

  it('marks a campaign active once a day per container, whatever hours of the day it is active in', async () => {
    dynamo.on(PutCommand).resolves({});
    for (const hour of ['2026-11-20T10', '2026-11-20T11', '2026-11-20T23', '2026-11-20T10']) await repo.markActive('nov', hour);
    await repo.markActive('dec', '2026-11-20T10');
    await repo.markActive('nov', '2026-11-21T00');
    expect(dynamo).toHaveReceivedCommandTimes(PutCommand, 3);
    expect(dynamo).toHaveReceivedCommandWith(PutCommand, {
      Item: { pk: 'ACTIVE#2026-11-20', sk: 'nov', campaign: 'nov', day: '2026-11-20' },
    });
  });
});

describe('SqsDeadLetterSink', () => {
  it('sends the original body with the reason and the source message id as attributes', async () => {
    sqs.on(SendMessageCommand).resolves({});
    await new SqsDeadLetterSink(new SQSClient({ region: 'us-east-1' }), 'https://sqs.example/dlq').send('{bad', 'x'.repeat(2000), 'm-1');
    expect(sqs).toHaveReceivedCommandWith(SendMessageCommand, {
      QueueUrl: 'https://sqs.example/dlq',
      MessageBody: '{bad',
      MessageAttributes: {
        reason: { DataType: 'String', StringValue: 'x'.repeat(1024) },
        sourceMessageId: { DataType: 'String', StringValue: 'm-1' },
      },
    });
  });
});
