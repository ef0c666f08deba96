import { App, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { BouncePipelineStack } from '../../infra/bounce-pipeline-stack.js';
import { MESSAGING } from '../../shared/adapters/outbound/messaging.js';

const env = { account: '111122223333', region: 'us-east-1' };

function synth(props: { keepPreviousStatusIndex?: boolean } = {}): { app: App; stack: BouncePipelineStack; template: Template } {
  // Skip esbuild here: these tests look at the template, the synth test below bundles for real.
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new BouncePipelineStack(app, 'BouncePipeline', { env, alertEmail: 'ops@example.com', ...props });
  return { app, stack, template: Template.fromStack(stack) };
}

let template: Template;
beforeAll(() => {
  ({ template } = synth());
});

describe('tables', () => {
  it('are on-demand, point-in-time recoverable, TTL-expiring, encrypted and retained', () => {
    template.resourceCountIs('AWS::DynamoDB::Table', 2);
    template.allResourcesProperties('AWS::DynamoDB::Table', {
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      SSESpecification: { SSEEnabled: true },
      DeletionProtectionEnabled: true,
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
    });
    const tables = template.findResources('AWS::DynamoDB::Table');
    for (const table of Object.values(tables)) {
      expect(table.DeletionPolicy).toBe('Retain');
      expect(table.UpdateReplacePolicy).toBe('Retain');
    }
  });

  it('keep stable logical ids (renaming one would replace the suppression list)', () => {
    expect(Object.keys(template.findResources('AWS::DynamoDB::Table')).sort()).toEqual([
      'StoreAddressTable9BD71C9B',
      'StoreCampaignTableA2A09C9F',
    ]);
  });

  it('index addresses by status for listing: 16 keys per status, projecting only what a list shows', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      GlobalSecondaryIndexes: Match.arrayWith([
        Match.objectLike({
          IndexName: 'byStatusShard',
          KeySchema: [
            { AttributeName: 'statusShard', KeyType: 'HASH' },
            { AttributeName: 'statusSort', KeyType: 'RANGE' },
          ],
          Projection: {
            ProjectionType: 'INCLUDE',
            NonKeyAttributes: ['email', 'status', 'reason', 'category', 'campaign', 'firstSeenAt', 'lastSeenAt'],
          },
        }),
      ]),
    });
  });
});

describe('upgrading a stack deployed before the sharded status index', () => {
  const indexNames = (t: Template) =>
    Object.values(t.findResources('AWS::DynamoDB::Table', { Properties: { TableName: Match.absent() } })).map((table) =>
      ((table.Properties as { GlobalSecondaryIndexes?: Array<{ IndexName: string }> }).GlobalSecondaryIndexes ?? []).map(
        (i) => i.IndexName,
      ),
    );

  it('keeps the previous index as it was deployed (key status, every field) only when asked: one index added per deploy', () => {
    const upgrade = synth({ keepPreviousStatusIndex: true }).template;
    upgrade.hasResourceProperties('AWS::DynamoDB::Table', {
      GlobalSecondaryIndexes: Match.arrayWith([
        {
          IndexName: 'byStatus',
          KeySchema: [
            { AttributeName: 'status', KeyType: 'HASH' },
            { AttributeName: 'statusSort', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
      ]),
    });
    expect(indexNames(upgrade)).toContainEqual(['byStatus', 'byStatusShard', 'byDue']);
    expect(indexNames(template)).toContainEqual(['byStatusShard', 'byDue']);
    expect(indexNames(template).flat()).not.toContain('byStatus');
  });
});

describe('SNS topic', () => {
  it('is encrypted and lets only SES of this account publish', () => {
    template.hasResourceProperties('AWS::SNS::Topic', {
      DisplayName: 'SES bounce, complaint and delivery events',
      KmsMasterKeyId: Match.anyValue(),
    });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'ses.amazonaws.com' },
            Action: 'sns:Publish',
            Condition: {
              StringEquals: { 'aws:SourceAccount': '111122223333' },
              ArnLike: { 'aws:SourceArn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ses:us-east-1:111122223333:*']] } },
            },
          }),
        ]),
      },
    });
  });

  it('delivers to the notifications queue with the SNS envelope', () => {
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'sqs', RawMessageDelivery: false });
  });
});

describe('queues', () => {
  it('encrypt, keep a DLQ for 14 days and redrive after the configured receives', () => {
    template.hasResourceProperties('AWS::SQS::Queue', { MessageRetentionPeriod: 14 * 24 * 3600, SqsManagedSseEnabled: true });
    const dlqIds = Object.keys(template.findResources('AWS::SQS::Queue', { Properties: { MessageRetentionPeriod: 1209600 } }));
    const dlqId = dlqIds.find((id) => id.startsWith('IngestionNotifications'));
    template.hasResourceProperties('AWS::SQS::Queue', {
      VisibilityTimeout: MESSAGING.visibilityTimeoutSeconds,
      SqsManagedSseEnabled: true,
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [dlqId, 'Arn'] }, maxReceiveCount: MESSAGING.maxReceiveCount },
    });
  });

  it('refuse plain HTTP', () => {
    const policies = template.findResources('AWS::SQS::QueuePolicy');
    const denies = Object.values(policies).filter((policy) => JSON.stringify(policy).includes('"aws:SecureTransport":"false"'));
    // Every queue (notifications, retry timers and health checks, each with its DLQ).
    expect(denies.length).toBe(Object.keys(template.findResources('AWS::SQS::Queue')).length);
    expect(denies.length).toBe(6);
  });

  it('alarm when the DLQ is not empty, to the alert topic', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Namespace: 'AWS/SQS',
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      EvaluationPeriods: 1,
      AlarmActions: [{ Ref: Match.stringLikeRegexp('^AlertsTopic') }],
    });
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
  });
});

