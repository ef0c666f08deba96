import { DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { capacityUnits, itemBytes, RequestMeter } from '../../shared/adapters/request-meter.js';
import { silentLogger } from '../../shared/app/ports.js';

/** A request handler that answers every request with `answer(body)` as JSON, and keeps the request bodies. */
function fakeHandler(answer: (request: Record<string, unknown>) => unknown, status = 200) {
  const seen: Array<Record<string, unknown>> = [];
  return {
    seen,
    handler: {
      handle: async (request: { body?: unknown }) => {
        const parsed = JSON.parse(String(request.body ?? '{}')) as Record<string, unknown>;
        seen.push(parsed);
        return {
          response: {
            statusCode: status,
            headers: { 'content-type': 'application/x-amz-json-1.0' },
            body: new TextEncoder().encode(JSON.stringify(answer(parsed))),
          },
        };
      },
    },
  };
}

const config = { region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' }, maxAttempts: 1 };

describe('the request meter middleware', () => {
  it('counts DynamoDB requests by operation and function, asks for the consumed capacity and adds it up', async () => {
    const fake = fakeHandler((request) =>
      'Item' in request ? { ConsumedCapacity: { TableName: 't', CapacityUnits: 3 } } : { ConsumedCapacity: { CapacityUnits: 0.5 } },
    );
    const client = new DynamoDBClient({ ...config, requestHandler: fake.handler });
    const meter = new RequestMeter();
    meter.attach(client, 'classify');
    const doc = DynamoDBDocumentClient.from(client);
    await doc.send(new PutCommand({ TableName: 't', Item: { pk: 'a', body: 'x' } }));
    await client.send(new PutItemCommand({ TableName: 't', Item: { pk: { S: 'b' } } }));
    await meter.call('send', 1, () => client.send(new GetItemCommand({ TableName: 't', Key: { pk: { S: 'a' } } })));
    expect(fake.seen.every((body) => body.ReturnConsumedCapacity === 'TOTAL')).toBe(true);
    const rows = meter.snapshot().requests;
    expect(rows).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ service: 'DynamoDB', operation: 'PutItem', function: 'classify', count: 2, writeUnits: 6, readUnits: 0 }),
        expect.objectContaining({ service: 'DynamoDB', operation: 'GetItem', function: 'send', count: 1, readUnits: 0.5 }),
      ]),
    );
    expect(rows).toHaveLength(2);
    // The invocation knows what it waited on (to rescale the emulators' latency to AWS's).
    expect(meter.snapshot().invocations.send).toMatchObject({ calls: 1, requests: { DynamoDB: 1 } });
    expect(meter.snapshot().invocations.send?.waitingMs).toBeGreaterThan(0);
  });

  it('counts a refused conditional write as one write unit, other errors apart and unpriced', async () => {
    const fake = fakeHandler(() => ({ __type: 'com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException', message: 'no' }), 400);
    const client = new DynamoDBClient({ ...config, requestHandler: fake.handler });
    const meter = new RequestMeter();
    meter.attach(client, 'classify');
    await expect(client.send(new PutItemCommand({ TableName: 't', Item: { pk: { S: 'b' } } }))).rejects.toThrow();
    expect(meter.snapshot().requests).toEqual([expect.objectContaining({ operation: 'PutItem', count: 1, errors: 1, writeUnits: 1 })]);
  });

  it('counts SQS payload in 64 KB chunks and keeps empty receives apart', async () => {
    let receives = 0;
    const fake = fakeHandler((request) =>
      'MessageBody' in request ? { MessageId: 'm' } : receives++ === 0 ? { Messages: [{ MessageId: 'm', Body: 'y'.repeat(70_000) }] } : {},
    );
    const client = new SQSClient({ ...config, md5: false, requestHandler: fake.handler });
    const meter = new RequestMeter();
    meter.attach(client, 'retry');
    await client.send(new SendMessageCommand({ QueueUrl: 'https://sqs.us-east-1.amazonaws.com/1/q', MessageBody: 'x'.repeat(140_000) }));
    await client.send(new ReceiveMessageCommand({ QueueUrl: 'https://sqs.us-east-1.amazonaws.com/1/q' }));
    await client.send(new ReceiveMessageCommand({ QueueUrl: 'https://sqs.us-east-1.amazonaws.com/1/q' }));
    const byOperation = Object.fromEntries(meter.snapshot().requests.map((row) => [row.operation, row]));
    expect(byOperation.SendMessage).toMatchObject({ service: 'SQS', function: 'retry', count: 1, chunks: 3, bytes: 140_000 });
    expect(byOperation.ReceiveMessage).toMatchObject({ count: 1, chunks: 2 });
    expect(byOperation['ReceiveMessage (empty)']).toMatchObject({ count: 1, chunks: 1 });
  });

  it('meters invocations with their records and wall time, and the log bytes of a function', async () => {
    const meter = new RequestMeter();
    const logger = meter.logger('classify', silentLogger);
    await meter.call('classify', 7, async () => {
      logger.info('Batch done', { records: 7 });
      await new Promise((resolve) => setTimeout(resolve, 20));
    });
    const snapshot = meter.snapshot();
    expect(snapshot.invocations.classify).toMatchObject({ calls: 1, records: 7 });
    expect(snapshot.invocations.classify?.durationMs).toBeGreaterThanOrEqual(15);
    expect(snapshot.logBytes.classify).toBeGreaterThan(60);
    // The process's CPU time meanwhile is recorded (all its threads: it may exceed the wall time on a busy worker).
    expect(snapshot.invocations.classify?.cpuMs).toBeGreaterThanOrEqual(0);
  });

  it('adds to the counts of an earlier run', async () => {
    const first = new RequestMeter();
    await first.call('send', 1, async () => undefined);
    const second = new RequestMeter(first.snapshot());
    await second.call('send', 1, async () => undefined);
    expect(second.snapshot().invocations.send).toMatchObject({ calls: 2, records: 2 });
  });

  it('names the metric series of an EMF document', () => {
    const meter = new RequestMeter();
    meter.recordEmf('health', {
      _aws: {
        CloudWatchMetrics: [{ Namespace: 'Bounce', Dimensions: [['campaign']], Metrics: [{ Name: 'Sends' }, { Name: 'HardBounces' }] }],
      },
      campaign: 'c1',
      Sends: 3,
      HardBounces: 0,
    });
    expect([...meter.snapshot().metricSeries].sort()).toEqual(['Bounce|HardBounces|campaign=c1', 'Bounce|Sends|campaign=c1']);
  });
});

