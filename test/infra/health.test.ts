import { Metrics } from '@aws-lambda-powertools/metrics';
import type { Stack } from 'aws-cdk-lib';
import { App, Duration, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Code, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { BouncePipelineStack } from '../../infra/bounce-pipeline-stack.js';
import { HEALTH_SERVICE, METRICS_NAMESPACE, PowertoolsHealthMetrics } from '../../shared/adapters/outbound/health-metrics.js';

const env = { account: '111122223333', region: 'us-east-1' };

type Resource = { Properties: Record<string, unknown> };

function synth(extend?: (stack: Stack) => void, props: ConstructorParameters<typeof BouncePipelineStack>[2] = {}) {
  // Skip esbuild: these tests look at the template.
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new BouncePipelineStack(app, 'BouncePipeline', { env, ...props });
  extend?.(stack);
  return { app, stack, template: Template.fromStack(stack) };
}

const { template } = synth();
const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')) as Resource[];
const alertTopicRef = (): string => {
  const topics = template.findResources('AWS::SNS::Topic', { Properties: { DisplayName: 'Bounce pipeline alerts' } });
  const ids = Object.keys(topics);
  expect(ids).toHaveLength(1);
  return ids[0] as string;
};

/** The EMF documents the health function writes, captured through the same adapter. */
async function emittedDimensions(): Promise<{ campaign: string[][]; account: string[][]; service: unknown }> {
  const docs: Array<{ service: unknown; _aws: { CloudWatchMetrics: Array<{ Namespace: string; Dimensions: string[][] }> } }> = [];
  const metrics = new PowertoolsHealthMetrics(new Metrics({ namespace: METRICS_NAMESPACE, serviceName: HEALTH_SERVICE }), async (emf) => {
    docs.push(emf as (typeof docs)[number]);
  });
  metrics.campaign('nov', { sends: 1, hardBounceRate: 0, hardBounceRateLowerBound: 0, complaintRate: 0 });
  metrics.account({ worstHardBounceRateLowerBound: 0, worstComplaintRate: 0, campaignsChecked: 1, findings: 0 });
  await metrics.flush();
  expect(docs.every((doc) => doc._aws.CloudWatchMetrics[0]?.Namespace === 'BouncePipeline')).toBe(true);
  return {
    campaign: docs[0]?._aws.CloudWatchMetrics[0]?.Dimensions ?? [],
    account: docs[1]?._aws.CloudWatchMetrics[0]?.Dimensions ?? [],
    service: docs[1]?.service,
  };
}

/** The finder (scheduled) and the checker (the health-check queue's consumer), by the variables only each has. */
function healthFunctions(t: Template = template): { finderId: string; checkerId: string } {
  const by = (variable: string) => {
    const found = Object.keys(
      t.findResources('AWS::Lambda::Function', {
        Properties: { Environment: { Variables: Match.objectLike({ [variable]: Match.anyValue() }) } },
      }),
    );
    expect(found, variable).toHaveLength(1);
    return found[0] as string;
  };
  return { finderId: by('HEALTH_CHECK_QUEUE_URL'), checkerId: by('ALERT_TOPIC_ARN') };
}

function statementsOf(functionId: string): Array<{ Action: unknown; Resource: unknown }> {
  const fn = template.findResources('AWS::Lambda::Function')[functionId] as Resource;
  const role = (fn.Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
  const policies = Object.values(template.findResources('AWS::IAM::Policy')) as Resource[];
  const policy = policies.find((p) => JSON.stringify(p.Properties.Roles) === JSON.stringify([{ Ref: role }]));
  return (policy?.Properties.PolicyDocument as { Statement: Array<{ Action: unknown; Resource: unknown }> }).Statement;
}

describe('health schedule', () => {
  it('runs the finder every 5 minutes; it fans out to the health-check queue (with a DLQ), consumed by the checker with bounded concurrency', () => {
    const { finderId, checkerId } = healthFunctions();
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(5 minutes)',
      State: 'ENABLED',
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [finderId, 'Arn'] }, RetryPolicy: { MaximumRetryAttempts: 0 } })],
    });
    const finder = (template.findResources('AWS::Lambda::Function')[finderId] as Resource).Properties.Environment as {
      Variables: Record<string, { Ref?: string }>;
    };
    const queueId = finder.Variables.HEALTH_CHECK_QUEUE_URL?.Ref as string;
    const queue = (template.findResources('AWS::SQS::Queue')[queueId] as Resource).Properties;
    expect(queue.RedrivePolicy).toMatchObject({ maxReceiveCount: 3 });
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [queueId, 'Arn'] },
      FunctionName: { Ref: checkerId },
      BatchSize: 4,
      ScalingConfig: { MaximumConcurrency: 10 },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    const variables = (template.findResources('AWS::Lambda::Function')[checkerId] as Resource).Properties.Environment as {
      Variables: Record<string, unknown>;
    };
    expect(variables.Variables).toMatchObject({
      AUTO_PAUSE: 'false',
      PAUSE_CONFIGURATION_SETS: '{}',
      ALERT_TOPIC_ARN: { Ref: alertTopicRef() },
    });
    expect(finder.Variables).toMatchObject({ POWERTOOLS_SERVICE_NAME: HEALTH_SERVICE });
  });

  it('takes auto-pause and configuration sets (with SES permission on exactly those sets)', () => {
    const { template: custom } = synth(undefined, { autoPause: true, pauseConfigurationSets: { nov: 'marketing' } });
    custom.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ AUTO_PAUSE: 'true', PAUSE_CONFIGURATION_SETS: '{"nov":"marketing"}' }) },
    });
    custom.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: 'ses:UpdateConfigurationSetSendingEnabled',
            Resource: {
              'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ses:us-east-1:111122223333:configuration-set/marketing']],
            },
          }),
        ]),
      },
    });
    expect(JSON.stringify(template.toJSON())).not.toContain('UpdateConfigurationSetSendingEnabled');
  });
});

