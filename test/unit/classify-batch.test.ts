import { describe, expect, it } from 'vitest';
import { bounceFor, deliveryFor, mixedBatch, sqsEvent } from '../support/batches.js';
import { notificationFixture } from '../support/corpus.js';
import { classifyOverFakes } from '../support/classify-fakes.js';

// Through the SQS edge, so these also hold for the Lambda's partial batch response.
const setup = () => classifyOverFakes();

const good = JSON.stringify(notificationFixture('event-bounce-permanent.json'));
const complaint = JSON.stringify(notificationFixture('event-complaint.json'));

describe('classify batch handler (with fakes)', () => {
  it('sends malformed records to the DLQ with the reason, succeeds them, and processes the rest', async () => {
    const { handler, deadLetters, addresses, logger, metrics } = setup();
    const response = await handler(sqsEvent([good, '{oops', complaint, JSON.stringify({ Type: 'Notification', Message: '<xml/>' })]));
    expect(response.batchItemFailures).toEqual([]);
    expect(deadLetters.sent.map((d) => [d.sourceId, d.reason])).toEqual([
      ['m-1', expect.stringContaining('not valid JSON')],
      ['m-3', expect.stringContaining('SNS Message is not valid JSON')],
    ]);
    expect([...addresses.states.keys()].sort()).toEqual(['angry@yahoo.com', 'kim.lee@gmail.com']);
    expect(logger.entries.filter((e) => e.level === 'error').map((e) => e.extra?.messageId)).toEqual(['m-1', 'm-3']);
    expect(metrics.counts.get('RecordsInvalid')).toBe(2);
    expect(metrics.counts.get('Decision.invalid-address')).toBe(1);
    expect(metrics.flushes).toBe(1);
  });

  it('fails a malformed record back to the queue when the DLQ cannot take it (redrive still gets it there)', async () => {
    const { handler, deadLetters } = setup();
    deadLetters.failing = true;
    const response = await handler(sqsEvent([good, 'nope']));
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'm-1' }]);
  });

  it('fails only the record whose store call failed', async () => {
    const { handler, addresses } = setup();
    addresses.failFor.add('angry@yahoo.com');
    const response = await handler(sqsEvent([good, complaint]));
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'm-1' }]);
    expect(addresses.states.has('kim.lee@gmail.com')).toBe(true);
  });

  it('does not count a failed record, and fails the records behind counters it could not write', async () => {
    const { handler, addresses, campaigns } = setup();
    addresses.failFor.add('angry@yahoo.com');
    await handler(sqsEvent([good, complaint]));
    expect(campaigns.total('complaints')).toBe(0);
    expect(campaigns.total('hardBounces')).toBe(1);

    const second = setup();
    second.campaigns.failing = true;
    const response = await second.handler(sqsEvent([good, complaint, 'not json']));
    expect(response.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(['m-0', 'm-1']);
  });

  it('writes each counter of the campaign-hour once for 100 sends, and nothing when they are replayed', async () => {
    const { handler, campaigns } = setup();
    const send = notificationFixture('event-send.json') as { mail: Record<string, unknown> };
    const bodies = Array.from({ length: 100 }, (_, i) =>
      JSON.stringify({ ...send, mail: { ...send.mail, messageId: `msg-${i}`, destination: [`r${i}@gmail.com`] } }),
    );
    await handler(sqsEvent(bodies));
    // the provider, batch and source breakdowns of sends (sends itself is their provider sum)
    expect(campaigns.writes).toBe(3);
    expect(campaigns.total('sends')).toBe(100);
    expect(campaigns.total('sends|provider|gmail')).toBe(100);
    await handler(sqsEvent(bodies.slice(20, 70), 'replayed'));
    expect(campaigns.writes).toBe(3);
    expect(campaigns.total('sends')).toBe(100);
  });

  it('turns the 4th soft bounce inside 72 h into a review, attributed to the bounce that crossed the threshold', async () => {
    const { handler, addresses } = setup();
    const soft = (i: number, at: string) =>
      JSON.stringify(
        bounceFor('flaky@example.org', { feedbackId: `s${i}`, status: '4.2.2', diagnosticCode: 'smtp; 452 4.2.2 Mailbox full', at }),
      );
    await handler(
      sqsEvent([soft(1, '2026-11-18T13:00:00.000Z'), soft(2, '2026-11-19T10:00:00.000Z'), soft(3, '2026-11-20T10:00:00.000Z')]),
    );
    expect(addresses.states.has('flaky@example.org')).toBe(false);
    await handler(sqsEvent([soft(4, '2026-11-20T11:00:00.000Z')], 'n'));
    expect(addresses.states.get('flaky@example.org')).toMatchObject({
      status: 'review',
      reason: 'soft-bounce-threshold',
      appliedEventIds: [expect.stringContaining(':s4:')],
    });
  });

  it('records every soft bounce past the threshold, the earliest as the crossing one, in every arrival order', async () => {
    const soft = (i: number) =>
      JSON.stringify(
        bounceFor('flaky@example.org', {
          feedbackId: `s${i}`,
          status: '4.2.2',
          diagnosticCode: 'smtp; 452 4.2.2 Mailbox full',
          at: `2026-11-20T0${i}:00:00.000Z`,
        }),
      );
    const permutations = (items: readonly number[]): number[][] =>
      items.length <= 1
        ? [[...items]]
        : items.flatMap((item, i) => permutations(items.filter((_, j) => j !== i)).map((rest) => [item, ...rest]));
    const outcomeOf = async (order: readonly number[]) => {
      const { handler, addresses } = setup();
      // One batch per bounce: exactly this arrival order.
      for (const i of order) await handler(sqsEvent([soft(i)], `n${i}`));
      const state = addresses.states.get('flaky@example.org');
      const feedbackOf = (eventId: string) => eventId.split(':')[1];
      return {
        status: state?.status,
        reason: state?.reason,
        crossing: state?.feedbackId,
        evidenceAt: state?.evidenceAt,
        count: state?.count,
        firstSeenAt: state?.firstSeenAt,
        lastSeenAt: state?.lastSeenAt,
        applied: [...(state?.appliedEventIds ?? [])].map(feedbackOf).sort(),
        history: [...new Set(addresses.historyEntries.map((entry) => feedbackOf(entry.eventId)))].sort(),
      };
    };
    const expected = {
      status: 'review',
      reason: 'soft-bounce-threshold',
      crossing: 's4',
      evidenceAt: '2026-11-20T04:00:00.000Z',
      count: 2,
      firstSeenAt: '2026-11-20T04:00:00.000Z',
      lastSeenAt: '2026-11-20T05:00:00.000Z',
      applied: ['s4', 's5'],
      history: ['s4', 's5'],
    };
    // All 120 orders of five soft bounces (two past the threshold of 3).
    for (const order of permutations([1, 2, 3, 4, 5])) expect({ order, ...(await outcomeOf(order)) }).toEqual({ order, ...expected });
  });

  it('does not count throttling or timeouts toward the address window (they are about the sender or the server)', async () => {
    const { handler, addresses } = setup();
    const bounce = (i: number, status: string, text: string) =>
      JSON.stringify(bounceFor('busy@gmail.com', { feedbackId: `t${i}`, status, diagnosticCode: text, at: `2026-11-20T0${i}:00:00.000Z` }));
    await handler(
      sqsEvent(
        [1, 2, 3, 4, 5].map((i) =>
          bounce(i, i % 2 ? '4.7.0' : '4.4.1', i % 2 ? 'smtp; 421 4.7.0 Try again later' : 'smtp; 4.4.1 Connection timed out'),
        ),
      ),
    );
    expect(addresses.softBounces.size).toBe(0);
    expect(addresses.states.has('busy@gmail.com')).toBe(false);
  });

  it('takes back a history entry when a lost race turns its change into none', async () => {
    const { addresses } = setup();
    const { commitSignal } = await import('../../shared/app/address-writer.js');
    const { NO_EVIDENCE } = await import('../../shared/domain/index.js');
    const block = { kind: 'policy-block' as const, eventId: 'block', occurredAt: '2026-11-20T10:00:00.000Z', evidence: NO_EVIDENCE };
    let raced = false;
    const realPut = addresses.putState.bind(addresses);
    addresses.putState = async (state, expected) => {
      if (!raced) {
        raced = true;
        // Another function suppresses the address between our read and our write.
        await realPut({ ...state, status: 'suppressed', reason: 'hard-bounce', appliedEventIds: ['hard'], lastChange: null }, 0);
      }
      return realPut(state, expected);
    };
    const commit = await commitSignal(addresses, 'kim@example.com', () => block);
    expect(commit.changed).toBe(false);
    expect(addresses.historyEntries).toEqual([]);
    expect(addresses.states.get('kim@example.com')?.status).toBe('suppressed');
  });

  it('ignores soft bounces whose window item has expired, even if TTL has not deleted it yet', async () => {
    const { handler, addresses } = setup();
    const soft = (i: number, at: string) =>
      JSON.stringify(
        bounceFor('flaky@example.org', { feedbackId: `s${i}`, status: '4.2.2', diagnosticCode: 'smtp; 452 4.2.2 Mailbox full', at }),
      );
    // The first is 72 h + 1 s before "now" (2026-11-20T12:00Z): outside the window.
    await handler(
      sqsEvent([
        soft(1, '2026-11-17T11:59:59.000Z'),
        soft(2, '2026-11-19T10:00:00.000Z'),
        soft(3, '2026-11-20T10:00:00.000Z'),
        soft(4, '2026-11-20T11:00:00.000Z'),
      ]),
    );
    expect(addresses.softBounces.size).toBe(4);
    expect(addresses.states.has('flaky@example.org')).toBe(false);
  });

  it('records delivery delays per domain, never as soft bounces', async () => {
    const { handler, addresses, campaigns } = setup();
    await handler(sqsEvent([JSON.stringify(notificationFixture('event-delivery-delay.json'))]));
    expect(campaigns.delays).toEqual([
      expect.objectContaining({ domain: 'slowdomain.example', category: 'connection-timeout', enhancedCode: '4.4.1' }),
    ]);
    expect(addresses.softBounces.size).toBe(0);
    expect(campaigns.total('delays')).toBe(1);
  });

  it('does not count SES account-suppression bounces as hard bounces', async () => {
    const { handler, addresses, campaigns } = setup();
    await handler(sqsEvent([JSON.stringify(notificationFixture('event-bounce-account-suppressed.json'))]));
    expect(campaigns.total('hardBounces')).toBe(0);
    expect(campaigns.total('alreadySuppressed')).toBe(1);
    expect(addresses.states.get('listed@example.com')).toMatchObject({ status: 'suppressed', reason: 'ses-suppression-list' });
  });

  it('never logs a full address', async () => {
    const { handler, logger, addresses } = setup();
    addresses.failFor.add('kim.lee@gmail.com');
    await handler(sqsEvent([...mixedBatch(), 'garbage']));
    const logged = JSON.stringify(logger.entries);
    expect(logged).not.toMatch(/[a-z0-9.]+@[a-z0-9-]+\.[a-z]+/i);
    expect(logger.entries.length).toBeGreaterThan(0);
  });
});

