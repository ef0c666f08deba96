import { Metrics } from '@aws-lambda-powertools/metrics';
import { CreateTopicCommand, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  composeApi,
  composeHealthChecker,
  composeHealthFinder,
  composeHealthJob,
  composePauses,
  documentClient,
} from '../../shared/adapters/compose.js';
import { countRequests } from '../../shared/adapters/request-meter.js';
import { ensureTables } from '../../shared/adapters/outbound/create-tables.js';
import { DynamoCampaignRepository } from '../../shared/adapters/outbound/dynamo-campaign-repository.js';
import { DynamoPauseStore } from '../../shared/adapters/outbound/dynamo-health-stores.js';
import { HEALTH_SERVICE, METRICS_NAMESPACE, PowertoolsHealthMetrics } from '../../shared/adapters/outbound/health-metrics.js';
import { hourOf } from '../../shared/domain/index.js';
import { seedCounts } from '../support/counters.js';
import { startDynamo, startMessaging, type Dynamo, type Messaging } from '../support/emulators.js';
import { TEST_ERASURE_KEY } from '../support/erasure-fakes.js';

let dynamo: Dynamo;
let messaging: Messaging;
let seq = 0;

beforeAll(async () => {
  [dynamo, messaging] = await Promise.all([startDynamo(), startMessaging()]);
});
afterAll(async () => {
  await Promise.all([dynamo?.stop(), messaging?.stop()]);
});

const NOW = new Date('2026-11-25T12:30:00Z');
const clock = () => NOW;

async function freshTables() {
  seq++;
  const tables = { addressTable: `addresses-${seq}`, campaignTable: `campaigns-${seq}` };
  await ensureTables(dynamo.client, tables);
  return { tables, repository: new DynamoCampaignRepository(documentClient(dynamo.client), tables.campaignTable) };
}

