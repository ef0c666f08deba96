import { spawn } from 'node:child_process';
import { DecisionEventSchema } from '../../shared/app/decision-event-schema.js';
import type { AddressEvent, DecisionEvent } from '../../shared/app/decision-events.js';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetQueueAttributesCommand, GetQueueUrlCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { ingestCommand } from '../../cli/ingest-command.js';
import { DEAD_LETTERS_FILE } from '../../local/dead-letters.js';
import type { RuntimeFile } from '../../local/runtime-file.js';
import { startRuntime } from '../../local/runtime.js';
import { silentLogger } from '../../shared/app/ports.js';
import { bounceFor } from '../support/batches.js';
import { notificationFixture, projectRoot } from '../support/corpus.js';
import { capture, settled } from '../support/runtime-process.js';

const sqsFor = (file: RuntimeFile) =>
  new SQSClient({
    region: file.region,
    endpoint: file.endpoints.sqs,
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    useQueueUrlAsEndpoint: false,
  });

async function dlqCount(file: RuntimeFile): Promise<number> {
  const sqs = sqsFor(file);
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: file.queues.notificationsDlq, AttributeNames: ['ApproximateNumberOfMessages'] }),
  );
  sqs.destroy();
  return Number(Attributes.ApproximateNumberOfMessages ?? 0);
}

