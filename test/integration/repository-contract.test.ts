import { ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commitSignal } from '../../shared/app/address-writer.js';
import { erase, type ErasureDeps } from '../../shared/app/erasure.js';
import { ConflictError, NotFoundError, ValidationError, VersionConflictError } from '../../shared/app/errors.js';
import { createProcessBatch } from '../../shared/app/classify-batch.js';
import {
  counterIdKey,
  noMetrics,
  silentLogger,
  type AddressRepository,
  type CampaignCounterRepository,
  type CampaignReader,
  type DeliveryDelayRepository,
  type ListedAddress,
  type SoftBounceItem,
} from '../../shared/app/ports.js';
import type { MessageStore, OutboundRecord, RetryStateRepository } from '../../shared/app/retry-ports.js';
import { createRetryScheduler } from '../../shared/app/retry-scheduler.js';
import { createSendMessage } from '../../shared/app/send.js';
import { check, list, lookup, release, suppress, type SuppressionDeps } from '../../shared/app/suppressions.js';
import { composeErasure, composeStores, documentClient } from '../../shared/adapters/compose.js';
import { backfillLocalStatusShards } from '../../shared/adapters/outbound/dynamo-address-repository.js';
import { DynamoMessageStore, DynamoRetryStateRepository } from '../../shared/adapters/outbound/dynamo-retry-stores.js';
import { HmacAddressHasher } from '../../shared/adapters/outbound/hmac-address-hasher.js';
import type { Tombstone } from '../../shared/domain/index.js';
import { bounceFor, complaintFor, deliveryFor } from '../support/batches.js';
import { noCampaignReads } from '../support/classify-fakes.js';
import { FakeErasureStore } from '../support/erasure-fakes.js';
import { FakeMessages, FakeOutbound, FakePauses, FakeRetryStates, FakeSender, FakeTimerQueue } from '../support/retry-fakes.js';
import { putLegacyRecord } from '../support/legacy-records.js';
import { ensureTables } from '../../shared/adapters/outbound/create-tables.js';
import { applySignal, NO_EVIDENCE, type AddressState, type HistoryEntry, type SignalKind } from '../../shared/domain/index.js';
import { addToSketch, EMPTY_SKETCH, estimateDistinct } from '../../shared/domain/distinct-count.js';
import { bounce } from '../support/cli.js';
import { startDynamo, type Dynamo } from '../support/emulators.js';
import { FakeAddresses, FakeCampaigns, FakeDeadLetters, RecordingLogger } from '../support/fakes.js';

/**
 * One set of cases run against the in-memory fake the use-case tests rely on
 * and against the DynamoDB adapter on dynalite: if the fake drifts from the
 * adapter, these fail for one of them.
 */
let dynamo: Dynamo;
let tableSeq = 0;
beforeAll(async () => {
  dynamo = await startDynamo();
});
afterAll(async () => {
  await dynamo?.stop();
});

const implementations: Array<[string, () => Promise<AddressRepository>]> = [
  ['in-memory fake', async () => new FakeAddresses()],
  [
    'DynamoDB adapter on dynalite',
    async () => {
      tableSeq++;
      const tables = { addressTable: `contract-addresses-${tableSeq}`, campaignTable: `contract-campaigns-${tableSeq}` };
      await ensureTables(dynamo.client, tables);
      return composeStores(dynamo.client, tables).addresses;
    },
  ],
];

const stateFor = (email: string, kind: SignalKind, at: string, evidence = NO_EVIDENCE): AddressState => {
  const transition = applySignal(email, null, { kind, eventId: `${kind}:${email}`, occurredAt: at, evidence });
  if (!transition) throw new Error('no transition');
  return transition.next;
};

const entry = (email: string, eventId: string, at: string): HistoryEntry => ({
  email,
  eventId,
  at,
  signal: 'hard-bounce',
  fromStatus: null,
  toStatus: 'suppressed',
  reason: 'hard-bounce',
  category: 'invalid-address',
  rule: 'code-5.1.1',
  smtpCode: 550,
  enhancedCode: '5.1.1',
  diagnostic: 'smtp; 550 5.1.1 user unknown',
  campaign: 'nov',
  messageId: 'm',
  actor: null,
  note: null,
});

const soft = (email: string, eventId: string, occurredAt: string, expiresAt: number): SoftBounceItem => ({
  email,
  eventId,
  occurredAt,
  evidence: { ...NO_EVIDENCE, category: 'mailbox-full', enhancedCode: '4.2.2' },
  expiresAt,
});

