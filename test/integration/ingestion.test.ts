import { PublishCommand } from '@aws-sdk/client-sns';
import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureMessaging, type Messaging as Topology } from '../../shared/adapters/outbound/messaging.js';
import { storedTotal } from '../support/counters.js';
import { SqsPoller } from '../../local/sqs-poller.js';
import { notificationFixture } from '../support/corpus.js';
import { startDynamo, startMessaging, type Dynamo, type Messaging } from '../support/emulators.js';
import { pipelineOn } from '../support/pipeline.js';

let dynamo: Dynamo;
let messaging: Messaging;
let seq = 0;

beforeAll(async () => {
  [dynamo, messaging] = await Promise.all([startDynamo(), startMessaging()]);
});
afterAll(async () => {
  await Promise.all([dynamo?.stop(), messaging?.stop()]);
});

async function freshTopology(): Promise<Topology> {
  seq++;
  return ensureMessaging(messaging.sns, messaging.sqs, {
    topic: `ses-${seq}`,
    queue: `notifications-${seq}`,
    deadLetterQueue: `notifications-dlq-${seq}`,
  });
}

const publish = (topicArn: string, message: unknown) =>
  messaging.sns.send(new PublishCommand({ TopicArn: topicArn, Message: typeof message === 'string' ? message : JSON.stringify(message) }));

describe('SES → SNS → SQS → classify handler → DynamoDB', () => {
  it('stores suppressions, windows, delays and counters from real notification shapes', async () => {
    const topology = await freshTopology();
    const pipeline = await pipelineOn(dynamo.client, { sqs: messaging.sqs, deadLetterQueueUrl: topology.deadLetterQueueUrl });
    for (const name of [
      'event-bounce-permanent.json',
      'event-complaint.json',
      'event-delivery-delay.json',
      'event-send.json',
      'event-delivery.json',
      'event-open.json',
      'identity-bounce-transient.json',
    ]) {
      await publish(topology.topicArn, notificationFixture(name));
    }
    const poller = new SqsPoller({
      sqs: messaging.sqs,
      queueUrl: topology.queueUrl,
      process: pipeline.process,
    });
    expect(await poller.drain()).toBe(7);

    const kim = await pipeline.addressItems('kim.lee@gmail.com');
    const state = kim.find((item) => item.sk === 'STATE');
    expect(state).toMatchObject({
      status: 'suppressed',
      reason: 'hard-bounce',
      category: 'invalid-address',
      enhancedCode: '5.1.1',
      smtpCode: 550,
      campaign: 'nov-offers',
      count: 1,
    });
    expect(kim.filter((item) => String(item.sk).startsWith('HIST#'))).toHaveLength(1);

    // A reputation block says nothing about the address.
    expect(await pipeline.addressItems('buyer@gmail.com')).toEqual([]);
    expect((await pipeline.addressItems('angry@yahoo.com')).find((i) => i.sk === 'STATE')).toMatchObject({
      status: 'suppressed',
      reason: 'complaint',
    });
    // A soft bounce: one window item, no suppression record.
    const full = await pipeline.addressItems('full.inbox@gmail.com');
    expect(full.map((i) => String(i.sk).split('#')[0])).toEqual(['SOFT']);

    const dump = await pipeline.dump();
    expect(dump.filter((i) => String(i.pk).startsWith('DELAY#slowdomain.example'))).toHaveLength(1);
    const counters = dump.filter((i) => i.pk === 'COUNT#nov-offers' && String(i.sk).startsWith('2026-11-20T10#'));
    // A metric is stored as its provider breakdown only (readers add it up).
    const total = (name: string) => storedTotal(counters, name);
    expect({
      sends: total('sends'),
      deliveries: total('deliveries'),
      hard: total('hardBounces'),
      blocks: total('blocks'),
      complaints: total('complaints'),
      delays: total('delays'),
    }).toEqual({
      sends: 1,
      deliveries: 1,
      hard: 1,
      blocks: 1,
      complaints: 1,
      delays: 1,
    });
    expect(total('hardBounces|category|invalid-address')).toBe(1);
    expect(total('blocks|provider|gmail')).toBe(1);
    expect(total('hardBounces|batch|import-2026-10')).toBe(1);
    expect(dump.filter((i) => i.pk === 'ACTIVE#2026-11-20').map((i) => i.sk)).toEqual(expect.arrayContaining(['nov-offers', '(untagged)']));
  });

  it('sends malformed records to the DLQ with their reason and loses nothing valid in the batch', async () => {
    const topology = await freshTopology();
    const pipeline = await pipelineOn(dynamo.client, { sqs: messaging.sqs, deadLetterQueueUrl: topology.deadLetterQueueUrl });
    const event: SQSEvent = {
      Records: [
        { body: JSON.stringify(notificationFixture('event-bounce-permanent.json')), id: 'good-1' },
        { body: 'this is not json', id: 'bad-json' },
        { body: JSON.stringify({ hello: 'world' }), id: 'not-ses' },
        { body: JSON.stringify(notificationFixture('sns-envelope-bounce.json')), id: 'good-2' },
        { body: JSON.stringify(notificationFixture('event-complaint.json')), id: 'good-3' },
      ].map(({ body, id }) => ({
        messageId: id,
        receiptHandle: id,
        body,
        attributes: { ApproximateReceiveCount: '1', SentTimestamp: '0', SenderId: 'x', ApproximateFirstReceiveTimestamp: '0' },
        messageAttributes: {},
        md5OfBody: '',
        eventSource: 'aws:sqs',
        eventSourceARN: topology.queueArn,
        awsRegion: 'us-east-1',
      })),
    };
    const response = await pipeline.handler(event);
    expect(response.batchItemFailures).toEqual([]);

    const { Messages = [] } = await messaging.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: topology.deadLetterQueueUrl, MaxNumberOfMessages: 10, MessageAttributeNames: ['All'] }),
    );
    expect(Messages.map((m) => [m.MessageAttributes?.sourceMessageId?.StringValue, m.Body]).sort()).toEqual([
      ['bad-json', 'this is not json'],
      ['not-ses', '{"hello":"world"}'],
    ]);
    expect(Messages.find((m) => m.Body === 'this is not json')?.MessageAttributes?.reason?.StringValue).toContain('not valid JSON');
    expect(Messages.find((m) => m.Body === '{"hello":"world"}')?.MessageAttributes?.reason?.StringValue).toContain(
      'no eventType or notificationType',
    );

    expect((await pipeline.addressItems('kim.lee@gmail.com')).find((i) => i.sk === 'STATE')).toMatchObject({
      status: 'suppressed',
      count: 1,
    });
    expect((await pipeline.addressItems('angry@yahoo.com')).find((i) => i.sk === 'STATE')).toMatchObject({
      status: 'suppressed',
      reason: 'complaint',
    });
  });
});
