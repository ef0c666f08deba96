import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { documentClient } from '../../shared/adapters/compose.js';
import { ensureTables } from '../../shared/adapters/outbound/create-tables.js';
import { DynamoErasureStore } from '../../shared/adapters/outbound/dynamo-erasure-store.js';
import { DynamoOutboundStore, DynamoRetryStateRepository } from '../../shared/adapters/outbound/dynamo-retry-stores.js';
import { BODY_EXPIRY_SLACK_SECONDS, contentHash } from '../../shared/adapters/outbound/message-bodies.js';
import { bodyKey, outboundKey } from '../../shared/adapters/outbound/tables.js';
import { silentLogger } from '../../shared/app/ports.js';
import { createRetryRunner } from '../../shared/app/retry-runner.js';
import type { MessageContent } from '../../shared/app/retry-ports.js';
import { createSendMessage } from '../../shared/app/send.js';
import { RETRY_STATE_RETENTION_SECONDS, type RetryState } from '../../shared/domain/index.js';
import { meterDynamo, type DynamoMeter } from '../support/dynamo-meter.js';
import { awsTestConfig, startDynamo, type Dynamo } from '../support/emulators.js';
import { fakeErasure } from '../support/erasure-fakes.js';
import { FakeAddresses } from '../support/fakes.js';
import { FakePauses, FakeRetryDue, FakeRetryStates, FakeSender, FakeTimerQueue } from '../support/retry-fakes.js';

let dynamo: Dynamo;
let meter: DynamoMeter;
let tableSeq = 0;
let tables = { addressTable: '', campaignTable: '' };

beforeAll(async () => {
  dynamo = await startDynamo();
  meter = meterDynamo(dynamo.client);
});
afterAll(async () => {
  await dynamo?.stop();
});
beforeEach(async () => {
  tableSeq++;
  tables = { addressTable: `bodies-addresses-${tableSeq}`, campaignTable: `bodies-campaigns-${tableSeq}` };
  await ensureTables(dynamo.client, tables);
  meter.clear();
});

const T0 = new Date('2026-11-20T12:00:00.000Z');
const DAY = 24 * 3600 * 1000;
/** A campaign's HTML body of about 19 KB (the issue's example). */
const html = (campaign: string): MessageContent => ({
  kind: 'simple',
  subject: `${campaign} offers`,
  html: `<html><body>${`<p>${campaign}: offers for you this week, see the shop.</p>`.repeat(19 * 20)}</body></html>`,
});

/** One container of the send function: its own outbound store (and so its own memory of stored bodies). */
function container(clock: () => Date) {
  const doc = documentClient(dynamo.client);
  const outbound = new DynamoOutboundStore(doc, tables.addressTable, clock);
  const sender = new FakeSender();
  const addresses = new FakeAddresses();
  const send = createSendMessage({
    addresses,
    erasure: fakeErasure(addresses),
    pauses: new FakePauses(),
    sender,
    outbound,
    logger: silentLogger,
  });
  return { outbound, sender, send, doc };
}

const request = (to: string, content: MessageContent) => ({
  to,
  from: 'news@mail.example.com',
  content,
  tags: { campaign: 'spring', batch: 'b1', source: 'web' },
});

const bodyPuts = () => meter.puts.filter((put) => put.pk.startsWith('BODY#'));
const messagePuts = () => meter.puts.filter((put) => put.pk.startsWith('MSG#'));

async function storedExpiry(content: MessageContent): Promise<number | undefined> {
  const { Item } = await documentClient(dynamo.client).send(
    new GetCommand({ TableName: tables.addressTable, Key: bodyKey(contentHash(content)), ConsistentRead: true }),
  );
  return Item?.expiresAt as number | undefined;
}