describe.each(implementations)('AddressRepository contract: %s', (_name, make) => {
  it('creates a record only where none exists, and writes only over the version it read', async () => {
    const repo = await make();
    const state = stateFor('kim@example.com', 'hard-bounce', '2026-11-20T10:00:00.000Z');
    expect(await repo.getState('kim@example.com')).toBeNull();
    await repo.putState(state, 0);
    await expect(repo.putState(state, 0)).rejects.toBeInstanceOf(VersionConflictError);
    await expect(repo.putState({ ...state, version: 3 }, 2)).rejects.toBeInstanceOf(VersionConflictError);
    await repo.putState({ ...state, count: 2, version: 2 }, 1);
    expect(await repo.getState('kim@example.com')).toEqual({ ...state, count: 2, version: 2 });
  });

  it('reads many records at once and says which are in review', async () => {
    const repo = await make();
    await repo.putState(stateFor('a@example.com', 'hard-bounce', '2026-11-20T10:00:00.000Z'), 0);
    await repo.putState(stateFor('b@example.com', 'policy-block', '2026-11-20T10:00:00.000Z'), 0);
    const states = await repo.getStates(['a@example.com', 'b@example.com', 'nobody@example.com']);
    expect([...states.keys()].sort()).toEqual(['a@example.com', 'b@example.com']);
    expect(states.get('b@example.com')?.status).toBe('review');
    expect([...(await repo.inReview(['a@example.com', 'b@example.com', 'nobody@example.com']))]).toEqual(['b@example.com']);
  });

  it('keeps one history entry per event, newest first, up to the limit', async () => {
    const repo = await make();
    await repo.putHistory(entry('kim@example.com', 'e1', '2026-11-20T10:00:00.000Z'), 2_000_000_000);
    await repo.putHistory(entry('kim@example.com', 'e2', '2026-11-21T10:00:00.000Z'), 2_000_000_000);
    await repo.putHistory(entry('kim@example.com', 'e1', '2026-11-20T10:00:00.000Z'), 2_000_000_000);
    await repo.putHistory(entry('other@example.com', 'e3', '2026-11-22T10:00:00.000Z'), 2_000_000_000);
    expect((await repo.history('kim@example.com', 10)).map((h) => h.eventId)).toEqual(['e2', 'e1']);
    expect(await repo.history('kim@example.com', 1)).toEqual([entry('kim@example.com', 'e2', '2026-11-21T10:00:00.000Z')]);
  });

  it('counts only unexpired soft bounces after `since`, once each, oldest first', async () => {
    const repo = await make();
    const now = new Date('2026-11-20T12:00:00.000Z');
    const nowSeconds = now.getTime() / 1000;
    await repo.putSoftBounce(soft('kim@example.com', 's1', '2026-11-17T11:00:00.000Z', nowSeconds - 1)); // expired, not yet deleted
    await repo.putSoftBounce(soft('kim@example.com', 's2', '2026-11-19T10:00:00.000Z', nowSeconds + 100));
    await repo.putSoftBounce(soft('kim@example.com', 's3', '2026-11-20T10:00:00.000Z', nowSeconds + 200));
    await repo.putSoftBounce(soft('kim@example.com', 's3', '2026-11-20T10:00:00.000Z', nowSeconds + 200));
    // Written newest first: the window still reads oldest first (same time: by event id).
    await repo.putSoftBounce(soft('kim@example.com', 's2b', '2026-11-19T10:00:00.000Z', nowSeconds + 100));
    await repo.putSoftBounce(soft('other@example.com', 's4', '2026-11-20T11:00:00.000Z', nowSeconds + 300));
    const window = await repo.softBounceWindow('kim@example.com', now, null);
    expect(window).toEqual({
      count: 3,
      items: [
        soft('kim@example.com', 's2', '2026-11-19T10:00:00.000Z', nowSeconds + 100),
        soft('kim@example.com', 's2b', '2026-11-19T10:00:00.000Z', nowSeconds + 100),
        soft('kim@example.com', 's3', '2026-11-20T10:00:00.000Z', nowSeconds + 200),
      ],
      oldestExpiresAt: nowSeconds + 100,
    });
    expect((await repo.softBounceWindow('kim@example.com', now, '2026-11-19T12:00:00.000Z')).count).toBe(1);
    expect(await repo.softBounceWindow('nobody@example.com', now, null)).toEqual({ count: 0, items: [], oldestExpiresAt: null });
  });

  it('counts a soft bounce redelivered with another timestamp once, at its earliest time, in either order', async () => {
    const repo = await make();
    const now = new Date('2026-11-20T12:00:00.000Z');
    const until = now.getTime() / 1000 + 1000;
    const first = soft('kim@example.com', 'Bounce:fb-1:kim@example.com', '2026-11-20T09:00:00.000Z', until);
    await repo.putSoftBounce(soft('kim@example.com', first.eventId, '2026-11-20T10:00:00.000Z', until + 3600));
    await repo.putSoftBounce(first);
    await repo.putSoftBounce(soft('kim@example.com', first.eventId, '2026-11-20T11:00:00.000Z', until + 7200));
    expect(await repo.softBounceWindow('kim@example.com', now, null)).toEqual({ count: 1, items: [first], oldestExpiresAt: until });
    // A release between the deliveries: the bounce dates from before it, so it no longer counts.
    expect((await repo.softBounceWindow('kim@example.com', now, '2026-11-20T09:30:00.000Z')).count).toBe(0);
  });

  it('lists a status oldest last-seen first, with filters, page by page without gaps or repeats', async () => {
    const repo = await make();
    const emails: string[] = [];
    for (let i = 0; i < 23; i++) {
      const email = `user${String(i).padStart(2, '0')}@example.com`;
      const at = `2026-11-${String(1 + (i % 20)).padStart(2, '0')}T10:00:00.000Z`;
      const campaign = i % 3 === 0 ? 'nov' : 'dec';
      await repo.putState(stateFor(email, i % 5 === 0 ? 'policy-block' : 'hard-bounce', at, { ...NO_EVIDENCE, campaign }), 0);
      emails.push(email);
    }
    const walk = async (query: { status: AddressState['status']; campaign?: string; since?: string }) => {
      const seen: ListedAddress[] = [];
      let cursor: string | undefined;
      for (let page = 0; page < 50; page++) {
        const result = await repo.list({ ...query, limit: 4, ...(cursor ? { cursor } : {}) });
        expect(result.items.length).toBeLessThanOrEqual(4);
        seen.push(...result.items);
        cursor = result.nextCursor;
        if (!cursor) break;
      }
      return seen;
    };
    const suppressed = await walk({ status: 'suppressed' });
    expect(suppressed.map((s) => s.email).sort()).toEqual(emails.filter((_, i) => i % 5 !== 0).sort());
    const order = suppressed.map((s) => `${s.lastSeenAt}#${s.email}`);
    expect(order).toEqual([...order].sort());
    const nov = await walk({ status: 'suppressed', campaign: 'nov' });
    expect(nov.map((s) => s.email).sort()).toEqual(emails.filter((_, i) => i % 5 !== 0 && i % 3 === 0).sort());
    const recent = await walk({ status: 'review', since: '2026-11-10T00:00:00.000Z' });
    expect(recent.map((s) => s.email).sort()).toEqual(['user10@example.com', 'user15@example.com']);
  });

  it('a long list over every shard of the status index: in order, each once, whatever the page size and filter', async () => {
    const repo = await make();
    const expected: string[] = [];
    for (let i = 0; i < 90; i++) {
      const email = `walker${i}@example.net`;
      // Times that interleave the shards in no pattern, some equal (the address breaks the tie).
      const at = new Date(Date.UTC(2026, 10, 1) + ((i * 7919) % 97) * 3600_000).toISOString();
      await repo.putState(stateFor(email, 'hard-bounce', at, { ...NO_EVIDENCE, campaign: i % 4 === 0 ? 'rare' : 'common' }), 0);
      expected.push(email);
    }
    for (const [limit, campaign] of [
      [7, undefined],
      [100, undefined],
      [3, 'rare'],
    ] as const) {
      const seen: ListedAddress[] = [];
      let cursor: string | undefined;
      for (let page = 0; page < 400 && seen.length <= 200; page++) {
        const result = await repo.list({ status: 'suppressed', limit, ...(campaign ? { campaign } : {}), ...(cursor ? { cursor } : {}) });
        expect(result.items.length).toBeLessThanOrEqual(limit);
        seen.push(...result.items.filter((item) => item.email.startsWith('walker')));
        cursor = result.nextCursor;
        if (!cursor) break;
      }
      const want = expected.filter((_, i) => campaign === undefined || i % 4 === 0);
      expect(seen.map((item) => item.email).sort()).toEqual([...want].sort());
      const order = seen.map((item) => `${item.lastSeenAt}#${item.email}`);
      expect(order).toEqual([...order].sort());
    }
  });
});

