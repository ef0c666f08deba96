import { SESClient } from '@aws-sdk/client-ses';
import { CreateQueueCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalSes, type LocalSes } from '../../local/ses-server.js';
import { documentClient } from '../../shared/adapters/compose.js';
import { ensureTables } from '../../shared/adapters/outbound/create-tables.js';
import { DynamoPauseStore } from '../../shared/adapters/outbound/dynamo-health-stores.js';
import {
  DynamoDueRetryIndex,
  DynamoOutboundStore,
  DynamoRetryStateRepository,
} from '../../shared/adapters/outbound/dynamo-retry-stores.js';
import { SesEmailSender } from '../../shared/adapters/outbound/ses-sender.js';
import { SqsRetryTimerQueue } from '../../shared/adapters/outbound/sqs-retry-timers.js';
import { pauseKey } from '../../shared/adapters/outbound/tables.js';
import { DEFAULT_TAG_NAMES, parseTimer, type RetryState } from '../../shared/domain/index.js';
import { awsTestConfig, startDynamo, startMessaging, type Dynamo, type Messaging } from '../support/emulators.js';
import { putLegacyRecord } from '../support/legacy-records.js';

const tables = { addressTable: 'addresses', campaignTable: 'campaigns' };
let dynamo: Dynamo;
let messaging: Messaging;
let ses: LocalSes;

beforeAll(async () => {
  [dynamo, messaging, ses] = await Promise.all([startDynamo(), startMessaging(), startLocalSes()]);
  await ensureTables(dynamo.client, tables);
});
afterAll(async () => {
  await Promise.all([dynamo?.stop(), messaging?.stop(), ses?.close()]);
});

const state: RetryState = {
  email: 'kim@example.org',
  originalMessageId: 'orig-1',
  category: 'mailbox-full',
  campaign: 'spring',
  batch: null,
  source: null,
  bodyHash: null,
  attempt: 1,
  status: 'scheduled',
  dueAt: '2026-11-20T18:00:00.000Z',
  firstFailureAt: '2026-11-20T12:00:00.000Z',
  sendingSince: null,
  lastMessageId: 'orig-1',
  reason: null,
  version: 1,
};