describe('one stored body per distinct content', () => {
  it('1,000 sends of one 19 KB body write the body once and 1,000 message items under 1 KB (1 write unit each)', async () => {
    const { send } = container(() => T0);
    const body = html('spring');
    for (let i = 0; i < 1000; i++) {
      const result = await send(request(`reader${i}@example.org`, body), T0);
      expect(result).toMatchObject({ status: 'sent', retriable: true });
    }
    expect(bodyPuts()).toHaveLength(1);
    expect(bodyPuts()[0]?.bytes).toBeGreaterThan(19_000);
    expect(messagePuts()).toHaveLength(1000);
    expect(Math.max(...messagePuts().map((put) => put.bytes))).toBeLessThan(1024);
    // The emulator bills what the item sizes say: 1 unit per message, ceil(bytes / 1 KB) for the body.
    expect(messagePuts().every((put) => put.units === 1)).toBe(true);
    expect(bodyPuts()[0]?.units).toBe(Math.ceil((bodyPuts()[0]?.bytes ?? 0) / 1024));
    // One read of the body's expiry, on the container's first send of it.
    expect(meter.gets.get('BODY#')).toBe(1);
  }, 120_000);

  it('a second container sending the same body reads that it is stored and writes no body', async () => {
    const body = html('spring');
    await container(() => T0).send(request('kim@example.org', body), T0);
    const later = new Date(T0.getTime() + 60_000);
    const second = container(() => later);
    for (let i = 0; i < 50; i++) await second.send(request(`reader${i}@example.org`, body), later);
    expect(bodyPuts()).toHaveLength(1);
    expect(meter.gets.get('BODY#')).toBe(2);
  });

  it('20 concurrent sends of a new body in one container read and write it once', async () => {
    const { send } = container(() => T0);
    const body = html('spring');
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => send(request(`reader${i}@example.org`, body), T0)));
    expect(results.every((result) => result.status === 'sent' && result.retriable)).toBe(true);
    expect(bodyPuts()).toHaveLength(1);
    expect(meter.gets.get('BODY#')).toBe(1);
  });

  it('a stale read of the body (another container just wrote it) costs one failed conditional put, never a shorter expiry', async () => {
    const body = html('spring');
    await container(() => T0).send(request('kim@example.org', body), T0);
    const written = await storedExpiry(body);
    // A client whose reads of bodies come back empty, as an eventually consistent read can just after a write.
    const stale = new DynamoDBClient({ endpoint: dynamo.endpoint, ...awsTestConfig });
    stale.middlewareStack.add(
      (next, context) => async (args) => {
        const key = (args.input as { Key?: { pk?: unknown } }).Key;
        if (context.commandName === 'GetItemCommand' && String(key?.pk).startsWith('BODY#'))
          return { output: { $metadata: {} }, response: {} };
        return next(args);
      },
      { step: 'initialize', name: 'staleBodyReads' },
    );
    const outbound = new DynamoOutboundStore(documentClient(stale), tables.addressTable, () => T0);
    const addresses = new FakeAddresses();
    const send = createSendMessage({
      addresses,
      erasure: fakeErasure(addresses),
      pauses: new FakePauses(),
      sender: new FakeSender(),
      outbound,
      logger: silentLogger,
    });
    const staleMeter = meterDynamo(stale);
    for (const to of ['lee@example.org', 'ann@example.org']) {
      expect(await send(request(to, body), T0)).toMatchObject({ status: 'sent', retriable: true });
    }
    // The first send's put fails its condition (billed like a write of the stored body); the second knows better.
    expect(staleMeter.puts.filter((put) => put.pk.startsWith('BODY#')).map((put) => put.conditionFailed)).toEqual([true]);
    expect(staleMeter.puts.filter((put) => put.pk.startsWith('MSG#'))).toHaveLength(2);
    expect(await storedExpiry(body)).toBe(written);
    stale.destroy();
  });

  it('two different bodies get two body items; small content stays inline, templates stay templates', async () => {
    const { send, outbound } = container(() => T0);
    const spring = html('spring');
    const summer = html('summer');
    const template: MessageContent = { kind: 'template', template: 'spring-offer', templateData: '{"name":"Kim"}' };
    const bigTemplate: MessageContent = {
      kind: 'template',
      template: 'spring-offer',
      templateData: JSON.stringify({ items: 'x'.repeat(3000) }),
    };
    const sent: string[] = [];
    for (const content of [spring, summer, spring, summer, template, bigTemplate, bigTemplate]) {
      const result = await send(request('kim@example.org', content), T0);
      if (result.status === 'sent') sent.push(result.messageId);
    }
    const { Items = [] } = await documentClient(dynamo.client).send(new ScanCommand({ TableName: tables.addressTable }));
    const bodies = Items.filter((item) => String(item.pk).startsWith('BODY#'));
    expect(bodies.map((item) => item.pk).sort()).toEqual(
      [spring, summer, bigTemplate].map((content) => bodyKey(contentHash(content)).pk).sort(),
    );
    const inline = Items.find((item) => item.pk === outboundKey(sent[4] ?? '').pk);
    expect(inline).toMatchObject({ content: template });
    expect(inline?.bodyHash).toBeUndefined();
    const [springBack, templateBack, bigTemplateBack] = await Promise.all([sent[2], sent[4], sent[6]].map((id) => outbound.get(id ?? '')));
    expect(springBack?.content).toEqual(spring);
    expect(templateBack?.content).toEqual(template);
    expect(bigTemplateBack?.content).toEqual(bigTemplate);
  });

  it('the same content in another key order is the same body', () => {
    expect(contentHash({ kind: 'simple', subject: 's', html: 'h' })).toBe(
      contentHash({ html: 'h', subject: 's', kind: 'simple' } as MessageContent),
    );
    expect(contentHash({ kind: 'simple', subject: 's', html: 'h' })).not.toBe(contentHash({ kind: 'simple', subject: 's', text: 'h' }));
  });

  it("a body's expiry stays past every message that names it, with one write per container and half retention", async () => {
    const body = html('spring');
    let now = T0;
    const clock = () => now;
    const a = container(clock);
    const b = container(clock);
    const checkAfterSend = async (which: typeof a) => {
      const result = await which.send(request('kim@example.org', body), now);
      if (result.status !== 'sent') throw new Error('not sent');
      const message = await which.outbound.getWithoutContent(result.messageId);
      expect(await storedExpiry(body)).toBeGreaterThanOrEqual(message?.expiresAt ?? Infinity);
    };
    await checkAfterSend(a); // writes: expiry = T0 + retention + slack
    const firstExpiry = Math.floor(T0.getTime() / 1000) + RETRY_STATE_RETENTION_SECONDS + BODY_EXPIRY_SLACK_SECONDS;
    expect(await storedExpiry(body)).toBe(firstExpiry);
    for (let day = 1; day <= 4; day++) {
      now = new Date(T0.getTime() + day * DAY);
      await checkAfterSend(a);
      await checkAfterSend(b);
    }
    expect(bodyPuts()).toHaveLength(1);
    // Past half the retention, a message would outlive the body: the first container to send then extends it once.
    now = new Date(T0.getTime() + 6 * DAY);
    await checkAfterSend(b);
    await checkAfterSend(a);
    await checkAfterSend(b);
    expect(bodyPuts()).toHaveLength(2);
    const extended = await storedExpiry(body);
    expect(extended).toBeGreaterThan(firstExpiry);
    // A fresh container reads the stored expiry and writes nothing.
    await container(clock).send(request('lee@example.org', body), now);
    expect(bodyPuts()).toHaveLength(2);
    expect(await storedExpiry(body)).toBe(extended);
  });

  it('an expired body not yet deleted is written again on the next send', async () => {
    const body = html('spring');
    const { send, doc } = container(() => T0);
    await send(request('kim@example.org', body), T0);
    await doc.send(
      new UpdateCommand({
        TableName: tables.addressTable,
        Key: bodyKey(contentHash(body)),
        UpdateExpression: 'SET expiresAt = :past',
        ExpressionAttributeValues: { ':past': Math.floor(T0.getTime() / 1000) - 1 },
      }),
    );
    await container(() => T0).send(request('lee@example.org', body), T0);
    expect(bodyPuts()).toHaveLength(2);
    expect(await storedExpiry(body)).toBeGreaterThan(Math.floor(T0.getTime() / 1000) + RETRY_STATE_RETENTION_SECONDS);
  });

  it('the outbox listing and the local world read no body', async () => {
    const { send, outbound } = container(() => T0);
    const result = await send(request('kim@example.org', html('spring')), T0);
    if (result.status !== 'sent') throw new Error('not sent');
    meter.clear();
    const listed = await outbound.listAll();
    expect(listed).toHaveLength(1);
    expect(listed[0]).not.toHaveProperty('content');
    expect(listed[0]).not.toHaveProperty('bodyHash');
    expect(await outbound.getWithoutContent(result.messageId)).toMatchObject({ messageId: result.messageId, to: 'kim@example.org' });
    expect(meter.gets.get('BODY#')).toBeUndefined();
  });
});

