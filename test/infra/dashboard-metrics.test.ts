import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { describe, expect, it } from 'vitest';
import { AddressStore } from '../../infra/constructs/address-store.js';
import { CampaignHealth } from '../../infra/constructs/campaign-health.js';
import { metricsPort, pipelineMetrics, RETRY_SERVICE } from '../../shared/adapters/outbound/powertools.js';
import { createProcessRetryBatch } from '../../shared/app/retry-batch.js';
import { silentLogger } from '../../shared/app/ports.js';

interface EmfDocument {
  readonly service?: string;
  readonly _aws: {
    readonly CloudWatchMetrics: ReadonlyArray<{ Namespace: string; Dimensions: string[][]; Metrics: Array<{ Name: string }> }>;
  };
}

/** The EMF the retry function prints for one sent retry: its metrics built as its handler builds them. */
async function retryEmf(): Promise<EmfDocument> {
  const printed: string[] = [];
  const metrics = pipelineMetrics(RETRY_SERVICE);
  // Powertools prints EMF through its own console: catch the line instead of stdout.
  (metrics as unknown as { console: { log: (line: string) => void } }).console = { log: (line) => printed.push(line) };
  const processBatch = createProcessRetryBatch({
    runTimer: async () => 'sent',
    deadLetters: { send: async () => {} },
    logger: silentLogger,
    metrics: metricsPort(metrics),
    clock: () => new Date('2026-11-30T08:00:00Z'),
  });
  const timer = { email: 'someone@example.com', originalMessageId: 'm-1', attempt: 1, dueAt: '2026-11-30T08:00:00.000Z' };
  await processBatch([{ id: 'r-1', body: JSON.stringify(timer) }]);
  expect(printed).toHaveLength(1);
  return JSON.parse(printed[0] as string) as EmfDocument;
}

/** The dashboard's search expression under a widget title (the body is a CloudFormation join of strings and refs). */
function widgetExpressions(title: string): string[] {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  // The construct that owns the dashboard, alone in a stack: the same widgets, a fraction of the synth time.
  const stack = new Stack(app, 'Health', { env: { account: '111122223333', region: 'us-east-1' } });
  const store = new AddressStore(stack, 'Store');
  new CampaignHealth(stack, 'Health', {
    addressTable: store.addressTable,
    campaignTable: store.campaignTable,
    alertTopic: new Topic(stack, 'Alerts'),
  });
  const dashboards = Object.values(Template.fromStack(stack).findResources('AWS::CloudWatch::Dashboard'));
  expect(dashboards).toHaveLength(1);
  const body = (dashboards[0] as { Properties: { DashboardBody: unknown } }).Properties.DashboardBody;
  const parts = (body as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1];
  const text = parts.map((part) => (typeof part === 'string' ? part : 'REF')).join('');
  const widgets = (JSON.parse(text) as { widgets: Array<{ properties: { title?: string; metrics?: unknown[][] } }> }).widgets;
  const widget = widgets.find((w) => w.properties.title === title);
  expect(widget).toBeDefined();
  return (widget?.properties.metrics ?? []).flatMap((row) =>
    row.flatMap((cell) => (typeof cell === 'object' && cell !== null && 'expression' in cell ? [String(cell.expression)] : [])),
  );
}

describe('dashboard: retries sent', () => {
  it('searches exactly the namespace, dimension set, service and metric name the retry function emits', async () => {
    const emf = await retryEmf();
    const directive = emf._aws.CloudWatchMetrics[0];
    expect(directive?.Metrics.map((m) => m.Name)).toEqual(['Retry.sent']);
    expect(directive?.Dimensions).toEqual([['service']]);
    expect(emf.service).toBe('bounce-retry');

    const expressions = widgetExpressions('Retries sent');
    expect(expressions).toEqual([
      `SEARCH('{${directive?.Namespace},${directive?.Dimensions[0]?.join(',')}} MetricName="${directive?.Metrics[0]?.Name}"` +
        ` service="${emf.service}"', 'Sum', 300)`,
    ]);
  });
});