describe('a local data folder from before the status index was sharded', () => {
  it('gives every old record its index key once, so it is listed again; a record rewritten meanwhile keeps its own', async () => {
    tableSeq++;
    const tables = { addressTable: `contract-addresses-${tableSeq}`, campaignTable: `contract-campaigns-${tableSeq}` };
    await ensureTables(dynamo.client, tables);
    const { addresses } = composeStores(dynamo.client, tables);
    const doc = documentClient(dynamo.client);
    for (const [i, email] of ['old1@example.com', 'old2@example.com', 'old3@example.com'].entries()) {
      await addresses.putState(stateFor(email, 'hard-bounce', `2026-11-0${i + 1}T10:00:00.000Z`), 0);
      // As an older version wrote it: no statusShard.
      await doc.send(
        new UpdateCommand({
          TableName: tables.addressTable,
          Key: { pk: `ADDR#${email}`, sk: 'STATE' },
          UpdateExpression: 'REMOVE statusShard',
        }),
      );
    }
    expect((await addresses.list({ status: 'suppressed', limit: 10 })).items).toEqual([]);
    expect(await backfillLocalStatusShards(doc, tables.addressTable)).toBe(3);
    expect((await addresses.list({ status: 'suppressed', limit: 10 })).items.map((item) => item.email)).toEqual([
      'old1@example.com',
      'old2@example.com',
      'old3@example.com',
    ]);
    expect(await backfillLocalStatusShards(doc, tables.addressTable)).toBe(0);
  });

  it('bounce migrate brings a deployed table to the layout, through the SDK endpoint variable; a second run adds nothing', async () => {
    tableSeq++;
    const tables = { addressTable: `contract-addresses-${tableSeq}`, campaignTable: `contract-campaigns-${tableSeq}` };
    await ensureTables(dynamo.client, tables);
    const { addresses } = composeStores(dynamo.client, tables);
    const doc = documentClient(dynamo.client);
    const emails = Array.from({ length: 30 }, (_, i) => `deployed${i}@example.com`);
    for (const [i, email] of emails.entries()) {
      await addresses.putState(stateFor(email, 'hard-bounce', `2026-11-0${(i % 9) + 1}T10:00:00.000Z`), 0);
      await doc.send(
        new UpdateCommand({
          TableName: tables.addressTable,
          Key: { pk: `ADDR#${email}`, sk: 'STATE' },
          UpdateExpression: 'REMOVE statusShard',
        }),
      );
    }
    const env = {
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_REGION: 'us-east-1',
    };
    const first = await bounce(['migrate', '--table', tables.addressTable, '--segments', '3', '--json'], { env });
    expect(first.stderr).toBe('');
    expect(first.status).toBe(0);
    expect(JSON.parse(first.stdout)).toEqual({ table: tables.addressTable, scanned: expect.any(Number), statusShardsAdded: 30 });
    expect((await addresses.list({ status: 'suppressed', limit: 100 })).items.map((item) => item.email).sort()).toEqual([...emails].sort());
    const second = await bounce(['migrate', '--table', tables.addressTable], { env });
    expect(second.status).toBe(0);
    expect(second.stdout).toMatch(/0 records given a status shard/);
    const missing = await bounce(['migrate', '--table', 'no-such-table'], { env });
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/^bounce migrate: no-such-table: ResourceNotFoundException/);
  }, 60_000);
});

