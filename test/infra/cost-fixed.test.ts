import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { BouncePipelineStack } from '../../infra/bounce-pipeline-stack.js';
import { DEPLOYED_STACK, memoryMbOf } from '../../shared/domain/aws-prices.js';

describe('the fixed monthly items bounce cost prices', () => {
  it('are what the synthesized stack holds', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new BouncePipelineStack(app, 'BouncePipeline', {
      env: { account: '111122223333', region: 'us-east-1' },
      alertEmail: 'ops@example.com',
    });
    const template = Template.fromStack(stack);
    const count = (type: string) => Object.keys(template.findResources(type)).length;
    expect({
      alarms: count('AWS::CloudWatch::Alarm'),
      dashboards: count('AWS::CloudWatch::Dashboard'),
      kmsKeys: count('AWS::KMS::Key'),
      secrets: count('AWS::SecretsManager::Secret'),
      polledQueues: count('AWS::Lambda::EventSourceMapping'),
    }).toEqual({
      alarms: DEPLOYED_STACK.alarms,
      dashboards: DEPLOYED_STACK.dashboards,
      kmsKeys: DEPLOYED_STACK.kmsKeys,
      secrets: DEPLOYED_STACK.secrets,
      polledQueues: DEPLOYED_STACK.polledQueues,
    });
    const rules = Object.values(template.findResources('AWS::Events::Rule')).map((r) => String(r.Properties?.ScheduleExpression));
    expect(rules).toEqual(['rate(5 minutes)', 'rate(5 minutes)']);
    expect(DEPLOYED_STACK.healthRunsPerMonth).toBe(8640);
    expect(DEPLOYED_STACK.sweepRunsPerMonth).toBe(8640);
    // The memory the price is computed at is the memory the functions get.
    const memories = Object.values(template.findResources('AWS::Lambda::Function')).map((f) => Number(f.Properties?.MemorySize));
    // classify, and api, retry, retry-sweep, send, health (finder) and health-check at the default.
    expect(memories.sort()).toEqual([memoryMbOf('classify'), ...Array(6).fill(memoryMbOf('api'))].sort());
  }, 180_000);
});
