import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VersionConflictError } from '../../shared/app/errors.js';
import { counterIdKey, type AddressRepository, type CampaignCounterRepository, type SoftBounceItem } from '../../shared/app/ports.js';
import { composeStores } from '../../shared/adapters/compose.js';
import { ensureTables } from '../../shared/adapters/outbound/create-tables.js';
import { applySignal, NO_EVIDENCE, type AddressState, type HistoryEntry, type SignalKind } from '../../shared/domain/index.js';
import { addToSketch, EMPTY_SKETCH, estimateDistinct } from '../../shared/domain/distinct-count.js';
import { startDynamo, type Dynamo } from '../support/emulators.js';
import { FakeAddresses, FakeCampaigns } from '../support/fakes.js';

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

  it('counts only unexpired soft bounces after `since`, once each, and returns the newest', async () => {
    const repo = await make();
    const now = new Date('2026-11-20T12:00:00.000Z');
    const nowSeconds = now.getTime() / 1000;
    await repo.putSoftBounce(soft('kim@example.com', 's1', '2026-11-17T11:00:00.000Z', nowSeconds - 1)); // expired, not yet deleted
    await repo.putSoftBounce(soft('kim@example.com', 's2', '2026-11-19T10:00:00.000Z', nowSeconds + 100));
    await repo.putSoftBounce(soft('kim@example.com', 's3', '2026-11-20T10:00:00.000Z', nowSeconds + 200));
    await repo.putSoftBounce(soft('kim@example.com', 's3', '2026-11-20T10:00:00.000Z', nowSeconds + 200));
    await repo.putSoftBounce(soft('other@example.com', 's4', '2026-11-20T11:00:00.000Z', nowSeconds + 300));
    const window = await repo.softBounceWindow('kim@example.com', now, null);
    expect(window).toEqual({
      count: 2,
      newest: soft('kim@example.com', 's3', '2026-11-20T10:00:00.000Z', nowSeconds + 200),
      oldestExpiresAt: nowSeconds + 100,
    });
    expect((await repo.softBounceWindow('kim@example.com', now, '2026-11-19T12:00:00.000Z')).count).toBe(1);
    expect(await repo.softBounceWindow('nobody@example.com', now, null)).toEqual({ count: 0, newest: null, oldestExpiresAt: null });
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
      const seen: AddressState[] = [];
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
