import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { BouncePipelineStack } from '../../infra/bounce-pipeline-stack.js';
import { RETRY_MAX_RECEIVE_COUNT } from '../../infra/constructs/retries.js';

const env = { account: '111122223333', region: 'eu-west-1' };
let template: Template;

beforeAll(() => {
  // Template assertions only: the stack test bundles and runs cdk-nag over the whole app.
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new BouncePipelineStack(app, 'BouncePipeline', {
    env,
    sending: { identity: 'mail.example.net', configurationSetName: 'news-events' },
  });
  template = Template.fromStack(stack);
});

const RETRY_QUEUE = 'RetriesRetryTimersQueueEF6D493D';
const RETRY_DLQ = 'RetriesRetryTimersDeadLetterQueueB971906E';
const sesArn = (resource: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:ses:eu-west-1:111122223333:${resource}`]] });

const policyOf = (rolePrefix: string) => {
  const policies = Object.entries(template.findResources('AWS::IAM::Policy')).filter(([id]) => id.startsWith(rolePrefix));
  expect(policies).toHaveLength(1);
  return (policies[0]?.[1].Properties.PolicyDocument.Statement ?? []) as { Action: string | string[]; Resource: unknown }[];
};

describe('retry queue', () => {
  it('keeps stable logical ids (a replaced queue loses the timers in flight)', () => {
    expect(
      Object.keys(template.findResources('AWS::SQS::Queue'))
        .filter((id) => id.startsWith('Retries'))
        .sort(),
    ).toEqual([RETRY_DLQ, RETRY_QUEUE]);
  });

  it('is encrypted, has 6x the function timeout as visibility and a DLQ after 5 receives, with a "DLQ not empty" alarm', () => {
    template.hasResource('AWS::SQS::Queue', {
      Properties: {
        SqsManagedSseEnabled: true,
        VisibilityTimeout: 180,
        RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [RETRY_DLQ, 'Arn'] }, maxReceiveCount: RETRY_MAX_RECEIVE_COUNT },
      },
    });
    expect(RETRY_MAX_RECEIVE_COUNT).toBe(5);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [RETRY_DLQ, 'QueueName'] } }],
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
    });
  });

  it('feeds the retry function in batches with partial failures', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [RETRY_QUEUE, 'Arn'] },
      BatchSize: 10,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });

  it('is where the classify function schedules: its URL in the environment, send permission on it only', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ RETRY_QUEUE_URL: { Ref: RETRY_QUEUE }, DEAD_LETTER_QUEUE_URL: Match.anyValue() }) },
    });
    expect(policyOf('IngestionClassifyRole')).toContainEqual({
      Effect: 'Allow',
      Action: ['sqs:SendMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'],
      Resource: { 'Fn::GetAtt': [RETRY_QUEUE, 'Arn'] },
    });
  });
});

describe('retry and send functions', () => {
  it('may send through SES only as the given identity and configuration set', () => {
    const expected = {
      Effect: 'Allow',
      Action: ['ses:SendEmail', 'ses:SendRawEmail', 'ses:SendTemplatedEmail'],
      Resource: [sesArn('identity/mail.example.net'), sesArn('configuration-set/news-events')],
    };
    expect(policyOf('RetriesRetryRole')).toContainEqual(expected);
    expect(policyOf('RetriesSendRole')).toContainEqual(expected);
    const sesStatements = [...policyOf('RetriesRetryRole'), ...policyOf('RetriesSendRole'), ...policyOf('IngestionClassifyRole')].filter(
      (s) => JSON.stringify(s.Action).includes('ses:'),
    );
    expect(sesStatements).toHaveLength(2);
  });

  it('read and write only retry and outbound items (GetItem/PutItem on the address table) and read the pause flag', () => {
    for (const role of ['RetriesRetryRole', 'RetriesSendRole']) {
      const dynamo = policyOf(role).filter((s) => JSON.stringify(s.Action).includes('dynamodb:'));
      expect(dynamo).toEqual([
        {
          Effect: 'Allow',
          Action: ['dynamodb:GetItem', 'dynamodb:PutItem'],
          Resource: { 'Fn::GetAtt': ['StoreAddressTable9BD71C9B', 'Arn'] },
        },
        { Effect: 'Allow', Action: 'dynamodb:GetItem', Resource: { 'Fn::GetAtt': ['StoreCampaignTableA2A09C9F', 'Arn'] } },
      ]);
    }
    // The send path touches no queue and no topic.
    expect(policyOf('RetriesSendRole').filter((s) => /sqs:|sns:/.test(JSON.stringify(s.Action)))).toEqual([]);
  });

  it('the retry function gets its queue, DLQ, topic and configuration set from the environment', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          RETRY_QUEUE_URL: { Ref: RETRY_QUEUE },
          RETRY_DEAD_LETTER_QUEUE_URL: { Ref: RETRY_DLQ },
          RETRY_DUE_TOPIC_ARN: { Ref: 'RetriesRetryDue5499E126' },
          CONFIGURATION_SET_NAME: 'news-events',
        }),
      },
    });
  });
});

describe('retry-due topic', () => {
  it('is KMS-encrypted, and only the retry function may publish to it', () => {
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': ['RetriesRetryDueKey9A2ECFDC', 'Arn'] } });
    const publishers = Object.entries(template.findResources('AWS::IAM::Policy'))
      .filter(([, p]) => JSON.stringify(p.Properties.PolicyDocument.Statement).includes('RetriesRetryDue5499E126'))
      .map(([id]) => id);
    expect(publishers).toEqual([expect.stringMatching(/^RetriesRetryRoleDefaultPolicy/)]);
    template.hasOutput('RetryDueTopicArn', { Value: { Ref: 'RetriesRetryDue5499E126' } });
  });
});

describe('retry sweep', () => {
  it('runs every 5 minutes on an EventBridge schedule, without retries (the next run makes up a failed one)', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(5 minutes)',
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^RetriesRetrySweep'), 'Arn'] },
          RetryPolicy: { MaximumRetryAttempts: 0 },
        }),
      ],
    });
  });

  it('may only query the due index, read and write its cursor item, and send timers to the retry queue', () => {
    const statements = policyOf('RetriesRetrySweepRole');
    expect(statements.filter((s) => JSON.stringify(s.Action).includes('dynamodb:'))).toEqual([
      {
        Effect: 'Allow',
        Action: 'dynamodb:Query',
        Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': ['StoreAddressTable9BD71C9B', 'Arn'] }, '/index/byDue']] },
      },
      {
        Effect: 'Allow',
        Action: ['dynamodb:GetItem', 'dynamodb:PutItem'],
        Resource: { 'Fn::GetAtt': ['StoreAddressTable9BD71C9B', 'Arn'] },
      },
    ]);
    expect(statements.filter((s) => /sqs:/.test(JSON.stringify(s.Action)))).toEqual([
      {
        Effect: 'Allow',
        Action: ['sqs:SendMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'],
        Resource: { 'Fn::GetAtt': [RETRY_QUEUE, 'Arn'] },
      },
    ]);
    expect(statements.filter((s) => /ses:|sns:/.test(JSON.stringify(s.Action)))).toEqual([]);
  });

  it('reads a sparse due index on the address table, with the timer fields only', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      GlobalSecondaryIndexes: Match.arrayWith([
        {
          IndexName: 'byDue',
          KeySchema: [
            { AttributeName: 'dueDay', KeyType: 'HASH' },
            { AttributeName: 'dueSort', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['attempt', 'dueAt'] },
        },
      ]),
    });
  });
});

describe('notification backlog alarm', () => {
  it("fires when the notification queue's oldest message is over 10 minutes old (retry takeovers wait 90)", () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateAgeOfOldestMessage',
      Namespace: 'AWS/SQS',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('^IngestionNotificationsQueue'), 'QueueName'] } }],
      Threshold: 600,
      Period: 60,
      EvaluationPeriods: 1,
      ComparisonOperator: 'GreaterThanThreshold',
      AlarmActions: Match.anyValue(),
    });
  });
});
