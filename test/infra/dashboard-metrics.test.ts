import { Metrics } from '@aws-lambda-powertools/metrics';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { beforeAll, describe, expect, it } from 'vitest';
import { AddressStore } from '../../infra/constructs/address-store.js';
import { CampaignHealth } from '../../infra/constructs/campaign-health.js';
import { HEALTH_SERVICE, METRICS_NAMESPACE, PowertoolsHealthMetrics } from '../../shared/adapters/outbound/health-metrics.js';
import { CLASSIFY_SERVICE, metricsPort, pipelineMetrics, RETRY_SERVICE } from '../../shared/adapters/outbound/powertools.js';
import { createProcessBatch, decisionMetricName } from '../../shared/app/classify-batch.js';
import { silentLogger } from '../../shared/app/ports.js';
import { createProcessRetryBatch } from '../../shared/app/retry-batch.js';
import { BOUNCE_CATEGORIES, OUTCOME_CATEGORIES } from '../../shared/domain/types.js';
import { deliveryFor } from '../support/batches.js';
import { notificationFixture } from '../support/corpus.js';
import { FakeAddresses, FakeCampaigns, FakeDeadLetters } from '../support/fakes.js';

interface EmfDocument {
  readonly [key: string]: unknown;
  readonly _aws: {
    readonly CloudWatchMetrics: ReadonlyArray<{ Namespace: string; Dimensions: string[][]; Metrics: Array<{ Name: string }> }>;
  };
}

/** One CloudWatch metric as an EMF document creates it: namespace, name and its full dimension set with values. */
interface EmittedMetric {
  readonly namespace: string;
  readonly name: string;
  readonly dimensions: Readonly<Record<string, string>>;
}

/** Powertools prints EMF through its own console: catch the lines instead of stdout. */
function capturing(metrics: Metrics): string[] {
  const printed: string[] = [];
  (metrics as unknown as { console: { log: (line: string) => void } }).console = { log: (line) => printed.push(line) };
  return printed;
}

/** The EMF the retry function prints for one sent retry: its metrics built as its handler builds them. */
async function retryEmf(): Promise<EmfDocument[]> {
  const metrics = pipelineMetrics(RETRY_SERVICE);
  const printed = capturing(metrics);
  const processBatch = createProcessRetryBatch({
    runTimer: async () => 'sent',
    deadLetters: { send: async () => {} },
    logger: silentLogger,
    metrics: metricsPort(metrics),
    clock: () => new Date('2026-11-30T08:00:00Z'),
  });
  const timer = { email: 'someone@example.com', originalMessageId: 'm-1', attempt: 1, dueAt: '2026-11-30T08:00:00.000Z' };
  await processBatch([{ id: 'r-1', body: JSON.stringify(timer) }]);
  return printed.map((line) => JSON.parse(line) as EmfDocument);
}

/** The EMF the classify function prints for a hard bounce, a complaint and a delivery (metrics built as its handler builds them). */
async function classifyEmf(): Promise<EmfDocument[]> {
  const metrics = pipelineMetrics(CLASSIFY_SERVICE);
  const printed = capturing(metrics);
  const campaigns = new FakeCampaigns();
  const processBatch = createProcessBatch({
    addresses: new FakeAddresses(),
    counters: campaigns,
    delays: campaigns,
    deadLetters: new FakeDeadLetters(),
    logger: silentLogger,
    metrics: metricsPort(metrics),
    clock: () => new Date('2026-11-30T08:00:00Z'),
  });
  const bodies = [
    notificationFixture('event-bounce-permanent.json'),
    notificationFixture('event-complaint.json'),
    deliveryFor('someone@example.com', '2026-11-30T07:59:00.000Z'),
  ];
  const { failedIds } = await processBatch(bodies.map((body, i) => ({ id: `c-${i}`, body: JSON.stringify(body) })));
  expect([...failedIds]).toEqual([]);
  return printed.map((line) => JSON.parse(line) as EmfDocument);
}