describe('deliveries', () => {
  /** A recipient policy block: the address goes to review. */
  const policy = JSON.stringify(
    bounceFor('member@contoso.example', {
      feedbackId: 'p',
      status: '5.4.1',
      diagnosticCode: 'smtp; 550 5.4.1 Recipient address rejected: Access denied',
    }),
  );

  it('read address records once per batch, and clear a review', async () => {
    const { handler, addresses } = setup();
    await handler(sqsEvent([policy]));
    expect(addresses.states.get('member@contoso.example')?.status).toBe('review');
    const delivery = (to: string) => JSON.stringify(deliveryFor(to, '2026-11-20T11:00:00.000Z'));
    await handler(sqsEvent([delivery('member@contoso.example'), delivery('other@example.org')], 'd'));
    expect(addresses.inReviewCalls).toBe(1);
    expect(addresses.states.get('member@contoso.example')).toMatchObject({ status: 'released', releasedBy: 'delivery' });
  });

  it('apply in the order they happened within a batch: a delivery queued before the earlier block still clears its review', async () => {
    const { handler, addresses } = setup();
    const later = JSON.stringify(deliveryFor('member@contoso.example', '2026-11-20T11:00:00.000Z'));
    await handler(sqsEvent([later, policy]));
    expect(addresses.states.get('member@contoso.example')).toMatchObject({ status: 'released', releasedBy: 'delivery' });
  });
});