const counterImplementations: Array<[string, () => Promise<CampaignCounterRepository>]> = [
  ['in-memory fake', async () => new FakeCampaigns()],
  [
    'DynamoDB adapter on dynalite',
    async () => {
      tableSeq++;
      const tables = { addressTable: `contract-addresses-${tableSeq}`, campaignTable: `contract-campaigns-${tableSeq}` };
      await ensureTables(dynamo.client, tables);
      return composeStores(dynamo.client, tables).campaigns;
    },
  ],
];

describe.each(counterImplementations)('CampaignCounterRepository contract: %s', (_name, make) => {
  const sends = { campaign: 'nov', hour: '2026-11-20T10', name: 'sends' };
  const bounces = { campaign: 'nov', hour: '2026-11-20T10', name: 'hardBounces|provider|gmail' };

  it('reads nothing for counters never written', async () => {
    const repo = await make();
    expect((await repo.readCounters([sends, bounces])).size).toBe(0);
  });

  it('writes a counter only over the version it read, and reads back the same sketch', async () => {
    const repo = await make();
    const small = addToSketch(EMPTY_SKETCH, [1, 2, 3]);
    expect(await repo.writeCounter(sends, small, estimateDistinct(small), 0)).toBe(true);
    expect(await repo.writeCounter(sends, small, estimateDistinct(small), 0)).toBe(false);
    const big = addToSketch(
      small,
      Array.from({ length: 500 }, (_, i) => i * 7919 + 11),
    );
    expect(await repo.writeCounter(sends, big, estimateDistinct(big), 2)).toBe(false);
    expect(await repo.writeCounter(sends, big, estimateDistinct(big), 1)).toBe(true);
    const read = await repo.readCounters([sends, bounces]);
    expect([...read.keys()]).toEqual([counterIdKey(sends)]);
    expect(read.get(counterIdKey(sends))).toEqual({ sketch: big, version: 2 });
  });
});

