import { EventBridgeClient, PutEventsCommand, type PutEventsCommandInput } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { publishKept, withOutbox, type AddressEvent, type DecisionEvent, type DecisionOutbox } from '../../shared/app/decision-events.js';
import { BYTES_PER_CALL, callsOf, EventBridgeDecisionEvents } from '../../shared/adapters/outbound/decision-event-sinks.js';
import { bounceFor, complaintFor, sqsEvent } from '../support/batches.js';
import { classifyOverFakes } from '../support/classify-fakes.js';
import { FakeAddresses, RecordingLogger } from '../support/fakes.js';

const NOW = new Date('2026-11-20T12:00:00Z');
const eventBridge = mockClient(EventBridgeClient);
beforeEach(() => eventBridge.reset());

/** The address events of one PutEvents call, from its entries' details. */
const addressesOf = (input: PutEventsCommandInput): string[] =>
  (input.Entries ?? []).map((entry) => (JSON.parse(entry.Detail ?? '{}') as AddressEvent).address);

/** The bus refuses the entries of these addresses (PutEvents answers 200 with FailedEntryCount), takes the others. */
function refusing(refused: ReadonlySet<string>) {
  eventBridge.on(PutEventsCommand).callsFake((input: PutEventsCommandInput) => {
    const entries = addressesOf(input).map((address) =>
      refused.has(address) ? { ErrorCode: 'InternalFailure', ErrorMessage: 'try again' } : { EventId: `e-${address.length}` },
    );
    return { FailedEntryCount: entries.filter((e) => 'ErrorCode' in e).length, Entries: entries };
  });
}

function setup(options: { outboxDown?: boolean } = {}) {
  const addresses = new FakeAddresses();
  const kept: DecisionEvent[] = [];
  const outbox: DecisionOutbox = {
    keep: async (events) => {
      if (options.outboxDown) throw Object.assign(new Error('table unavailable'), { name: 'ProvisionedThroughputExceededException' });
      kept.push(...events);
    },
    pending: async () => kept,
    remove: async () => {},
  };
  const logger = new RecordingLogger();
  const bus = new EventBridgeDecisionEvents(new EventBridgeClient({ region: 'us-east-1' }), 'decisions');
  const { handler } = classifyOverFakes({ addresses, logger, clock: () => NOW, events: withOutbox(bus, outbox, () => NOW, logger) });
  return { addresses, kept, handler, logger };
}

const address = (i: number) => `r${i}@example.com`;
const hardBounce = (recipient: string, feedbackId = `fb-${recipient}`) =>
  JSON.stringify(
    bounceFor(recipient, { feedbackId, status: '5.1.1', diagnosticCode: 'smtp; 550 5.1.1 user unknown', at: '2026-11-20T11:00:00.000Z' }),
  );
const hardBounces = (n: number) => Array.from({ length: n }, (_, i) => hardBounce(address(i)));