describe('local runtime, end to end', () => {
  it('ingests a stream with duplicates and malformed records, answers over HTTP, and keeps everything across a restart', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'bounce-runtime-'));
    const first = await startRuntime({ port: 0, dataDir, logger: silentLogger });
    expect(JSON.parse(readFileSync(join(dataDir, 'runtime.json'), 'utf8'))).toMatchObject({
      version: 1,
      apiUrl: first.file.apiUrl,
      topicArn: first.file.topicArn,
    });

    const permanent = JSON.stringify(notificationFixture('event-bounce-permanent.json'));
    const stream = [
      permanent,
      permanent, // an SNS duplicate
      JSON.stringify(notificationFixture('sns-envelope-bounce.json')), // the same bounce, wrapped
      JSON.stringify(notificationFixture('event-complaint.json')),
      JSON.stringify(notificationFixture('event-delivery.json')),
      JSON.stringify(
        bounceFor('member@contoso.example', {
          feedbackId: 'p1',
          status: '5.4.1',
          diagnosticCode: 'smtp; 550 5.4.1 Recipient address rejected: Access denied',
        }),
      ),
      ...[1, 2, 3, 4].map((i) =>
        JSON.stringify(
          bounceFor('flaky@example.org', {
            feedbackId: `s${i}`,
            status: '4.2.2',
            diagnosticCode: 'smtp; 452 4.2.2 Mailbox full',
            at: new Date(Date.now() - i * 3600_000).toISOString(),
          }),
        ),
      ),
      'this line is not JSON',
      JSON.stringify({ hello: 'not an SES notification' }),
      JSON.stringify(notificationFixture('event-open.json')),
    ];
    const file = join(dataDir, 'stream.jsonl');
    writeFileSync(file, `${stream.join('\n')}\n`);
    const { io, err: stderr } = capture();
    expect(await ingestCommand({ sources: [file], dataDir, allowInvalid: true }, io)).toBe(0);
    expect(stderr()).toContain(`${stream.length} published, 0 failed`);
    expect(stderr()).toContain('2 lines were not SES notifications: published anyway');
    await settled(first);

    const expected: Record<string, { status: number; body?: Record<string, unknown> }> = {
      'kim.lee@gmail.com': { status: 200, body: { status: 'suppressed', reason: 'hard-bounce', count: 1, category: 'invalid-address' } },
      'buyer@gmail.com': { status: 404 },
      'angry@yahoo.com': { status: 200, body: { status: 'suppressed', reason: 'complaint' } },
      'happy@gmail.com': { status: 404 },
      'member@contoso.example': { status: 200, body: { status: 'review', reason: 'policy-block-review', suppressed: true } },
      'flaky@example.org': {
        status: 200,
        body: { status: 'review', reason: 'soft-bounce-threshold', softBounces: expect.objectContaining({ count: 4 }) },
      },
    };
    const check = async (apiUrl: string) => {
      for (const [email, want] of Object.entries(expected)) {
        const response = await fetch(`${apiUrl}/suppressions/${encodeURIComponent(email)}`);
        expect(response.status, email).toBe(want.status);
        if (want.body) expect(await response.json(), email).toMatchObject(want.body);
      }
    };
    await check(first.file.apiUrl);

    const sqs = sqsFor(first.file);
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: first.file.queues.notificationsDlq,
        MaxNumberOfMessages: 10,
        MessageAttributeNames: ['All'],
        VisibilityTimeout: 0,
      }),
    );
    sqs.destroy();
    const reasons = Messages.map((m) => m.MessageAttributes?.reason?.StringValue).sort();
    expect(reasons).toEqual([
      expect.stringContaining('SNS Message is not valid JSON'),
      expect.stringContaining('no eventType or notificationType'),
    ]);

    await first.stop();
    expect(existsSync(join(dataDir, 'runtime.json'))).toBe(false);

    const second = await startRuntime({ port: 0, dataDir, logger: silentLogger });
    try {
      await check(second.file.apiUrl);
      expect(await dlqCount(second.file)).toBe(2); // the DLQ came back with the data
    } finally {
      await second.stop();
    }
  }, 60_000);

  it('`bounce start` writes runtime.json, serves the API, refuses a second runtime on the same data, and stops cleanly on SIGTERM', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'bounce-start-'));
    const child = spawn(process.execPath, [join(projectRoot, 'bin', 'bounce.mjs'), 'start', '--port', '0', '--data', dataDir, '--memory'], {
      cwd: projectRoot,
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    });
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    const runtimePath = join(dataDir, 'runtime.json');
    for (let i = 0; i < 200 && !existsSync(runtimePath); i++) await new Promise((r) => setTimeout(r, 100));
    const file = JSON.parse(readFileSync(runtimePath, 'utf8')) as RuntimeFile;
    expect(file.pid).toBe(child.pid);
    expect((await fetch(`${file.apiUrl}/suppressions?limit=5`)).status).toBe(200);

    await expect(startRuntime({ port: 0, dataDir, logger: silentLogger })).rejects.toThrow(/already running/);

    const { io, err: stderr } = capture();
    expect(await ingestCommand({ sources: [join(projectRoot, 'examples', 'notifications.jsonl')], dataDir }, io)).toBe(0);
    expect(stderr()).toContain('12 published, 0 failed, 1 SNS subscription message skipped');

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(out).toContain('stopped.');
    expect(existsSync(runtimePath)).toBe(false);
  }, 60_000);
});