/** The EMF the health function prints on AWS (no local writer): one campaign document and the account document. */
function healthEmf(): EmfDocument[] {
  const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: HEALTH_SERVICE });
  const printed = capturing(metrics);
  const health = new PowertoolsHealthMetrics(metrics);
  health.campaign('nov', { sends: 200, hardBounceRate: 0.05, hardBounceRateLowerBound: 0.03, complaintRate: 0.001 });
  health.account({ worstHardBounceRateLowerBound: 0.03, worstComplaintRate: 0.001, campaignsChecked: 1, findings: 1 });
  health.heartbeat();
  return printed.map((line) => JSON.parse(line) as EmfDocument);
}

/** Every metric a document creates: each directive × each dimension set × each metric, dimension values from the document. */
function metricsOf(doc: EmfDocument): EmittedMetric[] {
  return doc._aws.CloudWatchMetrics.flatMap((directive) =>
    directive.Dimensions.flatMap((set) =>
      directive.Metrics.map((metric) => ({
        namespace: directive.Namespace,
        name: metric.Name,
        dimensions: Object.fromEntries(set.map((key) => [key, String(doc[key])])),
      })),
    ),
  );
}

const sameKeys = (a: readonly string[], b: readonly string[]): boolean => JSON.stringify([...a].sort()) === JSON.stringify([...b].sort());

/** What a dashboard row reads: a plain metric (namespace, name, dimension pairs) or a search expression. */
type Reader = { readonly kind: 'metric'; readonly metric: EmittedMetric } | { readonly kind: 'search'; readonly expression: string };

/**
 * Which emitted metrics a CloudWatch SEARCH expression returns. Only exact terms (`Key="value"`, ANDed, or an
 * OR group in parentheses) are evaluated: an unquoted term is a partial token match in CloudWatch, refused here.
 */
function searchMatches(expression: string, emitted: readonly EmittedMetric[]): EmittedMetric[] {
  const parsed = /^SEARCH\('\{([^}]*)\} (.*)', '\w+', \d+\)$/.exec(expression);
  if (!parsed) throw new Error(`not a SEARCH over a metric schema: ${expression}`);
  const [namespace, ...schemaDimensions] = (parsed[1] as string).split(',');
  const term = /^(\w+)="([^"]*)"$/;
  const conditions: Array<Array<[string, string]>> = [];
  for (const group of (parsed[2] as string).match(/\([^)]*\)|\S+/g) ?? []) {
    const alternatives = group.startsWith('(') ? group.slice(1, -1).split(' OR ') : [group];
    conditions.push(
      alternatives.map((alternative) => {
        const exact = term.exec(alternative.trim());
        if (!exact) throw new Error(`not an exact term (a partial match in CloudWatch): ${alternative} in ${expression}`);
        return [exact[1] as string, exact[2] as string];
      }),
    );
  }
  return emitted.filter(
    (metric) =>
      metric.namespace === namespace &&
      sameKeys(Object.keys(metric.dimensions), schemaDimensions) &&
      conditions.every((anyOf) =>
        anyOf.some(([key, value]) => (key === 'MetricName' ? metric.name === value : metric.dimensions[key] === value)),
      ),
  );
}

/** The emitted metrics a row reads: exactly its namespace, name and full dimension set for a plain metric. */
function readsOf(reader: Reader, emitted: readonly EmittedMetric[]): EmittedMetric[] {
  if (reader.kind === 'search') return searchMatches(reader.expression, emitted);
  const wanted = reader.metric;
  return emitted.filter(
    (metric) =>
      metric.namespace === wanted.namespace &&
      metric.name === wanted.name &&
      JSON.stringify(Object.entries(metric.dimensions).sort()) === JSON.stringify(Object.entries(wanted.dimensions).sort()),
  );
}