describe('classify function', () => {
  it('runs on arm64 and the newest Node.js runtime with a log group that expires', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Timeout: 30,
      Environment: { Variables: Match.objectLike({ ADDRESS_TABLE_NAME: Match.anyValue(), DEAD_LETTER_QUEUE_URL: Match.anyValue() }) },
      LoggingConfig: { LogGroup: Match.anyValue() },
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
  });

  it('visibility timeout is at least 6× the function timeout', () => {
    expect(MESSAGING.visibilityTimeoutSeconds).toBeGreaterThanOrEqual(6 * 30);
  });

  it('reads batches with partial failures, a batching window and capped concurrency', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BatchSize: 100,
      MaximumBatchingWindowInSeconds: 5,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: 20 },
    });
  });

  it('may only touch its tables, its queues and its log group, with no managed policy', () => {
    const addressTable = 'StoreAddressTable9BD71C9B';
    const campaignTable = 'StoreCampaignTableA2A09C9F';
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Effect: 'Allow',
            Action: [
              'dynamodb:GetItem',
              'dynamodb:BatchGetItem',
              'dynamodb:PutItem',
              'dynamodb:BatchWriteItem',
              'dynamodb:DeleteItem',
              'dynamodb:Query',
            ],
            Resource: { 'Fn::GetAtt': [addressTable, 'Arn'] },
          },
          {
            Effect: 'Allow',
            Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
            Resource: { 'Fn::GetAtt': [campaignTable, 'Arn'] },
          },
        ]),
      },
    });
    const roles = template.findResources('AWS::IAM::Role');
    const withManaged = Object.entries(roles)
      .filter(([, role]) => role.Properties.ManagedPolicyArns !== undefined)
      .map(([id]) => id);
    // Only API Gateway's account-level logging role (acknowledged in cdk-nag with its reason).
    expect(withManaged).toEqual([expect.stringMatching(/^LookupApiCloudWatchRole/)]);
    const statements = Object.values(template.findResources('AWS::IAM::Policy')).flatMap(
      (p) => p.Properties.PolicyDocument.Statement as { Resource: unknown }[],
    );
    expect(statements.filter((s) => JSON.stringify(s.Resource).includes('*'))).toEqual([]);
  });
});

describe('lookup API', () => {
  it('requires IAM (SigV4) on every method', () => {
    const methods = template.findResources('AWS::ApiGateway::Method');
    expect(Object.keys(methods).length).toBe(11);
    for (const method of Object.values(methods)) expect(method.Properties.AuthorizationType).toBe('AWS_IAM');
  });

  it('validates requests, logs access and errors, and throttles the stage', () => {
    template.hasResourceProperties('AWS::ApiGateway::RequestValidator', { ValidateRequestBody: true, ValidateRequestParameters: true });
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      StageName: 'v1',
      AccessLogSetting: { DestinationArn: Match.anyValue(), Format: Match.anyValue() },
      MethodSettings: [
        Match.objectLike({ LoggingLevel: 'ERROR', DataTraceEnabled: false, ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 }),
      ],
    });
    template.hasResourceProperties('AWS::ApiGateway::Model', { Schema: Match.objectLike({ required: ['emails'] }) });
  });

  it('its function may only read and write the address table, read counters and delays, and set pauses', () => {
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Effect: 'Allow',
            Action: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem', 'dynamodb:Query'],
            Resource: [
              { 'Fn::GetAtt': ['StoreAddressTable9BD71C9B', 'Arn'] },
              { 'Fn::Join': ['', [{ 'Fn::GetAtt': ['StoreAddressTable9BD71C9B', 'Arn'] }, '/index/byStatusShard']] },
            ],
          },
          {
            Effect: 'Allow',
            Action: ['dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem'],
            Resource: { 'Fn::GetAtt': ['StoreCampaignTableA2A09C9F', 'Arn'] },
          },
        ]),
      },
    });
  });
});

describe('the app', () => {
  it('synthesises with real esbuild bundling and passes cdk-nag AwsSolutions checks', () => {
    const app = new App();
    new BouncePipelineStack(app, 'BouncePipeline', { env });
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    const assembly = app.synth();
    const stack = assembly.getStackByName('BouncePipeline');
    const errors = stack.messages.filter((m) => m.level === 'error');
    expect(errors.map((m) => `${m.id}: ${String(m.entry.data)}`)).toEqual([]);
  }, 120_000);
});