describe('retries of a message whose body is stored once', () => {
  async function sentAndDue(content: MessageContent) {
    const now = T0;
    const c = container(() => now);
    const result = await c.send(request('kim@example.org', content), now);
    if (result.status !== 'sent') throw new Error('not sent');
    const due = new Date(T0.getTime() + 3600_000);
    const retries = new FakeRetryStates();
    const state: RetryState = {
      email: 'kim@example.org',
      originalMessageId: result.messageId,
      category: 'mailbox-full',
      campaign: 'spring',
      attempt: 1,
      status: 'scheduled',
      dueAt: due.toISOString(),
      firstFailureAt: T0.toISOString(),
      sendingSince: null,
      lastMessageId: result.messageId,
      reason: null,
      version: 1,
    };
    await retries.put(state, 0);
    const sender = new FakeSender();
    const retryDue = new FakeRetryDue();
    // The retry function's container: another outbound store over the same table.
    const addresses = new FakeAddresses();
    const runner = createRetryRunner({
      retries,
      timers: new FakeTimerQueue(() => due),
      addresses,
      erasure: fakeErasure(addresses),
      outbound: new DynamoOutboundStore(documentClient(dynamo.client), tables.addressTable, () => due),
      sender,
      pauses: new FakePauses(),
      retryDue,
      logger: silentLogger,
    });
    const run = () => runner({ email: state.email, originalMessageId: state.originalMessageId, attempt: 1, dueAt: state.dueAt }, due);
    return { run, sender, retryDue, doc: c.doc, retries };
  }

  it('sends the same content again, and keeps a small record of the retry', async () => {
    const body = html('spring');
    const { run, sender } = await sentAndDue(body);
    meter.clear();
    expect(await run()).toBe('sent');
    expect(sender.sent).toHaveLength(1);
    expect(sender.sent[0]?.content).toEqual(body);
    expect(bodyPuts()).toHaveLength(0);
    expect(messagePuts().map((put) => put.units)).toEqual([1]);
  });

  it('publishes "retry due" when the body expired (TTL not run yet) or is gone', async () => {
    const body = html('spring');
    for (const loss of ['expired', 'deleted'] as const) {
      const { run, sender, retryDue, doc, retries } = await sentAndDue(body);
      const key = bodyKey(contentHash(body));
      if (loss === 'deleted') await doc.send(new DeleteCommand({ TableName: tables.addressTable, Key: key }));
      else {
        await doc.send(
          new UpdateCommand({
            TableName: tables.addressTable,
            Key: key,
            UpdateExpression: 'SET expiresAt = :past',
            ExpressionAttributeValues: { ':past': Math.floor(T0.getTime() / 1000) },
          }),
        );
      }
      expect(await run()).toBe('published');
      expect(sender.sent).toHaveLength(0);
      expect(retryDue.events).toHaveLength(1);
      expect(retries.only().status).toBe('published');
    }
  });

  it('a message too large to keep stores no body and its retry is published as before', async () => {
    const huge: MessageContent = { kind: 'raw', mime: 'x'.repeat(351 * 1024) };
    const { run, retryDue } = await sentAndDue(huge);
    expect(bodyPuts()).toHaveLength(0);
    expect(await run()).toBe('published');
    expect(retryDue.events).toHaveLength(1);
  });
});