/** An alert topic with a queue subscribed (SNS envelope kept, as an email or HTTPS subscriber would see it). */
async function alertTopic() {
  const topic = await messaging.sns.send(new CreateTopicCommand({ Name: `alerts-${seq}` }));
  const queue = await messaging.sqs.send(new CreateQueueCommand({ QueueName: `alerts-${seq}` }));
  const { Attributes } = await messaging.sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queue.QueueUrl, AttributeNames: ['QueueArn'] }),
  );
  await messaging.sns.send(new SubscribeCommand({ TopicArn: topic.TopicArn, Protocol: 'sqs', Endpoint: Attributes?.QueueArn }));
  const received = async (): Promise<Array<{ Subject: string; Message: string; MessageAttributes: Record<string, { Value: string }> }>> => {
    const all = [];
    for (;;) {
      const { Messages } = await messaging.sqs.send(
        new ReceiveMessageCommand({ QueueUrl: queue.QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
      );
      if (!Messages?.length) return all;
      all.push(...Messages.map((m) => JSON.parse(m.Body ?? '{}')));
    }
  };
  return { topicArn: topic.TopicArn as string, received };
}

const addCounts = seedCounts;

async function seedCampaign(
  repository: DynamoCampaignRepository,
  campaign: string,
  volume: Record<string, number>,
  outcomes: Record<string, number>,
) {
  const hour = hourOf(NOW.toISOString());
  await repository.markActive(campaign, hour);
  await addCounts(repository, campaign, hour, { ...volume, ...outcomes });
}

describe('health job against dynalite, alerts through SNS → SQS', () => {
  it('alerts each new finding once even when two runs overlap, with the text in the SNS message', async () => {
    const { tables, repository } = await freshTables();
    const topic = await alertTopic();
    await seedCampaign(repository, 'nov', { sends: 1000, deliveries: 970 }, { hardBounces: 30 });
    await seedCampaign(repository, 'quiet', { sends: 500, deliveries: 500 }, { softBounces: 1 });
    // An old campaign, not active in the last 24 hours: the job does not read it.
    await repository.markActive('last-month', '2026-10-25T12');
    const run = () =>
      composeHealthJob({
        dynamo: dynamo.client,
        tables,
        clock,
        alerts: { sns: messaging.sns, topicArn: topic.topicArn },
        link: 'https://example.test/dashboard',
      })();
    const [first, second] = await Promise.all([run(), run()]);
    expect(first.checks.map((c) => c.campaign)).toEqual(['nov', 'quiet']);
    expect(first.alerts.length + second.alerts.length).toBe(1);
    const messages = await topic.received();
    expect(messages).toHaveLength(1);
    expect(messages[0]?.Subject).toBe('[DANGER] hard-bounce-rate in campaign nov');
    expect(messages[0]?.Message).toContain('hard-bounce rate 3.00 % is above 2.00 % with 95 % confidence');
    expect(messages[0]?.Message).toContain('Dashboard: https://example.test/dashboard');
    expect(messages[0]?.MessageAttributes.pattern?.Value).toBe('hard-bounce-rate');

    // Recovery: many clean sends later the finding clears, once.
    await addCounts(repository, 'nov', hourOf(NOW.toISOString()), { sends: 20_000, deliveries: 20_000 });
    await Promise.all([run(), run()]);
    const cleared = await topic.received();
    expect(cleared.map((m) => m.Subject)).toEqual(['[CLEARED] hard-bounce-rate in campaign nov']);
  });

  it('finds timeouts persisting for one domain from the delay records', async () => {
    const { tables, repository } = await freshTables();
    const hour = '2026-11-25T05'; // sent at 05:xx, delayed from 06:00 on
    await repository.markActive('nov', hour);
    await addCounts(repository, 'nov', hour, {
      sends: 100,
      deliveries: 90,
      delays: 5,
      'delays|domain|slow.example': 5,
    });
    const times = ['2026-11-25T06:00:00.000Z', '2026-11-25T07:00:00.000Z', '2026-11-25T09:00:00.000Z', '2026-11-25T11:00:00.000Z'];
    for (const [i, occurredAt] of times.entries()) {
      await repository.putDelay({
        domain: 'slow.example',
        eventId: `delay-${i}`,
        occurredAt,
        email: `user${i % 2}@slow.example`,
        category: 'connection-timeout',
        enhancedCode: '4.4.7',
        campaign: 'nov',
        expiresAt: Math.floor(NOW.getTime() / 1000) + 3600,
      });
    }
    // Expired (TTL not yet run) and another campaign's: neither counts.
    await repository.putDelay({
      domain: 'slow.example',
      eventId: 'expired',
      occurredAt: '2026-11-25T11:30:00.000Z',
      email: 'x@slow.example',
      category: 'connection-timeout',
      enhancedCode: '4.4.7',
      campaign: 'nov',
      expiresAt: Math.floor(NOW.getTime() / 1000) - 1,
    });
    const published: string[] = [];
    const run = await composeHealthJob({
      dynamo: dynamo.client,
      tables,
      clock,
      alerts: { publish: async (alert) => void published.push(alert.key) },
    })();
    const timeouts = run.checks[0]?.findings.find((f) => f.pattern === 'domain-timeouts');
    expect(timeouts).toMatchObject({ verdict: 'danger', numbers: { domain: 'slow.example', timeouts: 4, recipients: 2, hours: 5 } });
    expect(published).toEqual(['domain-timeouts:domain=slow.example']);
  });

  it('emits EMF with the dimensions the alarms use (service, and campaign per campaign)', async () => {
    const { tables, repository } = await freshTables();
    await seedCampaign(repository, 'nov', { sends: 1000, deliveries: 970 }, { hardBounces: 30 });
    const lines: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    try {
      await composeHealthJob({
        dynamo: dynamo.client,
        tables,
        clock,
        alerts: { publish: async () => {} },
        metrics: new PowertoolsHealthMetrics(new Metrics({ namespace: METRICS_NAMESPACE, serviceName: HEALTH_SERVICE })),
      })();
    } finally {
      spy.mockRestore();
    }
    const docs = lines
      .join('')
      .trim()
      .split('\n')
      .map(
        (line) =>
          JSON.parse(line) as Record<string, unknown> & {
            _aws: {
              CloudWatchMetrics: Array<{ Namespace: string; Dimensions: string[][]; Metrics: Array<{ Name: string; Unit: string }> }>;
            };
          },
      );
    expect(docs).toHaveLength(3);
    const [heartbeatDoc, campaignDoc, accountDoc] = docs;
    expect(heartbeatDoc?._aws.CloudWatchMetrics[0]).toMatchObject({ Dimensions: [['service']], Metrics: [{ Name: 'HealthHeartbeat' }] });
    expect(campaignDoc?._aws.CloudWatchMetrics[0]).toMatchObject({ Namespace: 'BouncePipeline', Dimensions: [['service', 'campaign']] });
    expect(campaignDoc).toMatchObject({ service: 'bounce-health', campaign: 'nov', CampaignSends: 1000, HardBounceRate: 3 });
    expect(campaignDoc?.HardBounceRateLowerBound).toBeCloseTo(2.2316, 3);
    expect(accountDoc?._aws.CloudWatchMetrics[0]?.Dimensions).toEqual([['service']]);
    expect(accountDoc?._aws.CloudWatchMetrics[0]?.Metrics.map((m) => [m.Name, m.Unit])).toEqual([
      ['WorstHardBounceRateLowerBound', 'Percent'],
      ['WorstComplaintRate', 'Percent'],
      ['CampaignsChecked', 'Count'],
      ['OpenFindings', 'Count'],
    ]);
    expect(accountDoc).not.toHaveProperty('campaign');
  });
});

describe('health fan-out against dynalite and SQS', () => {
  it('a pass over N campaigns makes at most 5 storage requests per campaign plus a constant', async () => {
    const { tables, repository } = await freshTables();
    const n = 20;
    const hour = hourOf(NOW.toISOString());
    for (let i = 0; i < n; i++) {
      const campaign = `c-${i}`;
      await repository.markActive(campaign, hour);
      await addCounts(repository, campaign, hour, { sends: 1000, hardBounces: 2 });
    }
    // The pass's own client, counted by an SDK middleware.
    const client = new DynamoDBClient({
      endpoint: dynamo.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 't', secretAccessKey: 't' },
    });
    const requests = countRequests(client);
    try {
      const run = await composeHealthJob({ dynamo: client, tables, clock, alerts: { publish: async () => {} } })();
      expect(run.checks).toHaveLength(n);
      expect(run.failed).toEqual([]);
      // Finder: the activity markers of the last 24 hours' 2 days and of the 24 hours of the previous
      // hour-keyed layout, and one read of the marks; each campaign: its lifetime hours (one Query).
      const perRun = 2 + 24 + 1;
      expect(requests()).toBeLessThanOrEqual(5 * n + perRun);
    } finally {
      client.destroy();
    }
  }, 120_000);

  it('hourlyTotals: the active hours of a span (both ends included), oldest first, each with its counters', async () => {
    const { repository } = await freshTables();
    for (const [hour, sends] of [
      ['2026-11-24T23', 5],
      ['2026-11-25T01', 7],
      ['2026-11-25T03', 9],
      ['2026-11-25T04', 11],
    ] as const) {
      await repository.markActive('nov', hour);
      await addCounts(repository, 'nov', hour, { sends, deliveries: sends - 1 });
    }
    await repository.markActive('other', '2026-11-25T01');
    await addCounts(repository, 'other', '2026-11-25T01', { sends: 1000 });
    expect(await repository.hourlyTotals('nov', '2026-11-25T00', '2026-11-25T03')).toEqual([
      { hour: '2026-11-25T01', totals: { counts: { sends: 7, deliveries: 6 }, errors: {} } },
      { hour: '2026-11-25T03', totals: { counts: { sends: 9, deliveries: 8 }, errors: {} } },
    ]);
    expect(await repository.hourlyTotals('quiet', '2026-11-25T00', '2026-11-25T03')).toEqual([]);
  });

  it('the finder fans out through the SQS queue and the checker takes the messages as the Lambda gets them', async () => {
    const { tables, repository } = await freshTables();
    for (let i = 0; i < 30; i++) await seedCampaign(repository, `c-${i}`, { sends: 100, deliveries: 100 }, {});
    await seedCampaign(repository, 'nov', { sends: 1000, deliveries: 970 }, { hardBounces: 30 });
    const { QueueUrl } = await messaging.sqs.send(new CreateQueueCommand({ QueueName: `health-checks-${seq}` }));
    const queueUrl = QueueUrl as string;
    const finder = await composeHealthFinder({
      dynamo: dynamo.client,
      campaignTable: tables.campaignTable,
      clock,
      queue: { sqs: messaging.sqs, queueUrl },
    })();
    expect(finder).toMatchObject({ messages: 2, heartbeat: true, error: null });
    const published: string[] = [];
    const check = composeHealthChecker({
      dynamo: dynamo.client,
      tables,
      clock,
      alerts: { publish: async (a) => void published.push(a.key) },
    });
    const { Messages = [] } = await messaging.sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10 }));
    expect(Messages).toHaveLength(2);
    const result = await check(Messages.map((m) => ({ id: m.MessageId ?? '', body: m.Body ?? '' })));
    expect(result.failedIds.size).toBe(0);
    expect(published).toEqual(['hard-bounce-rate']);
  }, 60_000);
});

