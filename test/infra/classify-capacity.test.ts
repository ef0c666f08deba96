import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AttributeType, Table } from 'aws-cdk-lib/aws-dynamodb';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { describe, expect, it } from 'vitest';
import { Ingestion } from '../../infra/constructs/ingestion.js';

describe('classify function capacity', () => {
  it('has one full vCPU (1,769 MB) for a maximal batch, a 30 s timeout, and batches of at most 100', () => {
    // The ingestion construct alone (no bundling): the stack test synthesizes the whole app.
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new Stack(app, 'Capacity', { env: { account: '111122223333', region: 'eu-west-1' } });
    const table = (id: string) => new Table(stack, id, { partitionKey: { name: 'pk', type: AttributeType.STRING } });
    new Ingestion(stack, 'Ingestion', {
      addressTable: table('Addresses'),
      campaignTable: table('Campaigns'),
      alarmTopic: new Topic(stack, 'Alarms'),
    });
    const template = Template.fromStack(stack);
    const functions = Object.values(template.findResources('AWS::Lambda::Function')).filter((f) =>
      String(f.Properties?.Description ?? '').startsWith('Classifies SES notifications'),
    );
    expect(functions).toHaveLength(1);
    expect(functions[0]?.Properties).toMatchObject({ MemorySize: 1769, Timeout: 30 });
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', { BatchSize: 100 });
  });
});