describe('erasure of an address whose messages name stored bodies', () => {
  it('deletes a body that names the address, keeps a campaign body other recipients still need', async () => {
    const { send, outbound, doc } = container(() => T0);
    const campaign = html('spring');
    const personal = html('Dear Kim.Erased@Example.org');
    const ids: string[] = [];
    for (const [to, content] of [
      ['kim.erased@example.org', campaign],
      ['kim.erased@example.org', personal],
      ['lee@example.org', campaign],
    ] as const) {
      const result = await send(request(to, content), T0);
      if (result.status !== 'sent') throw new Error('not sent');
      ids.push(result.messageId);
    }
    const [first, second, other] = ids as [string, string, string];
    const state: RetryState = {
      email: 'kim.erased@example.org',
      originalMessageId: first,
      category: 'mailbox-full',
      campaign: 'spring',
      attempt: 1,
      status: 'sent',
      dueAt: T0.toISOString(),
      firstFailureAt: T0.toISOString(),
      sendingSince: null,
      lastMessageId: second,
      reason: null,
      version: 1,
    };
    await new DynamoRetryStateRepository(doc, tables.addressTable).put(state, 0);
    const erased = await new DynamoErasureStore(doc, tables.addressTable, tables.campaignTable).deleteAddressData(state.email, 0);
    expect(erased).toMatchObject({ retries: 1, sentMessages: 2 });
    const { Items = [] } = await doc.send(new ScanCommand({ TableName: tables.addressTable }));
    expect(Items.map((item) => item.pk).sort()).toEqual([bodyKey(contentHash(campaign)).pk, outboundKey(other).pk].sort());
    expect(JSON.stringify(Items).toLowerCase()).not.toContain('kim.erased');
    expect((await outbound.get(other))?.content).toEqual(campaign);
  });
});

describe('item sizes', () => {
  it('counts write units as the emulator does', async () => {
    const doc = documentClient(dynamo.client);
    const store = new DynamoOutboundStore(doc, tables.addressTable, () => T0);
    const record = {
      messageId: '0100019a-0000-0000-0000-000000000000-000000',
      to: 'kim@example.org',
      from: 'news@mail.example.com',
      tags: { campaign: 'spring', batch: null, source: null },
      content: html('spring'),
      attempt: 0,
      originalMessageId: '0100019a-0000-0000-0000-000000000000-000000',
      sentAt: T0.toISOString(),
      expiresAt: Math.floor(T0.getTime() / 1000) + 3600,
    };
    await store.put(record);
    expect(meter.puts).toHaveLength(2);
    for (const put of meter.puts) expect(put.units).toBe(Math.ceil(put.bytes / 1024));
  });
});