describe('pause against dynalite', () => {
  it('stores the pause as CAMPAIGN#<id> / PAUSE, refuses a second pause, resumes once (API routes)', async () => {
    const { tables } = await freshTables();
    const handler = composeApi({ dynamo: dynamo.client, tables, clock, erasureKey: TEST_ERASURE_KEY });
    const call = async (method: string, path: string, body?: unknown) => {
      const response = await handler({
        httpMethod: method,
        path,
        body: body === undefined ? null : JSON.stringify(body),
        isBase64Encoded: false,
        queryStringParameters: null,
        requestContext: { identity: { userArn: 'arn:aws:iam::111122223333:user/ops' } },
      } as never);
      return { status: response.statusCode, body: JSON.parse(response.body) as Record<string, unknown> };
    };
    const pauses = composePauses({ dynamo: dynamo.client, tables });
    expect(await pauses.pauses.isPaused('nov')).toBe(false);
    const paused = await call('PUT', '/campaigns/nov/pause', { reason: 'list from an unknown source' });
    expect(paused).toMatchObject({
      status: 201,
      body: {
        campaign: 'nov',
        paused: true,
        pause: { reason: 'list from an unknown source', actor: 'arn:aws:iam::111122223333:user/ops' },
      },
    });
    expect(await pauses.pauses.isPaused('nov')).toBe(true);
    // The send and retry paths' presence check (a key-only read) sees the same item.
    const sendPathReader = new DynamoPauseStore(documentClient(dynamo.client), tables.campaignTable);
    expect(await sendPathReader.isPaused('nov')).toBe(true);
    const { Item } = await documentClient(dynamo.client).send(
      new (await import('@aws-sdk/lib-dynamodb')).GetCommand({ TableName: tables.campaignTable, Key: { pk: 'CAMPAIGN#nov', sk: 'PAUSE' } }),
    );
    expect(Item).toMatchObject({ reason: 'list from an unknown source', pausedAt: NOW.toISOString(), automatic: false });
    expect((await call('PUT', '/campaigns/nov/pause', { reason: 'again' })).status).toBe(409);
    expect((await call('GET', '/campaigns/nov/pause')).body).toMatchObject({ paused: true });
    expect(await call('DELETE', '/campaigns/nov/pause', { reason: 'list cleaned' })).toMatchObject({
      status: 200,
      body: { paused: false },
    });
    expect(await pauses.pauses.isPaused('nov')).toBe(false);
    expect(await sendPathReader.isPaused('nov')).toBe(false);
    expect((await call('DELETE', '/campaigns/nov/pause', { reason: 'twice' })).status).toBe(404);
    expect((await call('PUT', '/campaigns/nov/pause', {})).status).toBe(400);
  });
});

