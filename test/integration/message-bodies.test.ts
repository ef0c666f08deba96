import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, PutCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { documentClient } from '../../shared/adapters/compose.js';
import { ensureTables } from '../../shared/adapters/outbound/create-tables.js';
import { DynamoErasureStore } from '../../shared/adapters/outbound/dynamo-erasure-store.js';
import { DynamoMessageStore, DynamoOutboundStore, DynamoRetryStateRepository } from '../../shared/adapters/outbound/dynamo-retry-stores.js';
import { BODY_EXPIRY_SLACK_SECONDS, messageHash } from '../../shared/adapters/outbound/message-bodies.js';
import { bodyKey } from '../../shared/adapters/outbound/tables.js';
import { putLegacyRecord as putLegacy } from '../support/legacy-records.js';
import { silentLogger } from '../../shared/app/ports.js';
import { createRetryRunner } from '../../shared/app/retry-runner.js';
import type { MessageContent } from '../../shared/app/retry-ports.js';
import { createSendMessage } from '../../shared/app/send.js';
import { RETRY_BODY_TAG, RETRY_STATE_RETENTION_SECONDS, type RetryState } from '../../shared/domain/index.js';
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

/** One container of the send function: its own message store (and so its own memory of stored messages). */
function container(clock: () => Date) {
  const doc = documentClient(dynamo.client);
  const messages = new DynamoMessageStore(doc, tables.addressTable, clock);
  const sender = new FakeSender();
  const addresses = new FakeAddresses();
  const send = createSendMessage({
    addresses,
    erasure: fakeErasure(addresses),
    pauses: new FakePauses(),
    sender,
    messages,
    logger: silentLogger,
  });
  return { messages, sender, send, doc };
}

const FROM = 'news@mail.example.com';
/** The key a send of `content` names in its tag. */
const hashOf = (content: MessageContent) => messageHash({ from: FROM, content });

const request = (to: string, content: MessageContent) => ({
  to,
  from: FROM,
  content,
  tags: { campaign: 'spring', batch: 'b1', source: 'web' },
});

const bodyPuts = () => meter.puts.filter((put) => put.pk.startsWith('BODY#'));
const messagePuts = () => meter.puts.filter((put) => put.pk.startsWith('MSG#'));

async function storedExpiry(content: MessageContent): Promise<number | undefined> {
  const { Item } = await documentClient(dynamo.client).send(
    new GetCommand({ TableName: tables.addressTable, Key: bodyKey(hashOf(content)), ConsistentRead: true }),
  );
  return Item?.expiresAt as number | undefined;
}

