import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { BouncePipelineStack } from '../../infra/bounce-pipeline-stack.js';

const env = { account: '111122223333', region: 'eu-west-1' };
let template: Template;

beforeAll(() => {
  // Template assertions only: the stack test bundles and runs cdk-nag over the whole app.
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  template = Template.fromStack(new BouncePipelineStack(app, 'BouncePipeline', { env }));
});

describe('deployed stack guarantees', () => {
  it('every queue keeps messages 14 days (SQS would drop them after 4), but the health checks', () => {
    const queues = Object.entries(template.findResources('AWS::SQS::Queue'));
    expect(queues.length).toBeGreaterThanOrEqual(4);
    for (const [id, queue] of queues) {
      // The finder sends every campaign again each 5 minutes: a check older than an hour is stale, not lost.
      const retention = id.startsWith('HealthChecksQueue') ? 3600 : 14 * 24 * 3600;
      expect(queue.Properties?.MessageRetentionPeriod, id).toBe(retention);
    }
  });

  it('the alerts key lets CloudWatch use it only for alarms of this account, like the topic policy does', () => {
    const keys = Object.entries(template.findResources('AWS::KMS::Key')).filter(([id]) => id.startsWith('Alerts'));
    expect(keys).toHaveLength(1);
    const statements = (keys[0]?.[1].Properties.KeyPolicy.Statement ?? []) as Array<{
      Principal?: { Service?: string };
      Condition?: unknown;
    }>;
    const cloudwatch = statements.filter((s) => s.Principal?.Service === 'cloudwatch.amazonaws.com');
    expect(cloudwatch).toHaveLength(1);
    expect(cloudwatch[0]?.Condition).toEqual({ StringEquals: { 'aws:SourceAccount': '111122223333' } });
    const topicPolicies = Object.values(template.findResources('AWS::SNS::TopicPolicy'));
    const topicStatements = topicPolicies.flatMap(
      (p) => p.Properties.PolicyDocument.Statement as Array<{ Principal?: { Service?: string }; Condition?: unknown }>,
    );
    expect(topicStatements.find((s) => s.Principal?.Service === 'cloudwatch.amazonaws.com')?.Condition).toEqual(cloudwatch[0]?.Condition);
  });
});