describe('health function permissions', () => {
  it('the checker may publish only to the alert topic and use only its key, read the campaign table and write its alert, mark, pause and outbox items', () => {
    const statements = statementsOf(healthFunctions().checkerId);
    expect(statements.map((s) => s.Action)).toEqual([
      ['logs:CreateLogStream', 'logs:PutLogEvents'],
      ['sqs:ReceiveMessage', 'sqs:ChangeMessageVisibility', 'sqs:GetQueueUrl', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'],
      ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:DeleteItem', 'dynamodb:UpdateItem'],
      'sns:Publish',
      ['kms:GenerateDataKey', 'kms:Decrypt'],
      'events:PutEvents',
    ]);
    expect(statements[2]?.Resource).toEqual({ 'Fn::GetAtt': ['StoreCampaignTableA2A09C9F', 'Arn'] });
    expect(statements[3]?.Resource).toEqual({ Ref: alertTopicRef() });
  });

  it('the finder may query the campaign table, remove published outbox items, and send to the health-check queue only', () => {
    const statements = statementsOf(healthFunctions().finderId);
    expect(statements.map((s) => s.Action)).toEqual([
      ['logs:CreateLogStream', 'logs:PutLogEvents'],
      ['dynamodb:Query', 'dynamodb:DeleteItem'],
      'sqs:SendMessage',
      'events:PutEvents',
    ]);
    expect(statements[1]?.Resource).toEqual({ 'Fn::GetAtt': ['StoreCampaignTableA2A09C9F', 'Arn'] });
    expect(JSON.stringify(statements[2]?.Resource)).toMatch(/HealthChecksQueue/);
  });
});

describe('health alarms', () => {
  it.each([
    ['WorstHardBounceRateLowerBound', 2],
    ['WorstComplaintRate', 0.1],
  ])('%s > %f: the metric, namespace and dimensions the function emits, to the alert topic', async (metricName, threshold) => {
    const found = alarms.filter((a) => a.Properties.MetricName === metricName);
    expect(found).toHaveLength(1);
    const emitted = await emittedDimensions();
    expect(emitted.account).toEqual([['service']]);
    expect(found[0]?.Properties).toEqual({
      AlarmDescription: expect.any(String),
      MetricName: metricName,
      Namespace: 'BouncePipeline',
      Dimensions: [{ Name: 'service', Value: emitted.service }],
      Statistic: 'Maximum',
      // Two schedule periods: every checker batch's worst is one data point, some run always lands in it.
      Period: 600,
      EvaluationPeriods: 1,
      Threshold: threshold,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'breaching',
      AlarmActions: [{ Ref: alertTopicRef() }],
      OKActions: [{ Ref: alertTopicRef() }],
    });
  });

  it('the heartbeat: fewer than 1 run in two schedule periods, missing data breaching', async () => {
    const docs: Array<Record<string, unknown>> = [];
    const metrics = new PowertoolsHealthMetrics(new Metrics({ namespace: METRICS_NAMESPACE, serviceName: HEALTH_SERVICE }), async (emf) => {
      docs.push(emf as Record<string, unknown>);
    });
    metrics.heartbeat();
    await metrics.flush();
    expect(docs[0]).toMatchObject({ service: HEALTH_SERVICE, HealthHeartbeat: 1 });
    const found = alarms.filter((a) => a.Properties.MetricName === 'HealthHeartbeat');
    expect(found).toHaveLength(1);
    expect(found[0]?.Properties).toMatchObject({
      Namespace: 'BouncePipeline',
      Dimensions: [{ Name: 'service', Value: HEALTH_SERVICE }],
      Statistic: 'Sum',
      Period: 300,
      EvaluationPeriods: 2,
      DatapointsToAlarm: 2,
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'breaching',
      AlarmActions: [{ Ref: alertTopicRef() }],
    });
  });

  it('no alarm of the stack goes to OK (and notifies it) because its data stopped', () => {
    const withOk = alarms.filter((a) => Array.isArray(a.Properties.OKActions) && a.Properties.OKActions.length > 0);
    expect(withOk.map((a) => a.Properties.MetricName).sort()).toEqual([
      'HealthHeartbeat',
      'WorstComplaintRate',
      'WorstHardBounceRateLowerBound',
    ]);
    for (const alarm of withOk) expect(alarm.Properties.TreatMissingData, String(alarm.Properties.MetricName)).toBe('breaching');
  });
});

/** Queues (by logical id) that are some queue's dead-letter target. */
function deadLetterQueueIds(t: Template): Set<string> {
  const queues = t.findResources('AWS::SQS::Queue') as Record<string, Resource>;
  const ids = new Set<string>();
  for (const queue of Object.values(queues)) {
    const target = (queue.Properties.RedrivePolicy as { deadLetterTargetArn?: { 'Fn::GetAtt': [string, string] } } | undefined)
      ?.deadLetterTargetArn;
    if (target) ids.add(target['Fn::GetAtt'][0]);
  }
  return ids;
}

function alarmsOn(t: Template, metricName: string, dimension: 'QueueName' | 'FunctionName', id: string): Resource[] {
  const value = dimension === 'QueueName' ? { 'Fn::GetAtt': [id, 'QueueName'] } : { Ref: id };
  return (Object.values(t.findResources('AWS::CloudWatch::Alarm')) as Resource[]).filter(
    (a) =>
      a.Properties.MetricName === metricName &&
      JSON.stringify(a.Properties.Dimensions) === JSON.stringify([{ Name: dimension, Value: value }]),
  );
}

function expectEveryQueueAndFunctionAlarmed(t: Template, topic: string) {
  const queues = Object.keys(t.findResources('AWS::SQS::Queue'));
  const functions = Object.keys(t.findResources('AWS::Lambda::Function'));
  const dlqs = deadLetterQueueIds(t);
  expect(queues.length).toBeGreaterThan(0);
  expect(dlqs.size).toBeGreaterThan(0);
  for (const queue of queues) {
    const age = alarmsOn(t, 'ApproximateAgeOfOldestMessage', 'QueueName', queue);
    expect(age, queue).toHaveLength(1);
    expect(age[0]?.Properties).toMatchObject({
      Namespace: 'AWS/SQS',
      Statistic: 'Maximum',
      ComparisonOperator: 'GreaterThanThreshold',
      AlarmActions: [{ Ref: topic }],
    });
    // A working queue's backlog is seen within 30 minutes (the notifications queue's within 10); a DLQ's records before they expire.
    if (dlqs.has(queue)) expect(age[0]?.Properties.Threshold, queue).toBe(7 * 86400);
    else expect(age[0]?.Properties.Threshold, queue).toBeLessThanOrEqual(1800);
    const notEmpty = alarmsOn(t, 'ApproximateNumberOfMessagesVisible', 'QueueName', queue);
    // Exactly one "not empty" alarm per DLQ (none added twice), none on the working queues.
    expect(notEmpty, queue).toHaveLength(dlqs.has(queue) ? 1 : 0);
    if (dlqs.has(queue)) expect(notEmpty[0]?.Properties).toMatchObject({ Threshold: 0, AlarmActions: [{ Ref: topic }] });
  }
  for (const fn of functions) {
    for (const metricName of ['Errors', 'Throttles']) {
      const found = alarmsOn(t, metricName, 'FunctionName', fn);
      expect(found, `${fn} ${metricName}`).toHaveLength(1);
      expect(found[0]?.Properties).toMatchObject({
        Namespace: 'AWS/Lambda',
        Statistic: 'Sum',
        Period: 300,
        Threshold: 0,
        EvaluationPeriods: 1,
        ComparisonOperator: 'GreaterThanThreshold',
        TreatMissingData: 'notBreaching',
        AlarmActions: [{ Ref: topic }],
      });
    }
  }
  return { queues, functions };
}

describe('alarms for every queue and every function', () => {
  it('cover the stack as built', () => {
    const { queues, functions } = expectEveryQueueAndFunctionAlarmed(template, alertTopicRef());
    expect(queues.length).toBeGreaterThanOrEqual(2);
    expect(functions.length).toBeGreaterThanOrEqual(3);
  });

  it('cover queues and functions added to the stack later, by anyone', () => {
    const { template: extended } = synth((stack) => {
      const dlq = new Queue(stack, 'LateDlq', { encryption: QueueEncryption.SQS_MANAGED, enforceSSL: true });
      new Queue(stack, 'LateQueue', {
        encryption: QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        deadLetterQueue: { queue: dlq, maxReceiveCount: 3 },
      });
      new LambdaFunction(stack, 'LateFunction', {
        runtime: Runtime.NODEJS_24_X,
        handler: 'index.handler',
        code: Code.fromInline('exports.handler = async () => {}'),
        timeout: Duration.seconds(5),
      });
    });
    const topic = Object.keys(
      extended.findResources('AWS::SNS::Topic', { Properties: { DisplayName: 'Bounce pipeline alerts' } }),
    )[0] as string;
    const { queues, functions } = expectEveryQueueAndFunctionAlarmed(extended, topic);
    expect(queues.some((id) => id.startsWith('LateDlq'))).toBe(true);
    expect(functions.some((id) => id.startsWith('LateFunction'))).toBe(true);
    expect(
      alarmsOn(extended, 'ApproximateNumberOfMessagesVisible', 'QueueName', queues.find((id) => id.startsWith('LateDlq')) as string),
    ).toHaveLength(1);
  });
});

describe('dashboard', () => {
  it('shows worst rates, per-campaign rates, categories, retries sent and DLQ depths', () => {
    const dashboards = template.findResources('AWS::CloudWatch::Dashboard') as Record<string, Resource>;
    expect(Object.keys(dashboards)).toHaveLength(1);
    const body = JSON.stringify(Object.values(dashboards)[0]?.Properties.DashboardBody);
    for (const title of [
      'Worst campaign rates (%)',
      'Hard-bounce rate per campaign (%)',
      'Complaint rate per campaign (%)',
      'Decisions by category',
      'Retries sent',
      'Dead-letter queue depths',
    ]) {
      expect(body).toContain(title);
    }
    expect(body).toContain('WorstHardBounceRateLowerBound');
    expect(body).toContain('MetricName=\\\\\\"HardBounceRate\\\\\\"');
    expect(body).toContain('Retry.sent');
    expect(body).toContain('IngestionNotificationsDeadLetterQueue');
  });

  it('is linked from the alerts', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ DASHBOARD_URL: Match.objectLike({ 'Fn::Join': Match.anyValue() }) }) },
    });
  });
});