describe('decision events of a classify batch go out together', () => {
  it.each([
    [1, 1],
    [10, 1],
    [11, 2],
    [23, 3],
  ])('%i changes make %i PutEvents call(s), every record marked published', async (n, calls) => {
    refusing(new Set());
    const { handler, addresses } = setup();
    expect((await handler(sqsEvent(hardBounces(n)))).batchItemFailures).toEqual([]);
    expect(eventBridge).toHaveReceivedCommandTimes(PutEventsCommand, calls);
    const sent = eventBridge.commandCalls(PutEventsCommand).flatMap((call) => call.args[0].input.Entries ?? []);
    expect(sent.map((entry) => (JSON.parse(entry.Detail ?? '{}') as AddressEvent).id).sort()).toEqual(
      Array.from({ length: n }, (_, i) => `address:${address(i)}:1`).sort(),
    );
    expect(sent.every((entry) => entry.DetailType === 'address.suppressed' && entry.Source === 'bounce-pipeline')).toBe(true);
    for (let i = 0; i < n; i++) expect(addresses.states.get(address(i))).toMatchObject({ version: 1, lastChangePublished: true });
  });

  it('a partial failure keeps exactly the refused entries in the outbox and leaves exactly their records unpublished', async () => {
    const refused = new Set([address(2), address(11), address(12)]);
    refusing(refused);
    const { handler, addresses, kept, logger } = setup();
    // The outbox took them: nothing is failed back.
    expect((await handler(sqsEvent(hardBounces(15)))).batchItemFailures).toEqual([]);
    expect(eventBridge).toHaveReceivedCommandTimes(PutEventsCommand, 2);
    expect(kept.map((event) => event.id).sort()).toEqual([...refused].map((a) => `address:${a}:1`).sort());
    // Kept is not confirmed: exactly those records stay unpublished, for their next reader to publish again.
    for (let i = 0; i < 15; i++) {
      expect(addresses.states.get(address(i))?.lastChangePublished, address(i)).toBe(!refused.has(address(i)));
    }
    const logged = JSON.stringify(logger.entries);
    expect(logged).toContain('"events":3');
    expect(logged).not.toContain('@example.com');
  });

  it('when the outbox fails too, exactly the refused entries stay unpublished and only their records are failed back', async () => {
    const refused = new Set([address(0), address(14)]);
    refusing(refused);
    const { handler, addresses, logger } = setup({ outboxDown: true });
    const result = await handler(sqsEvent(hardBounces(15)));
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'm-0' }, { itemIdentifier: 'm-14' }]);
    for (let i = 0; i < 15; i++) {
      expect(addresses.states.get(address(i)), address(i)).toMatchObject({
        status: 'suppressed',
        version: 1,
        lastChangePublished: !refused.has(address(i)),
      });
    }
    expect(JSON.stringify(logger.entries)).not.toContain('@example.com');

    // The redelivery of the failed records publishes their changes, with the same ids, in one call.
    eventBridge.reset();
    refusing(new Set());
    expect((await handler(sqsEvent([hardBounces(15)[0] as string, hardBounces(15)[14] as string]))).batchItemFailures).toEqual([]);
    const again = eventBridge.commandCalls(PutEventsCommand).flatMap((call) => addressesOf(call.args[0].input));
    expect(again.sort()).toEqual([address(0), address(14)]);
    expect(addresses.states.get(address(0))).toMatchObject({ version: 1, lastChangePublished: true });
  });

  it('two changes of one address in one batch are both published, the older first, with their record versions', async () => {
    refusing(new Set());
    const { handler, addresses } = setup();
    const complaint = JSON.stringify(complaintFor(address(1), { feedbackId: 'c-1', at: '2026-11-20T11:30:00.000Z' }));
    expect((await handler(sqsEvent([hardBounce(address(1)), complaint, hardBounce(address(2))]))).batchItemFailures).toEqual([]);
    const ids = eventBridge
      .commandCalls(PutEventsCommand)
      .flatMap((call) => (call.args[0].input.Entries ?? []).map((entry) => (JSON.parse(entry.Detail ?? '{}') as AddressEvent).id));
    // The older change goes out before the newer one replaces it on the record (a call of its own); the rest together.
    expect(ids.filter((id) => id.includes(address(1)))).toEqual([`address:${address(1)}:1`, `address:${address(1)}:2`]);
    expect(ids.sort()).toEqual([`address:${address(1)}:1`, `address:${address(1)}:2`, `address:${address(2)}:1`]);
    expect(eventBridge).toHaveReceivedCommandTimes(PutEventsCommand, 2);
    expect(addresses.states.get(address(1))).toMatchObject({ version: 2, reason: 'complaint', lastChangePublished: true });
  });

  it('a notification delivered twice in one batch publishes its change once', async () => {
    refusing(new Set());
    const { handler } = setup();
    const body = hardBounce(address(3));
    expect((await handler(sqsEvent([body, body]))).batchItemFailures).toEqual([]);
    expect(eventBridge).toHaveReceivedCommandTimes(PutEventsCommand, 1);
    expect(addressesOf(eventBridge.commandCalls(PutEventsCommand)[0]?.args[0].input ?? { Entries: [] })).toEqual([address(3)]);
  });
});

describe('PutEvents calls', () => {
  it('hold at most 10 entries and 256 KB, in order', () => {
    const sizes = [100_000, 100_000, 100_000, 10, 10, 300_000, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5];
    const calls = callsOf(
      sizes.map((size, i) => ({ size, i })),
      (item) => item.size,
    );
    expect(calls.map((call) => call.map((item) => item.i))).toEqual([[0, 1], [2, 3, 4], [5], [6, 7, 8, 9, 10, 11, 12, 13, 14, 15], [16]]);
    expect(BYTES_PER_CALL).toBe(262_144);
  });
});

describe('the outbox published again by the health run', () => {
  it('forgets exactly the entries the bus took and keeps the refused ones for the next run', async () => {
    const kept = new Map<string, DecisionEvent>();
    const outbox: DecisionOutbox = {
      keep: async (events) => void events.forEach((e) => kept.set(e.id, e)),
      pending: async () => [...kept.values()],
      remove: async (ids) => void ids.forEach((id) => kept.delete(id)),
    };
    const paused = (i: number): DecisionEvent => ({
      version: 1,
      type: 'campaign.paused',
      id: `pause:c${i}`,
      at: '2026-11-25T12:00:00.000Z',
      campaign: `c${i}`,
      pause: { reason: 'r', actor: 'ops', automatic: false },
    });
    await outbox.keep([paused(1), paused(2), paused(3)], NOW);
    eventBridge.on(PutEventsCommand).callsFake((input: PutEventsCommandInput) => {
      const entries = (input.Entries ?? []).map((entry) =>
        entry.Detail?.includes('"c2"') ? { ErrorCode: 'ThrottlingException' } : { EventId: 'ok' },
      );
      return { FailedEntryCount: entries.filter((e) => 'ErrorCode' in e).length, Entries: entries };
    });
    const bus = new EventBridgeDecisionEvents(new EventBridgeClient({ region: 'us-east-1' }), 'decisions');
    await expect(publishKept(bus, outbox, NOW)).rejects.toThrow('ThrottlingException');
    expect([...kept.keys()]).toEqual(['pause:c2']);
  });
});