describe('idle campaigns and kept events against dynalite', () => {
  it('clears the open finding of a campaign idle for more than 24 hours, marked by its ALERTING item, then forgets it', async () => {
    const { tables, repository } = await freshTables();
    const topic = await alertTopic();
    await seedCampaign(repository, 'nov', { sends: 1000, deliveries: 970 }, { hardBounces: 30 });
    const at = (iso: string) =>
      composeHealthJob({
        dynamo: dynamo.client,
        tables,
        clock: () => new Date(iso),
        alerts: { sns: messaging.sns, topicArn: topic.topicArn },
        lifetimeHours: 48,
      })();
    await at(NOW.toISOString());
    const doc = documentClient(dynamo.client);
    const { GetCommand } = await import('@aws-sdk/lib-dynamodb');
    const mark = async () => (await doc.send(new GetCommand({ TableName: tables.campaignTable, Key: { pk: 'ALERTING', sk: 'nov' } }))).Item;
    expect(await mark()).toMatchObject({ campaign: 'nov', version: 1 });

    // 36 hours later: no activity marker of the last 24 hours' days names it (markers are per day), its
    // lifetime (48 h here) still holds the bounces.
    const idle = await at('2026-11-27T00:30:00Z');
    expect(idle.idle).toEqual(['nov']);
    expect(idle.alerts).toEqual([]);
    // 50 hours later: the bounces left the lifetime window, the finding clears and the mark goes.
    const cleared = await at('2026-11-27T14:30:00Z');
    expect(cleared.alerts.map((a) => [a.campaign, a.verdict, a.previous])).toEqual([['nov', 'cleared', 'danger']]);
    expect((await topic.received()).map((m) => m.Subject)).toEqual([
      '[DANGER] hard-bounce-rate in campaign nov',
      '[CLEARED] hard-bounce-rate in campaign nov',
    ]);
    expect(await mark()).toBeUndefined();
    expect((await at('2026-11-27T14:35:00Z')).checks).toEqual([]);
  });

  it('a pause whose event cannot be published answers 201 with the pause stored; the next health run publishes the event', async () => {
    const { tables } = await freshTables();
    let busDown = true;
    const delivered: unknown[] = [];
    const bus = {
      publish: async (events: readonly unknown[]) => {
        if (busDown) throw new Error('EventBridge unavailable');
        delivered.push(...events);
      },
    };
    const errors: Array<[string, Record<string, unknown> | undefined]> = [];
    const logger = {
      info: () => {},
      warn: () => {},
      error: (message: string, extra?: Record<string, unknown>) => errors.push([message, extra]),
    };
    const handler = composeApi({ dynamo: dynamo.client, tables, clock, logger, pause: { events: bus }, erasureKey: TEST_ERASURE_KEY });
    const response = await handler({
      httpMethod: 'PUT',
      path: '/campaigns/nov/pause',
      body: JSON.stringify({ reason: 'bought list' }),
      isBase64Encoded: false,
      queryStringParameters: null,
      requestContext: { identity: { userArn: 'arn:aws:iam::111122223333:user/ops' } },
    } as never);
    expect(response.statusCode).toBe(201);
    expect(JSON.parse(response.body)).toMatchObject({ campaign: 'nov', paused: true, changed: true });
    expect(await composePauses({ dynamo: dynamo.client, tables }).pauses.isPaused('nov')).toBe(true);
    expect(errors.map(([message]) => message)).toEqual(['Decision events not published: kept for the next health run']);
    expect(delivered).toEqual([]);

    const run = composeHealthJob({ dynamo: dynamo.client, tables, clock, alerts: { publish: async () => {} }, events: bus, logger });
    expect((await run()).eventsRepublished).toBe(0); // still down: kept
    busDown = false;
    expect((await run()).eventsRepublished).toBe(1);
    expect(delivered).toEqual([
      {
        version: 1,
        type: 'campaign.paused',
        id: `pause:nov:${NOW.toISOString()}`,
        at: NOW.toISOString(),
        campaign: 'nov',
        pause: { reason: 'bought list', actor: 'arn:aws:iam::111122223333:user/ops', automatic: false },
      },
    ]);
    expect((await run()).eventsRepublished).toBe(0); // published once
  });
});
