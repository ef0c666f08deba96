import { describe, expect, it } from 'vitest';
import type { AddressEvent, DecisionEvent, DecisionEventSink } from '../../shared/app/decision-events.js';
import { release, suppress, type SuppressionDeps } from '../../shared/app/suppressions.js';
import { bounceFor, complaintFor, sqsEvent } from '../support/batches.js';
import { CLASSIFY_NOW, classifyOverFakes, noCampaignReads } from '../support/classify-fakes.js';

/** A bus that records what it took, and refuses while `down`. */
class RecordingBus implements DecisionEventSink {
  readonly events: DecisionEvent[] = [];
  down = false;
  async publish(events: readonly DecisionEvent[]) {
    if (this.down) throw new Error('EventBridge unavailable');
    this.events.push(...events);
  }
  get addressEvents(): AddressEvent[] {
    return this.events.filter((e): e is AddressEvent => e.type.startsWith('address.'));
  }
}

function setup(readAhead?: boolean) {
  const bus = new RecordingBus();
  const { addresses, handler } = classifyOverFakes({ events: bus, readAhead });
  const api: SuppressionDeps = {
    addresses,
    campaigns: noCampaignReads,
    clock: () => CLASSIFY_NOW,
    events: bus,
  };
  return { addresses, bus, handler, api };
}

const hardBounce = (recipient: string, feedbackId = `fb-${recipient}`) =>
  JSON.stringify(
    bounceFor(recipient, {
      feedbackId,
      status: '5.1.1',
      diagnosticCode: 'smtp; 550 5.1.1 user unknown',
      at: '2026-11-20T11:00:00.000Z',
      campaign: 'nov',
    }),
  );

describe.each([
  ['batched reads and history writes', undefined],
  ['one read per event', false],
])('address changes as decision events (%s)', (_, readAhead) => {
  it('publishes one event per change, with the address, and none for a redelivered event that changes nothing', async () => {
    const { handler, bus, addresses } = setup(readAhead);
    const body = hardBounce('ann@example.com');
    expect((await handler(sqsEvent([body]))).batchItemFailures).toEqual([]);
    expect(bus.addressEvents).toEqual([
      {
        version: 1,
        type: 'address.suppressed',
        id: 'address:ann@example.com:1',
        at: '2026-11-20T11:00:00.000Z',
        address: 'ann@example.com',
        status: 'suppressed',
        previousStatus: null,
        reason: 'hard-bounce',
        signal: 'hard-bounce',
        campaign: 'nov',
        evidence: {
          category: 'invalid-address',
          rule: expect.any(String),
          smtpCode: 550,
          enhancedCode: '5.1.1',
          diagnostic: 'smtp; 550 5.1.1 user unknown',
          messageId: expect.any(String),
        },
        actor: null,
        note: null,
        recordVersion: 1,
        addressKey: null,
      },
    ]);
    expect(addresses.states.get('ann@example.com')).toMatchObject({ version: 1, lastChangePublished: true });

    await handler(sqsEvent([body, body])); // SNS and SQS deliver twice
    expect(bus.addressEvents).toHaveLength(1);

    // A complaint later is a change of its own: one more event, the next version.
    await handler(sqsEvent([JSON.stringify(complaintFor('ann@example.com', { feedbackId: 'c-1', at: '2026-11-20T11:30:00.000Z' }))]));
    expect(bus.addressEvents.map((e) => [e.id, e.type, e.reason, e.previousStatus])).toEqual([
      ['address:ann@example.com:1', 'address.suppressed', 'hard-bounce', null],
      ['address:ann@example.com:2', 'address.suppressed', 'complaint', 'suppressed'],
    ]);
  });

  it('a publish that fails after the record was written fails the record back, and its redelivery publishes the same event once', async () => {
    const { handler, bus, addresses } = setup(readAhead);
    const body = hardBounce('bob@example.com');
    bus.down = true;
    expect((await handler(sqsEvent([body]))).batchItemFailures).toEqual([{ itemIdentifier: 'm-0' }]);
    expect(addresses.states.get('bob@example.com')).toMatchObject({ status: 'suppressed', version: 1, lastChangePublished: false });
    expect(bus.addressEvents).toEqual([]);

    bus.down = false;
    expect((await handler(sqsEvent([body]))).batchItemFailures).toEqual([]);
    expect(bus.addressEvents.map((e) => [e.id, e.type])).toEqual([['address:bob@example.com:1', 'address.suppressed']]);
    expect(addresses.states.get('bob@example.com')).toMatchObject({ version: 1, lastChangePublished: true });
    await handler(sqsEvent([body]));
    expect(bus.addressEvents).toHaveLength(1);
  });
});

describe('address changes made by a person', () => {
  it('a release and a manual suppression are published with who and why; suppressing again publishes nothing', async () => {
    const { handler, bus, api } = setup();
    await handler(sqsEvent([hardBounce('cy@example.com')]));
    await release('cy@example.com', 'typo fixed by the customer', 'arn:aws:iam::1:user/ops', api);
    await suppress('dee@example.com', { note: 'asked to be removed' }, 'arn:aws:iam::1:user/ops', api);
    await suppress('dee@example.com', { note: 'again' }, 'arn:aws:iam::1:user/ops', api);
    expect(bus.addressEvents.map((e) => [e.id, e.type, e.previousStatus, e.signal, e.actor, e.note])).toEqual([
      ['address:cy@example.com:1', 'address.suppressed', null, 'hard-bounce', null, null],
      ['address:cy@example.com:2', 'address.released', 'suppressed', 'release', 'arn:aws:iam::1:user/ops', 'typo fixed by the customer'],
      ['address:dee@example.com:1', 'address.suppressed', null, 'manual-suppress', 'arn:aws:iam::1:user/ops', 'asked to be removed'],
    ]);
  });

  it('a release whose publish fails is stored; the next change to the address publishes it first', async () => {
    const { handler, bus, api, addresses } = setup();
    await handler(sqsEvent([hardBounce('eve@example.com')]));
    bus.down = true;
    // The release stands once stored: it answers with the released address, and its event waits on the record.
    await expect(release('eve@example.com', 'checked by phone', 'ops', api)).resolves.toMatchObject({ status: 'released' });
    expect(addresses.states.get('eve@example.com')).toMatchObject({ status: 'released', lastChangePublished: false });
    bus.down = false;
    await handler(sqsEvent([hardBounce('eve@example.com', 'fb-eve-2')]));
    expect(bus.addressEvents.map((e) => [e.id, e.type])).toEqual([
      ['address:eve@example.com:1', 'address.suppressed'],
      ['address:eve@example.com:2', 'address.released'],
      ['address:eve@example.com:3', 'address.suppressed'],
    ]);
  });
});