describe('one stored message per distinct sender and content, nothing written per send', () => {
  it('1,000 sends of one 19 KB body write it once and nothing else; each send names it in its tag', async () => {
    const { send, sender } = container(() => T0);
    const body = html('spring');
    for (let i = 0; i < 1000; i++) {
      const result = await send(request(`reader${i}@example.org`, body), T0);
      expect(result).toMatchObject({ status: 'sent', retriable: true });
    }
    expect(meter.puts).toHaveLength(1);
    expect(bodyPuts()[0]?.bytes).toBeGreaterThan(19_000);
    expect(messagePuts()).toHaveLength(0);
    // The emulator bills what the item size says: ceil(bytes / 1 KB).
    expect(bodyPuts()[0]?.units).toBe(Math.ceil((bodyPuts()[0]?.bytes ?? 0) / 1024));
    // One read of the stored expiry, on the container's first send of it.
    expect(meter.gets.get('BODY#')).toBe(1);
    expect(new Set(sender.sent.map((sent) => sent.extraTags?.[RETRY_BODY_TAG]))).toEqual(new Set([hashOf(body)]));
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
    const messages = new DynamoMessageStore(documentClient(stale), tables.addressTable, () => T0);
    const addresses = new FakeAddresses();
    const send = createSendMessage({
      addresses,
      erasure: fakeErasure(addresses),
      pauses: new FakePauses(),
      sender: new FakeSender(),
      messages,
      logger: silentLogger,
    });
    const staleMeter = meterDynamo(stale);
    for (const to of ['lee@example.org', 'ann@example.org']) {
      expect(await send(request(to, body), T0)).toMatchObject({ status: 'sent', retriable: true });
    }
    // The first send's put fails its condition (billed like a write of the stored body); the second knows better.
    expect(staleMeter.puts.filter((put) => put.pk.startsWith('BODY#')).map((put) => put.conditionFailed)).toEqual([true]);
    expect(staleMeter.puts.filter((put) => put.pk.startsWith('MSG#'))).toHaveLength(0);
    expect(await storedExpiry(body)).toBe(written);
    stale.destroy();
  });

  it('each distinct sender and content is one item, read back as it was sent; templates stay templates', async () => {
    const { send, messages } = container(() => T0);
    const spring = html('spring');
    const summer = html('summer');
    const template: MessageContent = { kind: 'template', template: 'spring-offer', templateData: '{"name":"Kim"}' };
    for (const content of [spring, summer, spring, summer, template, template]) {
      expect(await send(request('kim@example.org', content), T0)).toMatchObject({ status: 'sent', retriable: true });
    }
    // The same body from another sender is another message.
    await send({ ...request('kim@example.org', spring), from: 'Offers <offers@mail.example.com>' }, T0);
    const { Items = [] } = await documentClient(dynamo.client).send(new ScanCommand({ TableName: tables.addressTable }));
    expect(Items.map((item) => item.pk).sort()).toEqual(
      [...[spring, summer, template].map(hashOf), messageHash({ from: 'Offers <offers@mail.example.com>', content: spring })]
        .map((hash) => bodyKey(hash).pk)
        .sort(),
    );
    expect(await messages.get(hashOf(template), 'kim@example.org')).toEqual({ from: FROM, content: template });
    expect(await messages.get(messageHash({ from: 'Offers <offers@mail.example.com>', content: spring }), 'kim@example.org')).toEqual({
      from: 'Offers <offers@mail.example.com>',
      content: spring,
    });
  });

  it('a message that names its recipient is kept with that address, written as it is, and read back for it only', async () => {
    const { send, messages, sender } = container(() => T0);
    const personal: MessageContent = {
      kind: 'template',
      template: 'welcome',
      templateData: '{"unsubscribe":"https://x.test/u?e=kim%40example.org"}',
    };
    for (let i = 0; i < 2; i++)
      expect(await send(request('Kim@Example.org', personal), T0)).toMatchObject({ status: 'sent', retriable: true });
    const key = sender.sent[0]?.extraTags?.[RETRY_BODY_TAG] ?? '';
    expect(key).toBe(`p-${hashOf(personal)}`);
    // No read first: no other send shares it (two sends, two puts of the same item).
    expect(meter.gets.get('ADDR#')).toBeUndefined();
    expect(meter.puts.map((put) => put.pk)).toEqual(['ADDR#kim@example.org', 'ADDR#kim@example.org']);
    expect(await messages.get(key, 'kim@example.org')).toEqual({ from: FROM, content: personal });
    expect(await messages.get(key, 'lee@example.org')).toBeNull();
  });

  it('the same message in another key order is the same item', () => {
    expect(hashOf({ kind: 'simple', subject: 's', html: 'h' })).toBe(hashOf({ html: 'h', subject: 's', kind: 'simple' } as MessageContent));
    expect(hashOf({ kind: 'simple', subject: 's', html: 'h' })).not.toBe(hashOf({ kind: 'simple', subject: 's', text: 'h' }));
  });

  it("a stored message's expiry stays past every send's retry lifetime, with one write per container and half retention", async () => {
    const body = html('spring');
    let now = T0;
    const clock = () => now;
    const a = container(clock);
    const b = container(clock);
    const checkAfterSend = async (which: typeof a) => {
      const result = await which.send(request('kim@example.org', body), now);
      if (result.status !== 'sent') throw new Error('not sent');
      expect(await storedExpiry(body)).toBeGreaterThanOrEqual(Math.floor(now.getTime() / 1000) + RETRY_STATE_RETENTION_SECONDS);
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
        Key: bodyKey(hashOf(body)),
        UpdateExpression: 'SET expiresAt = :past',
        ExpressionAttributeValues: { ':past': Math.floor(T0.getTime() / 1000) - 1 },
      }),
    );
    await container(() => T0).send(request('lee@example.org', body), T0);
    expect(bodyPuts()).toHaveLength(2);
    expect(await storedExpiry(body)).toBeGreaterThan(Math.floor(T0.getTime() / 1000) + RETRY_STATE_RETENTION_SECONDS);
  });
});