/** The construct that owns the dashboard and the health alarms, alone in a stack: the same widgets, a fraction of the synth time. */
function synthesize(): Template {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, 'Health', { env: { account: '111122223333', region: 'us-east-1' } });
  const store = new AddressStore(stack, 'Store');
  new CampaignHealth(stack, 'Health', {
    addressTable: store.addressTable,
    campaignTable: store.campaignTable,
    alertTopic: new Topic(stack, 'Alerts'),
  });
  return Template.fromStack(stack);
}

/** Each widget's title and what its rows read (the body is a CloudFormation join of strings and refs). */
function widgetsOf(template: Template): Map<string, Reader[]> {
  const dashboards = Object.values(template.findResources('AWS::CloudWatch::Dashboard'));
  expect(dashboards).toHaveLength(1);
  const body = (dashboards[0] as { Properties: { DashboardBody: unknown } }).Properties.DashboardBody;
  const parts = (body as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1];
  const text = parts.map((part) => (typeof part === 'string' ? part : 'REF')).join('');
  const widgets = (JSON.parse(text) as { widgets: Array<{ properties: { title?: string; metrics?: unknown[][] } }> }).widgets;
  return new Map(
    widgets.map((widget) => [
      widget.properties.title ?? '',
      (widget.properties.metrics ?? []).map((row): Reader => {
        const first = row[0];
        if (typeof first === 'object' && first !== null && 'expression' in first)
          return { kind: 'search', expression: String(first.expression) };
        const [namespace, name, ...rest] = row.filter((cell) => typeof cell === 'string');
        const pairs: Array<[string, string]> = [];
        for (let i = 0; i + 1 < rest.length; i += 2) pairs.push([rest[i] as string, rest[i + 1] as string]);
        return { kind: 'metric', metric: { namespace: namespace as string, name: name as string, dimensions: Object.fromEntries(pairs) } };
      }),
    ]),
  );
}

interface AlarmProperties {
  readonly Namespace: string;
  readonly MetricName: string;
  readonly Dimensions?: Array<{ Name: string; Value: unknown }>;
}

let emitted: { retry: EmittedMetric[]; classify: EmittedMetric[]; health: EmittedMetric[]; all: EmittedMetric[] };
let retryDocuments: EmfDocument[];
let widgets: Map<string, Reader[]>;
let alarms: AlarmProperties[];

beforeAll(async () => {
  // One synth and one run of each emitting path, shared by every test below.
  retryDocuments = await retryEmf();
  const classify = (await classifyEmf()).flatMap(metricsOf);
  const health = healthEmf().flatMap(metricsOf);
  const retry = retryDocuments.flatMap(metricsOf);
  emitted = { retry, classify, health, all: [...retry, ...classify, ...health] };
  const template = synthesize();
  widgets = widgetsOf(template);
  alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map(
    (alarm) => (alarm as { Properties: AlarmProperties }).Properties,
  );
});

const names = (metrics: readonly EmittedMetric[]): string[] => [...new Set(metrics.map((metric) => metric.name))].sort();