/**
 * Erasure, against the fakes and against DynamoDB: the same use cases over
 * each, so the fake tombstone store cannot drift from the adapter.
 */
interface ErasureWorld {
  readonly addresses: AddressRepository;
  readonly campaigns: CampaignReader & DeliveryDelayRepository & CampaignCounterRepository;
  readonly erasure: ErasureDeps;
  readonly retries: RetryStateRepository;
  readonly messages: MessageStore;
  /** Writes a sent-message record as earlier versions did for every send. */
  putLegacySent(record: OutboundRecord): Promise<void>;
  /** Every stored item of the world, as JSON text. */
  dump(): Promise<string[]>;
}

const ERASURE_KEY = 'a'.repeat(64);
const hasher = () => new HmacAddressHasher(async () => ERASURE_KEY);

const erasureWorlds: Array<[string, () => Promise<ErasureWorld>]> = [
  [
    'in-memory fakes',
    async () => {
      const addresses = new FakeAddresses();
      const campaigns = Object.assign(new FakeCampaigns(), noCampaignReads);
      const retries = new FakeRetryStates();
      const outbound = new FakeOutbound();
      const messages = new FakeMessages();
      const store = new FakeErasureStore(addresses, { campaigns, retries, outbound, messages });
      return {
        addresses,
        campaigns,
        erasure: { hasher: hasher(), store },
        retries,
        messages,
        putLegacySent: (record) => outbound.put(record),
        dump: async () =>
          [
            ...addresses.states.values(),
            ...addresses.historyEntries,
            ...addresses.softBounces.values(),
            ...retries.states.values(),
            ...outbound.records.values(),
            ...messages.stored.values(),
            ...campaigns.delays,
            ...[...store.tombstones].map(([key, t]) => ({ key, ...t })),
          ].map((item) => JSON.stringify(item)),
      };
    },
  ],
  [
    'DynamoDB adapters on dynalite',
    async () => {
      tableSeq++;
      const tables = { addressTable: `erasure-addresses-${tableSeq}`, campaignTable: `erasure-campaigns-${tableSeq}` };
      await ensureTables(dynamo.client, tables);
      const stores = composeStores(dynamo.client, tables);
      const erasure = composeErasure(dynamo.client, tables, async () => ERASURE_KEY);
      return {
        addresses: stores.addresses,
        campaigns: stores.campaigns,
        erasure,
        retries: new DynamoRetryStateRepository(stores.doc, tables.addressTable),
        messages: new DynamoMessageStore(stores.doc, tables.addressTable, () => new Date('2026-11-20T12:00:00.000Z')),
        putLegacySent: (record) => putLegacyRecord(stores.doc, tables.addressTable, record),
        dump: async () => {
          const items: string[] = [];
          for (const table of [tables.addressTable, tables.campaignTable]) {
            const { Items = [] } = await stores.doc.send(new ScanCommand({ TableName: table }));
            items.push(...Items.map((item) => JSON.stringify(item)));
          }
          return items;
        },
      };
    },
  ],
];

const NOW = new Date('2026-11-20T12:00:00.000Z');
const at = (hour: number) => `2026-11-20T${String(hour).padStart(2, '0')}:00:00.000Z`;

