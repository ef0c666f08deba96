import { describe, expect, it } from 'vitest';
import type { QueuedRecord } from '../../shared/app/classify-batch.js';
import type { HistoryWrite } from '../../shared/app/ports.js';
import { applySignal, NO_EVIDENCE, type AddressState } from '../../shared/domain/index.js';
import { bounceFor, complaintFor, deliveryFor } from '../support/batches.js';
import { classifyOverFakes } from '../support/classify-fakes.js';
import { FakeAddresses } from '../support/fakes.js';

/** The fake's port, counting the calls the use case makes (calls inside the fake are not counted). */
function counted(inner: FakeAddresses): { port: FakeAddresses; calls: Map<string, number>; historyWrites: HistoryWrite[] } {
  const calls = new Map<string, number>();
  const historyWrites: HistoryWrite[] = [];
  const port = new Proxy(inner, {
    get(target, name, receiver) {
      const value: unknown = Reflect.get(target, name, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        calls.set(String(name), (calls.get(String(name)) ?? 0) + 1);
        if (name === 'putHistories') historyWrites.push(...(args[0] as HistoryWrite[]));
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { port, calls, historyWrites };
}

const processWith = (addresses: FakeAddresses, readAhead?: boolean) => classifyOverFakes({ addresses, readAhead }).process;

const hard = (email: string, feedbackId: string): QueuedRecord => ({
  id: `r-${feedbackId}`,
  body: JSON.stringify(bounceFor(email, { feedbackId, status: '5.1.1', diagnosticCode: 'smtp; 550 5.1.1 user unknown' })),
});
const hardBounces = (n: number) => Array.from({ length: n }, (_, i) => hard(`gone${i}@example.org`, `h${i}`));

/** Every record's applied events have exactly one history entry. */
function expectStateAndHistoryAgree(fake: FakeAddresses, email: string): AddressState {
  const state = fake.states.get(email);
  expect(state, email).toBeDefined();
  const entries = fake.historyEntries.filter((h) => h.email === email).map((h) => h.eventId);
  expect(entries.sort(), email).toEqual([...(state?.appliedEventIds ?? [])].sort());
  return state as AddressState;
}

describe('batched address reads and history writes', () => {
  it('reads the records in batched reads and writes the history in one batched write: one write of its own per hard bounce', async () => {
    const fake = new FakeAddresses();
    const { port, calls, historyWrites } = counted(fake);
    const { failedIds } = await processWith(port)(hardBounces(150));
    expect(failedIds.size).toBe(0);
    expect(calls.get('getState') ?? 0).toBe(0);
    expect(calls.get('getStates')).toBe(2); // 100 keys per read
    expect(calls.get('putState')).toBe(150);
    expect(calls.get('putHistory') ?? 0).toBe(0);
    expect(calls.get('putHistories')).toBe(1);
    expect(historyWrites).toHaveLength(150);
    for (let i = 0; i < 150; i++) expect(expectStateAndHistoryAgree(fake, `gone${i}@example.org`).status).toBe('suppressed');
  });

  it('a delivery whose address the batch only sent to reads no record (a Send changes none)', async () => {
    const fake = new FakeAddresses();
    const { port, calls } = counted(fake);
    const records: QueuedRecord[] = Array.from({ length: 20 }, (_, i) => [
      {
        id: `s${i}`,
        body: JSON.stringify({
          ...(deliveryFor(`live${i}@example.org`, '2026-11-20T10:00:00.000Z', `m${i}`) as Record<string, unknown>),
          eventType: 'Send',
          delivery: undefined,
          send: {},
        }),
      },
      { id: `d${i}`, body: JSON.stringify(deliveryFor(`live${i}@example.org`, '2026-11-20T10:00:05.000Z', `m${i}`)) },
    ]).flat();
    const { failedIds } = await processWith(port)(records);
    expect(failedIds.size).toBe(0);
    // One batched review check for the deliveries; no record read, ahead or one by one.
    expect(calls.get('inReview')).toBe(1);
    expect(calls.get('getStates') ?? 0).toBe(0);
    expect(calls.get('getState') ?? 0).toBe(0);
    expect(fake.states.size).toBe(0);
  });

  it('without read-ahead, every event reads its record and writes its history itself (the comparison path)', async () => {
    const fake = new FakeAddresses();
    const { port, calls } = counted(fake);
    await processWith(port, false)(hardBounces(10));
    expect([calls.get('getState'), calls.get('putState'), calls.get('putHistory'), calls.get('getStates') ?? 0]).toEqual([10, 10, 10, 0]);
  });

  it('a second event for the same address in the batch starts from the record the first one left (no read)', async () => {
    const fake = new FakeAddresses();
    const { port, calls } = counted(fake);
    const email = 'kim@example.com';
    const complaint = { id: 'r-c', body: JSON.stringify(complaintFor(email, { feedbackId: 'c1', at: '2026-11-20T11:00:00.000Z' })) };
    await processWith(port)([hard(email, 'h1'), complaint]);
    expect(calls.get('getState') ?? 0).toBe(0);
    const state = expectStateAndHistoryAgree(fake, email);
    expect(state).toMatchObject({ status: 'suppressed', reason: 'complaint', count: 2, version: 2 });
  });

  it('a record changed by a rival after the batched read loses the version race, is read again, and both changes keep their history', async () => {
    const fake = new FakeAddresses();
    const email = 'kim@example.com';
    const rival = applySignal(email, null, {
      kind: 'complaint',
      eventId: 'rival-complaint',
      occurredAt: '2026-11-20T09:00:00.000Z',
      evidence: NO_EVIDENCE,
    });
    if (!rival) throw new Error('no transition');
    const readAll = fake.getStates.bind(fake);
    fake.getStates = async (emails) => {
      const seen = await readAll(emails);
      // Another instance applies a complaint right after our batched read.
      await fake.putState(rival.next, 0);
      await fake.putHistory(rival.history);
      return seen;
    };
    const { port, calls } = counted(fake);
    const { failedIds } = await processWith(port)([hard(email, 'h1')]);
    expect(failedIds.size).toBe(0);
    expect(calls.get('getState')).toBe(1); // the re-read after the lost race
    const state = expectStateAndHistoryAgree(fake, email);
    expect(state.appliedEventIds).toHaveLength(2);
    expect(state).toMatchObject({ count: 2, version: 2 });
  });

  it('when the batched read fails, each event reads its record itself and the batch still applies', async () => {
    const fake = new FakeAddresses();
    fake.getStates = async () => {
      throw new Error('BatchGetItem throttled');
    };
    const { port, calls } = counted(fake);
    const { failedIds } = await processWith(port)(hardBounces(5));
    expect(failedIds.size).toBe(0);
    expect(calls.get('getState')).toBe(5);
    for (let i = 0; i < 5; i++) expectStateAndHistoryAgree(fake, `gone${i}@example.org`);
  });

  it('fails back exactly the records whose history the batched write could not take; their redelivery writes it', async () => {
    const fake = new FakeAddresses();
    fake.failHistoryFor.add('gone1@example.org');
    const records = hardBounces(3);
    const { failedIds } = await processWith(fake)(records);
    expect([...failedIds]).toEqual(['r-h1']);
    // The change applied, its history did not: the record carries it for the redelivery.
    expect(fake.states.get('gone1@example.org')?.lastChange?.eventId).toContain('h1');
    expect(fake.historyEntries.filter((h) => h.email === 'gone1@example.org')).toEqual([]);

    fake.failHistoryFor.clear();
    const redelivery = await processWith(fake)(records.filter((r) => failedIds.has(r.id)));
    expect(redelivery.failedIds.size).toBe(0);
    for (let i = 0; i < 3; i++) expect(expectStateAndHistoryAgree(fake, `gone${i}@example.org`).count).toBe(1);
  });
});