describe('dashboard and alarms read what the code emits', () => {
  it('the emitting paths print what the widgets are checked against (service dimension from Powertools)', () => {
    expect(names(emitted.classify)).toEqual([
      'Decision.complaint',
      'Decision.delivered',
      'Decision.invalid-address',
      'Decision.reputation-block',
      'RecordsProcessed',
    ]);
    expect(new Set(emitted.classify.map((metric) => JSON.stringify(metric.dimensions)))).toEqual(
      new Set(['{"service":"bounce-classify"}']),
    );
    expect(names(emitted.retry)).toEqual(['Retry.sent']);
    expect(emitted.health.filter((metric) => metric.name === 'HardBounceRate').map((metric) => metric.dimensions)).toEqual([
      { service: 'bounce-health', campaign: 'nov' },
    ]);
    expect(emitted.health.filter((metric) => metric.name === 'WorstComplaintRate').map((metric) => metric.dimensions)).toEqual([
      { service: 'bounce-health' },
    ]);
  });

  it('every row of every widget in the pipeline namespace reads at least one emitted metric', () => {
    expect([...widgets.keys()]).toEqual([
      'Worst campaign rates (%)',
      'Hard-bounce rate per campaign (%)',
      'Complaint rate per campaign (%)',
      'Decisions by category',
      'Retries sent',
    ]);
    for (const [title, readers] of widgets) {
      expect(readers.length, title).toBeGreaterThan(0);
      for (const reader of readers) expect(readsOf(reader, emitted.all).length, `${title}: ${JSON.stringify(reader)}`).toBeGreaterThan(0);
    }
  });

  it('each widget reads exactly the metrics it is about', () => {
    const reads = (title: string): string[] => names((widgets.get(title) ?? []).flatMap((reader) => readsOf(reader, emitted.all)));
    expect(reads('Worst campaign rates (%)')).toEqual(['WorstComplaintRate', 'WorstHardBounceRateLowerBound']);
    expect(reads('Hard-bounce rate per campaign (%)')).toEqual(['HardBounceRate']);
    expect(reads('Complaint rate per campaign (%)')).toEqual(['ComplaintRate']);
    // Every decision the batch counted, and not its other counters.
    expect(reads('Decisions by category')).toEqual(names(emitted.classify.filter((metric) => metric.name.startsWith('Decision.'))));
    expect(reads('Retries sent')).toEqual(['Retry.sent']);
  });

  it('decisions by category names every category exactly, pinned to the classify service, within the 1024-character query limit', () => {
    const [reader] = widgets.get('Decisions by category') ?? [];
    const expression = reader?.kind === 'search' ? reader.expression : '';
    const everyCategory = [...BOUNCE_CATEGORIES, ...OUTCOME_CATEGORIES].map((category) => ({
      namespace: METRICS_NAMESPACE,
      name: decisionMetricName(category),
      dimensions: { service: CLASSIFY_SERVICE },
    }));
    expect(searchMatches(expression, everyCategory)).toHaveLength(BOUNCE_CATEGORIES.length + OUTCOME_CATEGORIES.length);
    // The same names under another service are not read.
    expect(
      searchMatches(
        expression,
        everyCategory.map((metric) => ({ ...metric, dimensions: { service: RETRY_SERVICE } })),
      ),
    ).toEqual([]);
    const query = /^SEARCH\('(.*)', 'Sum', 300\)$/.exec(expression)?.[1] ?? '';
    expect(query.length).toBeGreaterThan(0);
    expect(query.length).toBeLessThanOrEqual(1024);
  });

  it('retries sent searches exactly the namespace, dimension set, service and metric name the retry function emits', () => {
    const directive = retryDocuments[0]?._aws.CloudWatchMetrics[0];
    expect(directive?.Dimensions).toEqual([['service']]);
    expect(widgets.get('Retries sent')).toEqual([
      {
        kind: 'search',
        expression:
          `SEARCH('{${directive?.Namespace},${directive?.Dimensions[0]?.join(',')}} MetricName="${directive?.Metrics[0]?.Name}"` +
          ` service="${String(retryDocuments[0]?.service)}"', 'Sum', 300)`,
      },
    ]);
  });

  it('every alarm on a pipeline metric reads exactly one emitted metric (name, namespace, full dimension set)', () => {
    const own = alarms.filter((alarm) => alarm.Namespace === METRICS_NAMESPACE);
    expect(own.map((alarm) => alarm.MetricName).sort()).toEqual(['HealthHeartbeat', 'WorstComplaintRate', 'WorstHardBounceRateLowerBound']);
    for (const alarm of own) {
      const metric = {
        namespace: alarm.Namespace,
        name: alarm.MetricName,
        dimensions: Object.fromEntries((alarm.Dimensions ?? []).map((d) => [d.Name, String(d.Value)])),
      };
      expect(readsOf({ kind: 'metric', metric }, emitted.health), alarm.MetricName).toHaveLength(1);
    }
  });
});
