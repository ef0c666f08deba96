import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { BouncePipelineStack } from '../../infra/bounce-pipeline-stack.js';

describe('stack outputs for the CLI', () => {
  it('NotificationsDlqUrl is the URL of the notifications queue’s DLQ (what `bounce dlq --queue-url` takes)', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new BouncePipelineStack(app, 'BouncePipeline', { env: { account: '111122223333', region: 'us-east-1' } });
    const template = Template.fromStack(stack);
    const output = template.findOutputs('NotificationsDlqUrl');
    const ref = (output.NotificationsDlqUrl?.Value as { Ref?: string } | undefined)?.Ref;
    expect(ref).toBeDefined();
    const queues = template.findResources('AWS::SQS::Queue');
    // It is a queue some other queue dead-letters into.
    const sources = Object.values(queues).filter(
      (queue) =>
        (queue.Properties?.RedrivePolicy as { deadLetterTargetArn?: { 'Fn::GetAtt'?: string[] } } | undefined)?.deadLetterTargetArn?.[
          'Fn::GetAtt'
        ]?.[0] === ref,
    );
    expect(sources).toHaveLength(1);
    expect(Object.keys(queues)).toContain(ref);
  });
});