describe('retries of a message stored once', () => {
  /** A state as the first soft bounce writes it: the send's tags, its stored message's key from the `retry-body` tag. */
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
      batch: 'b1',
      source: 'web',
      bodyHash: c.sender.sent[0]?.extraTags?.[RETRY_BODY_TAG] ?? null,
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
    // The retry function's container: other stores over the same table.
    const addresses = new FakeAddresses();
    const doc = documentClient(dynamo.client);
    const runner = createRetryRunner({
      retries,
      timers: new FakeTimerQueue(() => due),
      addresses,
      erasure: fakeErasure(addresses),
      messages: new DynamoMessageStore(doc, tables.addressTable, () => due),
      outbound: new DynamoOutboundStore(doc, tables.addressTable, () => due),
      sender,
      pauses: new FakePauses(),
      retryDue,
      logger: silentLogger,
    });
    const run = () => runner({ email: state.email, originalMessageId: state.originalMessageId, attempt: 1, dueAt: state.dueAt }, due);
    return { run, sender, retryDue, doc: c.doc, retries, state };
  }

  it('sends the same sender, content and tags again, and writes nothing but its state', async () => {
    const body = html('spring');
    const { run, sender, state } = await sentAndDue(body);
    meter.clear();
    expect(await run()).toBe('sent');
    expect(sender.sent).toHaveLength(1);
    expect(sender.sent[0]).toMatchObject({
      from: FROM,
      content: body,
      tags: { campaign: 'spring', batch: 'b1', source: 'web' },
      extraTags: { 'retry-of': state.originalMessageId, 'retry-attempt': '1', [RETRY_BODY_TAG]: hashOf(body) },
    });
    expect(meter.puts).toHaveLength(0);
    // One eventually consistent read of the stored message; no sent-message record is looked for.
    expect(meter.gets.get('BODY#')).toBe(1);
    expect(meter.gets.get('MSG#')).toBeUndefined();
  });

  it('publishes "retry due" when the stored message expired (TTL not run yet) or is gone', async () => {
    const body = html('spring');
    for (const loss of ['expired', 'deleted'] as const) {
      const { run, sender, retryDue, doc, retries } = await sentAndDue(body);
      const key = bodyKey(hashOf(body));
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
      expect(retries.only()).toMatchObject({ status: 'published', reason: 'stored message gone' });
    }
  });

  it('a message too large to keep stores nothing, carries no tag, and its retry is published', async () => {
    const huge: MessageContent = { kind: 'raw', mime: 'x'.repeat(351 * 1024) };
    const { run, retryDue, state } = await sentAndDue(huge);
    expect(state.bodyHash).toBeNull();
    expect(meter.puts).toHaveLength(0);
    expect(await run()).toBe('published');
    expect(retryDue.events).toHaveLength(1);
  });
});

/** A sent-message record as earlier versions wrote one per send. */
async function putLegacyRecord(messageId: string, to: string, content: MessageContent, inline: boolean) {
  await putLegacy(
    documentClient(dynamo.client),
    tables.addressTable,
    {
      messageId,
      to,
      from: FROM,
      tags: { campaign: 'spring', batch: 'b1', source: null },
      content,
      attempt: 0,
      originalMessageId: messageId,
      sentAt: T0.toISOString(),
      expiresAt: Math.floor(T0.getTime() / 1000) + RETRY_STATE_RETENTION_SECONDS,
    },
    inline,
  );
}

describe('messages sent by earlier versions (a record per send)', () => {
  it("a state that names no stored message is retried from its send's record, inline or through its body", async () => {
    const doc = documentClient(dynamo.client);
    for (const [id, content, inline] of [
      ['legacy-inline', { kind: 'template', template: 'spring-offer', templateData: '{}' }, true],
      ['legacy-body', html('spring'), false],
    ] as const) {
      await putLegacyRecord(id, 'kim@example.org', content, inline);
      const retries = new FakeRetryStates();
      const state: RetryState = {
        email: 'kim@example.org',
        originalMessageId: id,
        category: 'mailbox-full',
        campaign: 'spring',
        batch: null,
        source: null,
        bodyHash: null,
        attempt: 1,
        status: 'scheduled',
        dueAt: T0.toISOString(),
        firstFailureAt: T0.toISOString(),
        sendingSince: null,
        lastMessageId: id,
        reason: null,
        version: 1,
      };
      await retries.put(state, 0);
      const sender = new FakeSender();
      const addresses = new FakeAddresses();
      const runner = createRetryRunner({
        retries,
        timers: new FakeTimerQueue(() => T0),
        addresses,
        erasure: fakeErasure(addresses),
        messages: new DynamoMessageStore(doc, tables.addressTable, () => T0),
        outbound: new DynamoOutboundStore(doc, tables.addressTable, () => T0),
        sender,
        pauses: new FakePauses(),
        retryDue: new FakeRetryDue(),
        logger: silentLogger,
      });
      expect(await runner({ email: state.email, originalMessageId: id, attempt: 1, dueAt: state.dueAt }, T0)).toBe('sent');
      expect(sender.sent[0]).toMatchObject({ from: FROM, content, tags: { campaign: 'spring', batch: 'b1', source: null } });
      expect(sender.sent[0]?.extraTags).toEqual({ 'retry-of': id, 'retry-attempt': '1' });
    }
  });
});