describe('capacity units without a report', () => {
  it.each([
    ['a 2.5 KB write costs 3 WRU', 'PutItem', { Item: { pk: { S: 'x'.repeat(2500) } } }, {}, { readUnits: 0, writeUnits: 3 }],
    [
      'an eventually consistent 1 KB read costs 0.5 RRU',
      'GetItem',
      {},
      { Item: { pk: { S: 'x'.repeat(1000) } } },
      { readUnits: 0.5, writeUnits: 0 },
    ],
    [
      'a strongly consistent 5 KB read costs 2 RRU',
      'GetItem',
      { ConsistentRead: true },
      { Item: { pk: { S: 'x'.repeat(5000) } } },
      { readUnits: 2, writeUnits: 0 },
    ],
    ['a reported figure wins', 'PutItem', { Item: {} }, { ConsumedCapacity: { CapacityUnits: 7 } }, { readUnits: 0, writeUnits: 7 }],
    [
      'batches add the tables up',
      'BatchWriteItem',
      {},
      { ConsumedCapacity: [{ CapacityUnits: 2 }, { CapacityUnits: 3 }] },
      { readUnits: 0, writeUnits: 5 },
    ],
  ])('%s', (_name, operation, input, output, expected) => {
    expect(capacityUnits(operation, input, output)).toEqual(expected);
  });

  it('sizes an item as DynamoDB does (names + values)', () => {
    expect(itemBytes({ pk: { S: 'abc' }, n: { N: '12345' }, ok: { BOOL: true } })).toBe(2 + 3 + 1 + 4 + 2 + 1);
  });
});
