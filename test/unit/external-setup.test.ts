import {
  CreateTableCommand,
  DescribeContinuousBackupsCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
  UpdateContinuousBackupsCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, SetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { ensureTables } from '../../shared/adapters/outbound/create-tables.js';
import { ensureMessaging } from '../../shared/adapters/outbound/messaging.js';

const dynamo = mockClient(DynamoDBClient);
const sqs = mockClient(SQSClient);
const sns = mockClient(SNSClient);
beforeEach(() => {
  dynamo.reset();
  sqs.reset();
  sns.reset();
});

const names = { addressTable: 'a', campaignTable: 'c' };

describe('--external setup on real AWS', () => {
  it('tables get deletion protection, point-in-time recovery and TTL, after the SDK waiter sees them active', async () => {
    dynamo.on(CreateTableCommand).resolves({});
    dynamo
      .on(DescribeTableCommand)
      .resolvesOnce({ Table: { TableStatus: 'CREATING' } })
      .resolves({ Table: { TableStatus: 'ACTIVE' } });
    dynamo.on(DescribeTimeToLiveCommand).resolves({ TimeToLiveDescription: { TimeToLiveStatus: 'DISABLED' } });
    dynamo.on(DescribeContinuousBackupsCommand).resolves({
      ContinuousBackupsDescription: {
        ContinuousBackupsStatus: 'ENABLED',
        PointInTimeRecoveryDescription: { PointInTimeRecoveryStatus: 'DISABLED' },
      },
    });
    expect(await ensureTables(new DynamoDBClient({ region: 'eu-west-1' }), names, { durable: true })).toEqual([]);
    expect(dynamo.commandCalls(CreateTableCommand).map((c) => c.args[0].input.DeletionProtectionEnabled)).toEqual([true, true]);
    expect(dynamo.commandCalls(DescribeTableCommand).length).toBeGreaterThanOrEqual(3);
    expect(dynamo.commandCalls(UpdateTimeToLiveCommand).map((c) => c.args[0].input)).toEqual(
      ['a', 'c'].map((TableName) => ({ TableName, TimeToLiveSpecification: { Enabled: true, AttributeName: 'expiresAt' } })),
    );
    expect(dynamo.commandCalls(UpdateContinuousBackupsCommand).map((c) => c.args[0].input.TableName)).toEqual(['a', 'c']);
  }, 20_000);

  it('a setting the service refuses is reported, not thrown', async () => {
    dynamo.on(CreateTableCommand).resolves({});
    dynamo.on(DescribeTableCommand).resolves({ Table: { TableStatus: 'ACTIVE' } });
    dynamo.on(DescribeTimeToLiveCommand).rejects(Object.assign(new Error('not here'), { name: 'UnknownOperationException' }));
    dynamo.on(DescribeContinuousBackupsCommand).resolves({
      ContinuousBackupsDescription: {
        ContinuousBackupsStatus: 'ENABLED',
        PointInTimeRecoveryDescription: { PointInTimeRecoveryStatus: 'ENABLED' },
      },
    });
    expect(await ensureTables(new DynamoDBClient({ region: 'eu-west-1' }), names, { durable: true })).toEqual([
      'a: TTL on expiresAt not enabled (UnknownOperationException: not here)',
      'c: TTL on expiresAt not enabled (UnknownOperationException: not here)',
    ]);
    expect(dynamo.commandCalls(UpdateContinuousBackupsCommand)).toHaveLength(0);
  });

  it('emulator tables get none of it', async () => {
    dynamo.on(CreateTableCommand).resolves({});
    dynamo.on(DescribeTableCommand).resolves({ Table: { TableStatus: 'ACTIVE' } });
    await ensureTables(new DynamoDBClient({ region: 'eu-west-1' }), names);
    expect(dynamo.commandCalls(CreateTableCommand)[0]?.args[0].input.DeletionProtectionEnabled).toBeUndefined();
    expect(dynamo.commandCalls(UpdateTimeToLiveCommand)).toHaveLength(0);
  });

  it('the notifications queue lets the topic (only) send to it, and keeps messages 14 days', async () => {
    sqs.on(CreateQueueCommand, { QueueName: 'dlq' }).resolves({ QueueUrl: 'https://sqs/dlq' });
    sqs.on(CreateQueueCommand, { QueueName: 'q' }).resolves({ QueueUrl: 'https://sqs/q' });
    sqs
      .on(GetQueueAttributesCommand, { QueueUrl: 'https://sqs/dlq' })
      .resolves({ Attributes: { QueueArn: 'arn:aws:sqs:eu-west-1:1:dlq' } });
    sqs.on(GetQueueAttributesCommand, { QueueUrl: 'https://sqs/q' }).resolves({ Attributes: { QueueArn: 'arn:aws:sqs:eu-west-1:1:q' } });
    sns.on(CreateTopicCommand).resolves({ TopicArn: 'arn:aws:sns:eu-west-1:1:t' });
    sns.on(SubscribeCommand).resolves({});
    await ensureMessaging(new SNSClient({ region: 'eu-west-1' }), new SQSClient({ region: 'eu-west-1' }), {
      topic: 't',
      queue: 'q',
      deadLetterQueue: 'dlq',
    });
    const set = sqs.commandCalls(SetQueueAttributesCommand)[0]?.args[0].input;
    expect(set?.QueueUrl).toBe('https://sqs/q');
    expect(set?.Attributes?.MessageRetentionPeriod).toBe(String(14 * 24 * 3600));
    expect(JSON.parse(set?.Attributes?.Policy ?? '{}').Statement).toEqual([
      expect.objectContaining({
        Effect: 'Allow',
        Principal: { Service: 'sns.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Resource: 'arn:aws:sqs:eu-west-1:1:q',
        Condition: { ArnEquals: { 'aws:SourceArn': 'arn:aws:sns:eu-west-1:1:t' } },
      }),
    ]);
    // The policy is in place before the subscription starts delivering.
    expect(sqs.commandCalls(SetQueueAttributesCommand)).toHaveLength(1);
  });
});