describe('local runtime, health job', () => {
  it('appends one alert per finding of a campaign that turns bad, and its metrics as EMF', async () => {
    const { demoCampaign } = await import('../../cli/demo-campaign.js');
    const { eventsFor } = await import('../support/demo-events.js');
    const dataDir = mkdtempSync(join(tmpdir(), 'bounce-health-'));
    const runtime = await startRuntime({ port: 0, dataDir, memory: true, healthEverySeconds: 0, logger: silentLogger });
    try {
      const now = new Date();
      // The demo's campaign: its cast has the 10 dead mailboxes a hard-bounce verdict needs.
      const events = demoCampaign(100, 7).flatMap((recipient, i) => eventsFor(recipient, 'spring-sale', i, now));
      const file = join(dataDir, 'campaign.jsonl');
      writeFileSync(file, `${events.join('\n')}\n`);
      const { io } = capture();
      expect(await ingestCommand({ sources: [file], dataDir }, io)).toBe(0);
      await settled(runtime);
      await runtime.checkHealth();
      const readAlerts = () =>
        readFileSync(join(dataDir, 'alerts.jsonl'), 'utf8')
          .trim()
          .split('\n')
          .map((line) => JSON.parse(line) as { campaign: string; pattern: string; verdict: string; previous: string | null; text: string });
      const alerts = readAlerts();
      expect(alerts.length).toBeGreaterThanOrEqual(1);
      const hardBounce = alerts.find((a) => a.pattern === 'hard-bounce-rate');
      expect(hardBounce).toMatchObject({ campaign: 'spring-sale', verdict: expect.stringMatching(/warning|danger/), previous: null });
      expect(hardBounce?.text).toContain(`Dashboard: ${runtime.file.apiUrl}/`);
      await runtime.checkHealth(); // nothing changed: no second alert
      expect(readAlerts()).toHaveLength(alerts.length);

      const emf = readFileSync(join(dataDir, 'metrics.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as Record<string, unknown> & { _aws: { CloudWatchMetrics: [{ Dimensions: string[][] }] } });
      const campaignDoc = emf.find((doc) => doc.campaign === 'spring-sale');
      expect(campaignDoc?._aws.CloudWatchMetrics[0].Dimensions).toEqual([['service', 'campaign']]);
      expect(campaignDoc?.service).toBe('bounce-health');
      expect(typeof campaignDoc?.HardBounceRate).toBe('number');
      expect(emf.some((doc) => typeof doc.WorstHardBounceRateLowerBound === 'number')).toBe(true);
      // The same findings as decision events, one per alert.
      const decisions = readFileSync(join(dataDir, 'events.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as DecisionEvent);
      const findings = decisions.filter((e) => e.type === 'campaign.finding');
      expect(findings.map((e) => [e.type, e.campaign, e.finding.key])).toEqual(
        alerts.map((a) => ['campaign.finding', 'spring-sale', a.pattern === 'mailbox-full-concentration' ? expect.any(String) : a.pattern]),
      );
      // Every address change too: one event per suppressed address (the demo suppresses each at most once), each
      // line exactly of the documented schema.
      for (const event of decisions) expect(DecisionEventSchema.parse(event)).toEqual(event);
      const suppressedEvents = decisions.filter((e): e is AddressEvent => e.type === 'address.suppressed');
      const listed = (await (await fetch(`${runtime.file.apiUrl}/suppressions?status=suppressed&limit=1000`)).json()) as {
        items: Array<{ email: string }>;
      };
      expect(listed.items.length).toBeGreaterThan(0);
      expect(suppressedEvents.map((e) => e.address).sort()).toEqual(listed.items.map((i) => i.email).sort());
      expect(new Set(decisions.map((e) => e.id)).size).toBe(decisions.length);
    } finally {
      await runtime.stop();
    }
  }, 60_000);
});

describe('local runtime, queue snapshot', () => {
  it('keeps the saved queues when a start fails (port taken) and brings them back on the next start', async () => {
    const { createServer } = await import('node:http');
    const dataDir = mkdtempSync(join(tmpdir(), 'bounce-snapshot-'));
    const saved = [
      { queue: 'dlq', body: 'kept from last time', attributes: { reason: { DataType: 'String', StringValue: 'not valid JSON' } } },
      // A body the retry function could not read as a timer, on the retry timer queue's DLQ.
      { queue: 'retryDlq', body: '{"not":"a timer"}', attributes: { reason: { DataType: 'String', StringValue: 'not a retry timer' } } },
    ];
    writeFileSync(join(dataDir, 'queues.json'), JSON.stringify(saved));
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    await expect(startRuntime({ port, dataDir, logger: silentLogger })).rejects.toThrow(/cannot serve the API/);
    await new Promise<void>((resolve) => blocker.close(() => resolve()));
    expect(existsSync(join(dataDir, 'queues.json'))).toBe(true);
    expect(existsSync(join(dataDir, 'runtime.lock'))).toBe(false);

    const runtime = await startRuntime({ port: 0, dataDir, logger: silentLogger });
    try {
      expect(await dlqCount(runtime.file)).toBe(1);
      expect(runtime.restored).toEqual({ notifications: 0, deadLetters: 1, retryDeadLetters: 1 });
      const sqs = sqsFor(runtime.file);
      const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: 'bounce-retry-timers-dlq' }));
      const { Attributes = {} } = await sqs.send(
        new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }),
      );
      sqs.destroy();
      expect(Number(Attributes.ApproximateNumberOfMessages)).toBe(1);
    } finally {
      await runtime.stop();
    }
    // A folder of an older runtime kept its DLQs in the queue snapshot: they now live in their own file, kept current while running.
    expect(JSON.parse(readFileSync(join(dataDir, DEAD_LETTERS_FILE), 'utf8'))).toEqual(saved);
    expect(existsSync(join(dataDir, 'queues.json'))).toBe(false);
  }, 60_000);
});

