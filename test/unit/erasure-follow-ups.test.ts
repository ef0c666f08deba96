import { describe, expect, it } from 'vitest';
import type { DecisionEvent } from '../../shared/app/decision-events.js';
import { erase } from '../../shared/app/erasure.js';
import { createRetryScheduler } from '../../shared/app/retry-scheduler.js';
import { release, suppress } from '../../shared/app/suppressions.js';
import { HmacAddressHasher } from '../../shared/adapters/outbound/hmac-address-hasher.js';
import { bounceFor, sqsEvent } from '../support/batches.js';
import { notificationFixture } from '../support/corpus.js';
import { FakeErasureStore } from '../support/erasure-fakes.js';
import { classifyOverFakes, noCampaignReads } from '../support/classify-fakes.js';
import { FakeAddresses, FakeCampaigns, RecordingLogger } from '../support/fakes.js';
import { FakeRetryStates, FakeTimerQueue } from '../support/retry-fakes.js';

const NOW = new Date('2026-11-20T12:00:00Z');
const clock = () => NOW;
const ERASED = 'gone@example.com';
const KEPT = 'here@example.com';

function world(readAhead?: boolean) {
  const addresses = new FakeAddresses();
  const campaigns = new FakeCampaigns();
  const retries = new FakeRetryStates();
  const timers = new FakeTimerQueue(clock);
  const logger = new RecordingLogger();
  const events: DecisionEvent[] = [];
  const bus = { publish: async (batch: readonly DecisionEvent[]) => void events.push(...batch) };
  const erasure = {
    hasher: new HmacAddressHasher(async () => 'k'.repeat(64)),
    store: new FakeErasureStore(addresses, { campaigns, retries }),
  };
  const api = { addresses, campaigns: noCampaignReads, clock, events: bus, erasure };
  const { handler } = classifyOverFakes({
    addresses,
    campaigns,
    logger,
    clock,
    erasure,
    events: bus,
    retries: createRetryScheduler({ retries, timers, addresses, delays: campaigns, logger, erasure, events: bus }),
    ...(readAhead === undefined ? {} : { readAhead }),
  });
  return { addresses, campaigns, retries, timers, logger, events, erasure, api, handler };
}

const bounce = (to: string, status: string, diagnosticCode: string, n: number) =>
  JSON.stringify(bounceFor(to, { feedbackId: `fb-${status}-${n}`, status, diagnosticCode, at: '2026-11-20T11:00:00.000Z' }));
const throttled = (to: string, n = 1) => bounce(to, '4.7.0', 'smtp; 421 4.7.0 Try again later, too many connections', n);
const timedOut = (to: string, n = 1) => bounce(to, '4.4.7', 'smtp; 4.4.7 Message delayed: connection timed out', n);
function delayed(to: string): string {
  const template = notificationFixture('event-delivery-delay.json') as {
    deliveryDelay: Record<string, unknown>;
    mail: Record<string, unknown>;
  };
  return JSON.stringify({
    ...template,
    deliveryDelay: {
      ...template.deliveryDelay,
      delayedRecipients: [{ emailAddress: to, status: '4.4.1', diagnosticCode: 'smtp; 4.4.1 timed out' }],
    },
    mail: { ...template.mail, destination: [to] },
  });
}

describe.each([
  ['batched reads', undefined],
  ['one read per event', false],
])('an erased, held address gets no retry state or delay record (%s)', (_, readAhead) => {
  it('throttling and timeout bounces and delivery delays about it write nothing with the address in clear; the tombstone wins', async () => {
    const w = world(readAhead);
    await suppress(ERASED, { note: 'asked to be removed' }, 'ops', w.api);
    await erase(ERASED, { note: 'data-protection request', actor: 'ops' }, { ...w.api, logger: w.logger });
    const tombstones = JSON.stringify([...w.erasure.store.tombstones]);

    // Mail sent outside the send path, to the erased address and to one that was never erased.
    const result = await w.handler(sqsEvent([throttled(ERASED), timedOut(ERASED, 2), delayed(ERASED), throttled(KEPT), delayed(KEPT)]));
    expect(result.batchItemFailures).toEqual([]);

    expect([...w.retries.states.values()].map((state) => state.email)).toEqual([KEPT]);
    expect(w.timers.enqueued.map((message) => message.timer.email)).toEqual([KEPT]);
    expect(w.campaigns.delays.map((delay) => delay.email)).toEqual([KEPT]);
    expect(w.addresses.states.has(ERASED)).toBe(false);
    expect(JSON.stringify([...w.erasure.store.tombstones])).toBe(tombstones);
    expect(JSON.stringify(w.logger.entries)).not.toContain(ERASED);
  });
});

describe('an erasure is published without the address', () => {
  it('address.erased carries the keyed hash the address events carried, and whether the address stays held', async () => {
    const w = world();
    await suppress(ERASED, { note: 'asked' }, 'ops', w.api);
    const result = await erase(ERASED, { note: 'data-protection request', actor: 'ops' }, { ...w.api, logger: w.logger });
    const suppressed = w.events.find((e) => e.type === 'address.suppressed' && e.address === ERASED);
    const erased = w.events.filter((e) => e.type === 'address.erased');
    const key = await w.erasure.hasher.hash(ERASED);
    expect(suppressed).toMatchObject({ addressKey: key });
    expect(erased).toEqual([
      {
        version: 1,
        type: 'address.erased',
        id: `erased:${key}:${result.erasedAt}`,
        at: result.erasedAt,
        addressKey: key,
        kept: true,
        status: 'suppressed',
        actor: 'ops',
        note: 'data-protection request',
      },
    ]);
    expect(JSON.stringify(erased)).not.toContain(ERASED);

    // Erasing again re-publishes the same event (same id: a consumer deduplicates it).
    await erase(ERASED, { note: 'again', actor: 'ops2' }, { ...w.api, logger: w.logger });
    expect(w.events.filter((e) => e.type === 'address.erased').map((e) => e.id)).toEqual([erased[0]?.id, erased[0]?.id]);
  });

  it('an address that may be mailed is erased with kept: false; one nothing is known of publishes nothing', async () => {
    const w = world();
    await suppress(KEPT, { note: 'asked' }, 'ops', w.api);
    await release(KEPT, 'fixed', 'ops', w.api);
    await erase(KEPT, { note: 'data-protection request', actor: 'ops' }, { ...w.api, logger: w.logger });
    expect(w.events.filter((e) => e.type === 'address.erased')).toMatchObject([{ kept: false, status: null }]);
    await expect(erase('nobody@example.com', { note: 'x', actor: 'ops' }, { ...w.api, logger: w.logger })).rejects.toThrow();
    expect(w.events.filter((e) => e.type === 'address.erased')).toHaveLength(1);
  });

  it('when the erasure event can be neither published nor kept, nothing is deleted and the request fails (erasing again retries it)', async () => {
    const w = world();
    await suppress(ERASED, { note: 'asked' }, 'ops', w.api);
    const down = { publish: async () => Promise.reject(new Error('bus and outbox down')) };
    await expect(erase(ERASED, { note: 'dp', actor: 'ops' }, { ...w.api, events: down, logger: w.logger })).rejects.toThrow('down');
    expect(w.addresses.states.has(ERASED)).toBe(true);
    await erase(ERASED, { note: 'dp', actor: 'ops' }, { ...w.api, logger: w.logger });
    expect(w.addresses.states.has(ERASED)).toBe(false);
    expect(w.events.filter((e) => e.type === 'address.erased')).toHaveLength(1);
  });
});
