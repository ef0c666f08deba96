import { describe, expect, it } from 'vitest';
import {
  counterUpdates,
  eventHash,
  hourOf,
  metricOf,
  parseNotification,
  recipientOutcomes,
  type RecipientOutcome,
} from '../../shared/domain/index.js';
import { bounceFor, deliveryFor } from '../support/batches.js';
import { notificationFixture } from '../support/corpus.js';

function outcomesOf(notification: unknown): RecipientOutcome[] {
  const parsed = parseNotification(notification);
  if (!parsed.ok || parsed.value.kind !== 'event') throw new Error('fixture did not parse');
  return recipientOutcomes(parsed.value.event);
}

describe('metricOf', () => {
  it.each([
    ['event-send.json', 'sends'],
    ['event-delivery.json', 'deliveries'],
    ['event-delivery-delay.json', 'delays'],
    ['event-reject.json', 'rejects'],
    ['event-complaint.json', 'complaints'],
    ['event-bounce-account-suppressed.json', 'alreadySuppressed'],
    ['identity-bounce-transient.json', 'softBounces'],
  ])('%s → %s', (fixture, metric) => {
    expect(metricOf(outcomesOf(notificationFixture(fixture))[0] as RecipientOutcome)).toBe(metric);
  });

  it('separates hard bounces from reputation blocks', () => {
    const [hard, block] = outcomesOf(notificationFixture('event-bounce-permanent.json'));
    expect(metricOf(hard as RecipientOutcome)).toBe('hardBounces');
    expect(metricOf(block as RecipientOutcome)).toBe('blocks');
  });
});

describe('counterUpdates', () => {
  const many = Array.from({ length: 60 }, (_, i) =>
    outcomesOf(bounceFor(`user${i}@gmail.com`, { feedbackId: `f${i}`, status: '5.1.1', diagnosticCode: 'smtp; 550 5.1.1 user unknown' })),
  ).flat();
  const deliveries = Array.from({ length: 200 }, (_, i) => outcomesOf(deliveryFor(`d${i}@yahoo.com`, '2026-11-20T10:00:05.000Z'))).flat();

  it('one update per counter of the campaign-hour, each carrying every distinct event once', () => {
    const updates = counterUpdates(deliveries.map((outcome, i) => ({ outcome, sourceId: `r${i}` })));
    expect(updates.map((u) => [u.campaign, u.hour, u.name, u.hashes.length])).toEqual([
      // The metric itself is derived on read: the sum of its provider breakdown.
      ['nov-offers', '2026-11-20T10', 'deliveries|provider|yahoo', 200],
      ['nov-offers', '2026-11-20T10', 'deliveries|batch|import-2026-10', 200],
      ['nov-offers', '2026-11-20T10', 'deliveries|source|webinar', 200],
    ]);
    expect(updates[0]?.sourceIds.size).toBe(200);
  });

  it('a duplicated event adds the same hash, once', () => {
    const updates = counterUpdates([...many, ...many].map((outcome, i) => ({ outcome, sourceId: `r${i}` })));
    const hard = updates.find((u) => u.name.startsWith('hardBounces|provider|'));
    expect(hard?.hashes).toHaveLength(60);
    expect(hard?.hashes).toContain(eventHash(many[0]?.eventId ?? ''));
    expect(updates.find((u) => u.name === 'hardBounces|category|invalid-address')?.hashes).toHaveLength(60);
  });

  it('buckets by send time, so late bounces meet their sends', () => {
    const late = outcomesOf(
      bounceFor('x@example.org', {
        feedbackId: 'late',
        status: '4.2.2',
        diagnosticCode: 'smtp; 452 4.2.2 full',
        at: '2026-11-21T03:00:00.000Z',
      }),
    );
    expect(counterUpdates([{ outcome: late[0] as RecipientOutcome, sourceId: 'r' }])[0]?.hour).toBe('2026-11-20T10');
    expect(hourOf('not a time')).toBe('unknown');
  });
});