describe('decision events', () => {
  it('go to an EventBridge bus the health, API and classify functions may put events on, and nothing else', () => {
    const buses = Object.keys(template.findResources('AWS::Events::EventBus'));
    expect(buses).toHaveLength(1);
    const bus = buses[0] as string;
    const withBus = template.findResources('AWS::Lambda::Function', {
      Properties: { Environment: { Variables: Match.objectLike({ EVENT_BUS_NAME: { Ref: bus } }) } },
    });
    expect(Object.keys(withBus).sort()).toEqual([
      expect.stringMatching(/^HealthCheckFunction/),
      expect.stringMatching(/^HealthJobFunction/),
      expect.stringMatching(/^IngestionClassifyFunction/),
      expect.stringMatching(/^LookupApiHandlerFunction/),
    ]);
    const puts = (Object.values(template.findResources('AWS::IAM::Policy')) as Resource[]).flatMap((p) =>
      (p.Properties.PolicyDocument as { Statement: Array<{ Action: unknown; Resource: unknown }> }).Statement.filter(
        (s) => s.Action === 'events:PutEvents',
      ),
    );
    expect(puts).toHaveLength(4);
    for (const statement of puts) expect(statement.Resource).toEqual({ 'Fn::GetAtt': [bus, 'Arn'] });
  });
});

describe('API pause routes', () => {
  it('PUT, GET and DELETE /campaigns/{id}/pause are IAM-authorised', () => {
    const resources = template.findResources('AWS::ApiGateway::Resource', { Properties: { PathPart: 'pause' } });
    const [pauseId] = Object.keys(resources);
    expect(Object.keys(resources)).toHaveLength(1);
    for (const method of ['PUT', 'GET', 'DELETE']) {
      template.hasResourceProperties('AWS::ApiGateway::Method', {
        HttpMethod: method,
        ResourceId: { Ref: pauseId },
        AuthorizationType: 'AWS_IAM',
      });
    }
  });
});

describe('cdk-nag', () => {
  it('finds nothing unacknowledged in the stack with health, auto-pause, alarms and dashboard', () => {
    // The checks must be in place before the first synthesis (a second synth returns the first assembly).
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    new BouncePipelineStack(app, 'BouncePipeline', { env, autoPause: true, pauseConfigurationSets: { nov: 'marketing' } });
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    const assembly = app.synth();
    const messages = assembly.getStackByName('BouncePipeline').messages;
    expect(messages.filter((m) => m.level === 'error').map((m) => `${m.id}: ${String(m.entry.data)}`)).toEqual([]);
  });
});