describe('retry adapters against dynalite, fauxqs and aws-ses-v2-local', () => {
  it('retry state: compare-and-set lets exactly one of two racing writers win', async () => {
    const repo = new DynamoRetryStateRepository(documentClient(dynamo.client), tables.addressTable);
    expect(await repo.put(state, 0)).toBe(true);
    expect(await repo.put(state, 0)).toBe(false);
    const claim = { ...state, status: 'sending' as const, sendingSince: '2026-11-20T18:00:00.000Z', version: 2 };
    const results = await Promise.all([repo.put(claim, 1), repo.put({ ...claim, sendingSince: '2026-11-20T18:00:01.000Z' }, 1)]);
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await repo.get('kim@example.org', 'orig-1')).toMatchObject({ status: 'sending', version: 2, attempt: 1, reason: null });
    expect(await repo.get('kim@example.org', 'other')).toBeNull();
  });

  it('due index: open states by check time, one Query per day partition; a state that is no longer open leaves it', async () => {
    const doc = documentClient(dynamo.client);
    const repo = new DynamoRetryStateRepository(doc, tables.addressTable);
    const due = new DynamoDueRetryIndex(doc, tables.addressTable);
    const at = (iso: string) => new Date(iso);
    const base = { ...state, email: 'due@example.org', dueAt: '2026-12-01T23:50:00.000Z' };
    await repo.put({ ...base, originalMessageId: 'd-1' }, 0);
    await repo.put({ ...base, originalMessageId: 'd-2', dueAt: '2026-12-02T00:05:00.000Z' }, 0);
    await repo.put({ ...base, originalMessageId: 'd-3', dueAt: '2026-12-01T23:55:00.000Z' }, 0, { timerEnqueued: true });
    await repo.put({ ...base, originalMessageId: 'd-4', dueAt: '2026-12-02T00:20:00.000Z' }, 0);
    let queries = 0;
    const send = doc.send.bind(doc);
    doc.send = ((command: Parameters<typeof send>[0]) => {
      if (command.constructor.name === 'QueryCommand') queries++;
      return send(command);
    }) as typeof doc.send;
    // Across midnight: two day partitions, the range half-open at its end, the writer's own timers passed by.
    const found = await due.dueBetween(at('2026-12-01T23:45:00.000Z'), at('2026-12-02T00:20:00.000Z'), { withEnqueued: false });
    expect(found.map((d) => d.timer.originalMessageId)).toEqual(['d-1', 'd-2']);
    expect(found[0]).toEqual({
      checkAt: '2026-12-01T23:50:00.000Z',
      timer: { email: 'due@example.org', originalMessageId: 'd-1', attempt: 1, dueAt: '2026-12-01T23:50:00.000Z' },
    });
    expect(queries).toBe(2);
    const all = await due.dueBetween(at('2026-12-01T23:45:00.000Z'), at('2026-12-02T00:21:00.000Z'), { withEnqueued: true });
    expect(all.map((d) => d.timer.originalMessageId)).toEqual(['d-1', 'd-3', 'd-2', 'd-4']);
    doc.send = send;
    // Claimed: it moves to the end of its evidence wait; sent: it leaves the index.
    const claimed = { ...base, originalMessageId: 'd-1', status: 'sending' as const, sendingSince: '2026-12-01T23:50:00.000Z', version: 2 };
    await repo.put(claimed, 1);
    const after = await due.dueBetween(at('2026-12-01T00:00:00.000Z'), at('2026-12-03T00:00:00.000Z'), { withEnqueued: false });
    expect(after.find((d) => d.timer.originalMessageId === 'd-1')?.checkAt).toBe('2026-12-02T01:20:00.000Z');
    await repo.put({ ...claimed, status: 'sent', sendingSince: null, version: 3 }, 2);
    const gone = await due.dueBetween(at('2026-12-01T00:00:00.000Z'), at('2026-12-03T00:00:00.000Z'), { withEnqueued: true });
    expect(gone.map((d) => d.timer.originalMessageId)).not.toContain('d-1');
    // The cursor never moves back, unless reset.
    expect(await due.sweptUntil()).toBeNull();
    await due.markSweptUntil(at('2026-12-02T00:00:00.000Z'));
    await due.markSweptUntil(at('2026-12-01T00:00:00.000Z'));
    expect(await due.sweptUntil()).toEqual(at('2026-12-02T00:00:00.000Z'));
    await due.markSweptUntil(at('2026-12-01T00:00:00.000Z'), { reset: true });
    expect(await due.sweptUntil()).toEqual(at('2026-12-01T00:00:00.000Z'));
  });

  it('sent-message records of earlier versions read back by MessageId, and an expired one reads as absent', async () => {
    const doc = documentClient(dynamo.client);
    const now = new Date('2026-11-20T12:00:00.000Z');
    const store = new DynamoOutboundStore(doc, tables.addressTable, () => now);
    const record = {
      messageId: 'm-2',
      to: 'kim@example.org',
      from: 'news@mail.example.com',
      tags: { campaign: 'spring', batch: null, source: null },
      content: { kind: 'simple' as const, subject: 'Hi', text: 'hello' },
      attempt: 0,
      originalMessageId: 'm-2',
      sentAt: '2026-11-20T11:00:00.000Z',
      expiresAt: now.getTime() / 1000 + 3600,
    };
    await putLegacyRecord(doc, tables.addressTable, record);
    await putLegacyRecord(doc, tables.addressTable, { ...record, messageId: 'm-3', attempt: 1, sentAt: '2026-11-20T11:30:00.000Z' }, false);
    await putLegacyRecord(doc, tables.addressTable, {
      ...record,
      messageId: 'old',
      sentAt: '2026-11-01T00:00:00.000Z',
      expiresAt: now.getTime() / 1000 - 1,
    });
    expect(await store.get('m-2')).toEqual(record);
    expect(await store.get('m-3')).toEqual({ ...record, messageId: 'm-3', attempt: 1, sentAt: '2026-11-20T11:30:00.000Z' });
    expect(await store.get('old')).toBeNull();
  });

  it('a campaign is paused while its CAMPAIGN#<id> / PAUSE item exists', async () => {
    const doc = documentClient(dynamo.client);
    const pauses = new DynamoPauseStore(doc, tables.campaignTable);
    expect(await pauses.isPaused('spring')).toBe(false);
    await doc.send(new PutCommand({ TableName: tables.campaignTable, Item: { ...pauseKey('spring'), pausedBy: 'test' } }));
    expect(await pauses.isPaused('spring')).toBe(true);
    expect(await pauses.isPaused('summer')).toBe(false);
    // The same adapter writes the item the send path reads.
    const record = { campaign: 'summer', reason: 'list check', actor: 'ops', pausedAt: '2026-11-20T12:00:00.000Z', automatic: false };
    expect(await pauses.pause(record)).toBe(true);
    expect(await pauses.isPaused('summer')).toBe(true);
    expect(await pauses.get('summer')).toEqual(record);
    expect(await pauses.resume('summer')).toEqual(record);
    expect(await pauses.isPaused('summer')).toBe(false);
  });

  it('a timer message stays invisible for its (scaled) delay', async () => {
    const { QueueUrl } = await messaging.sqs.send(new CreateQueueCommand({ QueueName: 'retry-timers' }));
    const queue = new SqsRetryTimerQueue(messaging.sqs, QueueUrl as string, 450);
    const timer = { email: 'kim@example.org', originalMessageId: 'orig-1', attempt: 1, dueAt: state.dueAt };
    const sentAt = Date.now();
    await queue.enqueue(timer, 900); // 2 s at a time scale of 450
    const early = await messaging.sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 0 }));
    expect(early.Messages ?? []).toHaveLength(0);
    const later = await messaging.sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 5 }));
    expect(Date.now() - sentAt).toBeGreaterThanOrEqual(1500);
    expect(parseTimer(later.Messages?.[0]?.Body ?? '')).toEqual({ ok: true, timer });
  });

  it('the SES sender sends through aws-ses-v2-local: the message is in its store under the returned MessageId', async () => {
    const client = new SESClient({ ...awsTestConfig, endpoint: ses.url });
    const sender = new SesEmailSender(client, 'bounce-pipeline', DEFAULT_TAG_NAMES);
    const tags = { campaign: 'spring', batch: null, source: null };
    const simple = await sender.send({
      to: 'kim@example.org',
      from: 'news@mail.example.com',
      tags,
      content: { kind: 'simple', subject: 'Spring', text: 'hi' },
    });
    const raw = await sender.send({
      to: 'lee@example.org',
      from: 'news@mail.example.com',
      tags,
      content: { kind: 'raw', mime: 'From: news@mail.example.com\r\nTo: lee@example.org\r\nSubject: Raw one\r\n\r\nbody' },
    });
    const stored = await ses.emails();
    expect(stored.find((e) => e.messageId === simple)).toMatchObject({ subject: 'Spring', destination: { to: ['kim@example.org'] } });
    expect(stored.find((e) => e.messageId === raw)).toMatchObject({ subject: 'Raw one' });
    client.destroy();
  });
});