describe('erasure of an address whose sends stored messages', () => {
  it('deletes every personalised message sent to it, retried or not, keeps a campaign message other recipients still need', async () => {
    const { send, messages, doc, sender } = container(() => T0);
    const campaign = html('spring');
    const personal = html('Dear Kim.Erased@Example.org');
    for (const [to, content] of [
      ['kim.erased@example.org', campaign],
      ['kim.erased@example.org', personal],
      ['lee@example.org', campaign],
    ] as const) {
      expect(await send(request(to, content), T0)).toMatchObject({ status: 'sent' });
    }
    // The campaign send was retried; the personal one (kept with the address) was delivered: no item names it.
    const retries = new DynamoRetryStateRepository(doc, tables.addressTable);
    expect(sender.sent[1]?.extraTags?.[RETRY_BODY_TAG]).toMatch(/^p-[0-9a-f]{64}$/);
    for (const sent of sender.sent.slice(0, 1)) {
      const state: RetryState = {
        email: 'kim.erased@example.org',
        originalMessageId: sent.messageId,
        category: 'mailbox-full',
        campaign: 'spring',
        batch: 'b1',
        source: 'web',
        bodyHash: sent.extraTags?.[RETRY_BODY_TAG] ?? null,
        attempt: 1,
        status: 'scheduled',
        dueAt: T0.toISOString(),
        firstFailureAt: T0.toISOString(),
        sendingSince: null,
        lastMessageId: sent.messageId,
        reason: null,
        version: 1,
      };
      await retries.put(state, 0);
    }
    // And a record of an earlier version, with its personalised body.
    const older = html('Older news for kim.erased@example.org');
    await putLegacyRecord('legacy-1', 'kim.erased@example.org', older, false);
    await doc.send(
      new PutCommand({
        TableName: tables.addressTable,
        Item: {
          pk: 'ADDR#kim.erased@example.org',
          sk: 'HIST#2026-11-20T12:00:00.000Z#e1',
          email: 'kim.erased@example.org',
          messageId: 'legacy-1',
        },
      }),
    );
    const erased = await new DynamoErasureStore(doc, tables.addressTable, tables.campaignTable).deleteAddressData(
      'kim.erased@example.org',
      0,
    );
    expect(erased).toMatchObject({ retries: 1, sentMessages: 2 });
    const { Items = [] } = await doc.send(new ScanCommand({ TableName: tables.addressTable }));
    expect(Items.map((item) => item.pk)).toEqual([bodyKey(hashOf(campaign)).pk]);
    expect(JSON.stringify(Items).toLowerCase()).not.toContain('kim.erased');
    expect(await messages.get(hashOf(campaign), 'lee@example.org')).toEqual({ from: FROM, content: campaign });
  });
});

describe('erasure of an address known only by what was sent to it', () => {
  it('an address with no record but a personalised message delivered to it: the message is erased and counted', async () => {
    const { send, doc } = container(() => T0);
    await send(request('ann@example.org', html('Dear ann@example.org')), T0);
    const erased = await new DynamoErasureStore(doc, tables.addressTable, tables.campaignTable).deleteAddressData('ann@example.org', 0);
    expect(erased).toEqual({ records: 0, history: 0, softBounces: 0, retries: 0, sentMessages: 1, deliveryDelays: 0 });
    const { Items = [] } = await doc.send(new ScanCommand({ TableName: tables.addressTable }));
    expect(Items).toEqual([]);
  });
});

describe('item sizes', () => {
  it('counts write units as the emulator does', async () => {
    const store = new DynamoMessageStore(documentClient(dynamo.client), tables.addressTable, () => T0);
    const until = Math.floor(T0.getTime() / 1000) + 3600;
    await store.keep({ from: FROM, content: html('spring') }, until, 'kim@example.org');
    await store.keep({ from: FROM, content: { kind: 'simple', subject: 'Hi', text: 'Hello' } }, until, 'kim@example.org');
    expect(meter.puts).toHaveLength(2);
    for (const put of meter.puts) expect(put.units).toBe(Math.ceil(put.bytes / 1024));
  });
});