describe('local runtime --external', () => {
  it('runs the same pollers and API against the endpoints the environment names', async () => {
    const { startDynamo, startMessaging } = await import('../support/emulators.js');
    const [dynamo, messaging] = await Promise.all([startDynamo(), startMessaging()]);
    const saved = { ...process.env };
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      AWS_ENDPOINT_URL_SQS: messaging.endpoint,
      AWS_ENDPOINT_URL_SNS: messaging.endpoint,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'external',
      AWS_SECRET_ACCESS_KEY: 'external',
    });
    const dataDir = mkdtempSync(join(tmpdir(), 'bounce-external-'));
    try {
      const runtime = await startRuntime({ port: 0, dataDir, external: true, logger: silentLogger });
      try {
        expect(runtime.file.endpoints).toEqual({
          dynamodb: dynamo.endpoint,
          sqs: messaging.endpoint,
          sns: messaging.endpoint,
          // No SES endpoint named: the real one of the region (external mode embeds no SES and no world).
          ses: 'https://email.us-east-1.amazonaws.com',
        });
        expect(runtime.file.sesViewerUrl).toBeNull();
        const { io } = capture();
        expect(await ingestCommand({ sources: [join(projectRoot, 'examples', 'notifications.jsonl')], dataDir }, io)).toBe(0);
        await settled(runtime);
        const response = await fetch(`${runtime.file.apiUrl}/suppressions/kim.lee%40gmail.com`);
        expect(response.status).toBe(200);
        expect(await response.json()).toMatchObject({ status: 'suppressed', reason: 'hard-bounce' });
      } finally {
        await runtime.stop();
      }
    } finally {
      process.env = saved;
      await Promise.all([dynamo.stop(), messaging.stop()]);
    }
  }, 60_000);
});

describe('local runtime configuration', () => {
  it('counts campaigns under the tag names it is given', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'bounce-tags-'));
    const runtime = await startRuntime({
      port: 0,
      dataDir,
      memory: true,
      healthEverySeconds: 0,
      tagNames: { campaign: 'mailing', batch: 'import', source: 'origin' },
      logger: silentLogger,
    });
    try {
      const now = new Date().toISOString();
      const bounce = bounceFor('gone@example.org', {
        feedbackId: 'tagged',
        status: '5.1.1',
        diagnosticCode: 'smtp; 550 5.1.1 user unknown',
        at: now,
      });
      // Sent now (so the campaign is active in the health window), tagged with the configured names.
      const tagged = {
        ...bounce,
        mail: { ...(bounce.mail as object), timestamp: now, tags: { mailing: ['winter-sale'], import: ['b7'] } },
      };
      const { io } = capture();
      const file = join(dataDir, 'tagged.json');
      writeFileSync(file, JSON.stringify(tagged));
      expect(await ingestCommand({ sources: [file], dataDir }, io)).toBe(0);
      await settled(runtime);
      const record = (await (await fetch(`${runtime.file.apiUrl}/suppressions/gone@example.org`)).json()) as Record<string, unknown>;
      expect(record).toMatchObject({ status: 'suppressed', campaign: 'winter-sale' });
      const health = (await (await fetch(`${runtime.file.apiUrl}/campaigns/winter-sale/health`)).json()) as Record<string, unknown>;
      expect(health).toMatchObject({ campaign: 'winter-sale', hardBounces: 1 });
    } finally {
      await runtime.stop(0);
    }
  });
});