/** The notifications through the classify batch use case (read-ahead of records and tombstones), one batch each. */
async function applyAll(world: ErasureWorld, notifications: readonly object[]): Promise<void> {
  const process = createProcessBatch({
    addresses: world.addresses,
    counters: world.campaigns,
    delays: world.campaigns,
    deadLetters: new FakeDeadLetters(),
    logger: silentLogger,
    metrics: noMetrics,
    clock: () => NOW,
    erasure: world.erasure,
    retries: createRetryScheduler({
      retries: world.retries,
      timers: new FakeTimerQueue(() => NOW),
      addresses: world.addresses,
      logger: silentLogger,
      erasure: world.erasure,
    }),
  });
  for (const [i, notification] of notifications.entries()) {
    const { failedIds } = await process([{ id: `r${i}`, body: JSON.stringify(notification) }]);
    expect([...failedIds]).toEqual([]);
  }
}

describe.each(erasureWorlds)('erasure contract: %s', (_name, make) => {
  const email = 'kim.erased@example.org';
  const recorder = () => new RecordingLogger();
  const suppressionDeps = (world: ErasureWorld): SuppressionDeps => ({
    addresses: world.addresses,
    campaigns: world.campaigns,
    clock: () => NOW,
    erasure: world.erasure,
  });
  const eraseDeps = (world: ErasureWorld, logger = recorder()) => ({
    addresses: world.addresses,
    erasure: world.erasure,
    clock: () => NOW,
    logger,
  });

  it('erases every item holding the address, keeps it suppressed for check, lookup and the send path, and lists nothing of it', async () => {
    const world = await make();
    await applyAll(world, [
      bounceFor(email, { feedbackId: 'soft-1', status: '4.2.2', diagnosticCode: 'smtp; 452 4.2.2 Mailbox full', at: at(8) }),
      bounceFor(email, { feedbackId: 'hard-1', status: '5.1.1', diagnosticCode: `smtp; 550 5.1.1 <${email}>: user unknown`, at: at(10) }),
      bounceFor('other@example.org', { feedbackId: 'hard-2', status: '5.1.1', diagnosticCode: 'smtp; 550 5.1.1 user unknown', at: at(10) }),
    ]);
    // A send of an earlier version left its own record; a send of this one left a stored message its retry names.
    const messageId = 'sent-1';
    await world.putLegacySent({
      messageId,
      to: email,
      from: 'news@example.com',
      tags: { campaign: 'nov', batch: null, source: null },
      content: { kind: 'simple', subject: `Hello ${email}`, text: 'hi' },
      attempt: 0,
      originalMessageId: messageId,
      sentAt: at(7),
      expiresAt: 2_000_000_000,
    });
    const bodyHash = await world.messages.keep(
      { from: 'news@example.com', content: { kind: 'simple', subject: `Hello again ${email}`, text: 'hi' } },
      2_000_000_000,
      email,
    );
    await world.retries.put(
      {
        email,
        originalMessageId: messageId,
        category: 'mailbox-full',
        campaign: 'nov',
        batch: null,
        source: null,
        bodyHash,
        attempt: 1,
        status: 'scheduled',
        dueAt: at(14),
        firstFailureAt: at(8),
        sendingSince: null,
        lastMessageId: null,
        reason: null,
        version: 1,
      },
      0,
    );
    await world.campaigns.putDelay({
      domain: 'example.org',
      eventId: 'delay-1',
      occurredAt: at(9),
      email,
      category: 'connection-timeout',
      enhancedCode: '4.4.7',
      campaign: 'nov',
      expiresAt: 2_000_000_000,
    });
    expect((await world.dump()).filter((item) => item.includes('kim.erased')).length).toBeGreaterThanOrEqual(6);

    const logger = recorder();
    const result = await erase(email, { note: 'GDPR request 42', actor: 'ops' }, eraseDeps(world, logger));
    expect(result).toEqual({
      email,
      kept: true,
      suppressed: true,
      status: 'suppressed',
      reason: 'hard-bounce',
      category: 'invalid-address',
      firstSeenAt: at(10),
      lastSeenAt: at(10),
      erasedAt: NOW.toISOString(),
      deleted: { records: 1, history: 1, softBounces: 1, retries: 2, sentMessages: 2, deliveryDelays: 1 },
    });
    // Nothing anywhere holds the address (or its local part); the other address is untouched.
    const items = await world.dump();
    expect(items.filter((item) => item.includes('kim.erased'))).toEqual([]);
    expect(items.some((item) => item.includes('other@example.org'))).toBe(true);
    // Logs carry a hash prefix, never the address.
    expect(JSON.stringify(logger.entries)).not.toContain('kim.erased');
    expect(logger.entries).toEqual([
      expect.objectContaining({
        message: 'Address erased',
        extra: expect.objectContaining({ key: expect.stringMatching(/^[0-9a-f]{12}$/) }),
      }),
    ]);

    const deps = suppressionDeps(world);
    expect(await world.addresses.getState(email)).toBeNull();
    expect(await check([email, 'other@example.org', 'new@example.org'], deps)).toEqual([
      { email, suppressed: true, status: 'suppressed', reason: 'hard-bounce' },
      { email: 'other@example.org', suppressed: true, status: 'suppressed', reason: 'hard-bounce' },
      { email: 'new@example.org', suppressed: false, status: null, reason: null },
    ]);
    expect(await lookup(email, deps)).toMatchObject({
      email,
      suppressed: true,
      status: 'suppressed',
      reason: 'hard-bounce',
      category: 'invalid-address',
      diagnostic: null,
      campaign: null,
      count: 0,
      history: [],
      softBounces: { count: 0, windowEndsAt: null },
      erasedAt: NOW.toISOString(),
    });
    expect((await list({ limit: 100 }, deps)).items.map((item) => item.email)).toEqual(['other@example.org']);
    const send = createSendMessage({
      addresses: world.addresses,
      pauses: new FakePauses(),
      sender: new FakeSender(),
      messages: world.messages,
      logger: silentLogger,
      erasure: world.erasure,
    });
    const request = {
      from: 'news@example.com',
      content: { kind: 'simple' as const, subject: 'hi' },
      tags: { campaign: null, batch: null, source: null },
    };
    expect(await send({ ...request, to: ' Kim.Erased@Example.org ' }, NOW)).toEqual({
      to: email,
      status: 'refused',
      reason: 'address-suppressed',
    });
    // Without the key, the same address reads as unknown: the tombstone is found only through the keyed hash.
    expect(
      await check([email], { ...deps, erasure: { ...world.erasure, hasher: new HmacAddressHasher(async () => 'b'.repeat(64)) } }),
    ).toEqual([{ email, suppressed: false, status: null, reason: null }]);
  });

  it('later events change only the tombstone: a complaint upgrades it, a delivery never clears a review, soft bounces write nothing', async () => {
    const world = await make();
    await commitSignal(world.addresses, email, () => ({
      kind: 'policy-block',
      eventId: 'block-1',
      occurredAt: at(9),
      evidence: NO_EVIDENCE,
    }));
    expect((await erase(email, { note: 'erasure', actor: 'ops' }, eraseDeps(world))).status).toBe('review');
    await applyAll(world, [
      deliveryFor(email, at(11)),
      bounceFor(email, { feedbackId: 'soft-2', status: '4.2.2', diagnosticCode: 'smtp; 452 4.2.2 Mailbox full', at: at(11) }),
    ]);
    expect(await check([email], suppressionDeps(world))).toEqual([
      { email, suppressed: true, status: 'review', reason: 'policy-block-review' },
    ]);
    await applyAll(world, [complaintFor(email, { feedbackId: 'complaint-1', at: at(11) })]);
    expect(await check([email], suppressionDeps(world))).toEqual([{ email, suppressed: true, status: 'suppressed', reason: 'complaint' }]);
    expect(await lookup(email, suppressionDeps(world))).toMatchObject({ status: 'suppressed', lastSeenAt: at(11), firstSeenAt: at(9) });
    expect((await world.dump()).filter((item) => item.includes('kim.erased'))).toEqual([]);
    // A replay of the same complaint changes nothing; a later hard bounce keeps the complaint.
    await applyAll(world, [
      complaintFor(email, { feedbackId: 'complaint-1', at: at(11) }),
      bounceFor(email, { feedbackId: 'hard-3', status: '5.1.1', diagnosticCode: 'smtp; 550 5.1.1 user unknown', at: at(11) }),
    ]);
    expect(await check([email], suppressionDeps(world))).toEqual([{ email, suppressed: true, status: 'suppressed', reason: 'complaint' }]);
  });

  it('an address that may be mailed leaves no tombstone; nothing known is not found; erasing again changes nothing', async () => {
    const world = await make();
    const deps = suppressionDeps(world);
    await applyAll(world, [bounceFor(email, { feedbackId: 'hard-1', status: '5.1.1', diagnosticCode: 'smtp; 550 5.1.1 no', at: at(10) })]);
    await release(email, 'confirmed by phone', 'ops', deps);
    const result = await erase(email, { note: 'erasure', actor: 'ops' }, eraseDeps(world));
    expect(result).toMatchObject({ kept: false, suppressed: false, status: null, deleted: { records: 1, history: 2 } });
    expect(await check([email], deps)).toEqual([{ email, suppressed: false, status: null, reason: null }]);
    await expect(lookup(email, deps)).rejects.toBeInstanceOf(NotFoundError);
    await expect(erase(email, { note: 'again', actor: 'ops' }, eraseDeps(world))).rejects.toBeInstanceOf(NotFoundError);
    await expect(erase(email, { note: `asked by ${email}`, actor: 'ops' }, eraseDeps(world))).rejects.toBeInstanceOf(ValidationError);

    await applyAll(world, [
      bounceFor('dead@example.org', { feedbackId: 'hard-9', status: '5.1.1', diagnosticCode: 'smtp; 550 5.1.1 no', at: at(10) }),
    ]);
    const first = await erase('dead@example.org', { note: 'erasure', actor: 'ops' }, eraseDeps(world));
    const later = { ...eraseDeps(world), clock: () => new Date('2026-11-21T00:00:00.000Z') };
    const again = await erase('dead@example.org', { note: 'erasure', actor: 'ops' }, later);
    expect(again).toEqual({
      ...first,
      deleted: { records: 0, history: 0, softBounces: 0, retries: 0, sentMessages: 0, deliveryDelays: 0 },
    });
  });

  it('a person may release an erased address (kept as released), and a later hard bounce suppresses it again', async () => {
    const world = await make();
    const deps = suppressionDeps(world);
    await applyAll(world, [bounceFor(email, { feedbackId: 'hard-1', status: '5.1.1', diagnosticCode: 'smtp; 550 5.1.1 no', at: at(10) })]);
    await erase(email, { note: 'erasure', actor: 'ops' }, eraseDeps(world));
    const released = await release(email, 'subscribed again', 'ops', deps);
    expect(released).toMatchObject({ status: 'released', suppressed: false, suppressedReason: 'hard-bounce', releasedBy: 'ops' });
    await expect(release(email, 'twice', 'ops', deps)).rejects.toBeInstanceOf(ConflictError);
    expect(await check([email], deps)).toEqual([{ email, suppressed: false, status: 'released', reason: 'hard-bounce' }]);
    // A person's suppression and release go to the tombstone too.
    expect(await suppress(email, { note: 'by hand' }, 'ops', deps)).toMatchObject({
      created: false,
      view: { status: 'suppressed', reason: 'manual' },
    });
    await release(email, 'again', 'ops', deps);
    await applyAll(world, [bounceFor(email, { feedbackId: 'hard-2', status: '5.1.1', diagnosticCode: 'smtp; 550 5.1.1 no', at: at(11) })]);
    expect(await check([email], deps)).toEqual([{ email, suppressed: true, status: 'suppressed', reason: 'hard-bounce' }]);
    expect((await world.dump()).filter((item) => item.includes('kim.erased'))).toEqual([]);
  });

  it('keeps tombstones under a version condition and reads many at once', async () => {
    const { erasure } = await make();
    const tombstone: Tombstone = {
      status: 'suppressed',
      reason: 'complaint',
      category: 'complaint',
      firstSeenAt: at(1),
      lastSeenAt: at(2),
      erasedAt: at(3),
      erasedBy: 'ops',
      erasureReason: 'request',
      releasedAt: null,
      releasedBy: null,
      version: 1,
    };
    expect(await erasure.store.putTombstone('k1', tombstone, 0)).toBe(true);
    expect(await erasure.store.putTombstone('k1', tombstone, 0)).toBe(false);
    expect(await erasure.store.putTombstone('k1', { ...tombstone, version: 2 }, 1)).toBe(true);
    expect(await erasure.store.getTombstone('k1')).toEqual({ ...tombstone, version: 2 });
    expect(await erasure.store.getTombstone('k2')).toBeNull();
    expect([...(await erasure.store.getTombstones(['k2', 'k1'])).entries()]).toEqual([['k1', { ...tombstone, version: 2 }]]);
  });
});
