import { describe, expect, it } from 'vitest';
import {
  aggregateCounters,
  eventToken,
  hourOf,
  metricOf,
  OUTCOME_SHARDS,
  parseNotification,
  recipientOutcomes,
  remainingCounts,
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

describe('aggregateCounters', () => {
  const many = Array.from({ length: 60 }, (_, i) =>
    outcomesOf(bounceFor(`user${i}@gmail.com`, { feedbackId: `f${i}`, status: '5.1.1', diagnosticCode: 'smtp; 550 5.1.1 user unknown' })),
  ).flat();
  const deliveries = Array.from({ length: 200 }, (_, i) => outcomesOf(deliveryFor(`d${i}@yahoo.com`, '2026-11-20T10:00:05.000Z'))).flat();

  it('writes volume once per campaign-hour per batch, with every breakdown', () => {
    const increments = aggregateCounters(
      deliveries.map((outcome, i) => ({ outcome, sourceId: `r${i}` })),
      7,
    );
    expect(increments).toHaveLength(1);
    expect(increments[0]?.key).toEqual({ campaign: 'nov-offers', hour: '2026-11-20T10', kind: 'volume', shard: 3 });
    expect(increments[0]?.counts).toEqual({
      deliveries: 200,
      'deliveries|provider|yahoo': 200,
      'deliveries|batch|import-2026-10': 200,
      'deliveries|source|webinar': 200,
    });
  });

  it('spreads outcome counts over token shards, each event counted once with its token', () => {
    const increments = aggregateCounters(
      [...many, ...many].map((outcome, i) => ({ outcome, sourceId: `r${i}` })),
      0,
    );
    expect(increments.length).toBeGreaterThan(8);
    expect(increments.every((inc) => inc.key.shard < OUTCOME_SHARDS && inc.key.kind === 'outcome')).toBe(true);
    const total = increments.reduce((sum, inc) => sum + (inc.counts.hardBounces ?? 0), 0);
    expect(total).toBe(60);
    expect(increments.reduce((sum, inc) => sum + inc.tokens.length, 0)).toBe(60);
    expect(increments.flatMap((inc) => inc.tokens)).toContain(eventToken(many[0]?.eventId ?? ''));
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
    expect(aggregateCounters([{ outcome: late[0] as RecipientOutcome, sourceId: 'r' }], 0)[0]?.key.hour).toBe('2026-11-20T10');
    expect(hourOf('not a time')).toBe('unknown');
  });

  it('recomputes what remains when some events were counted before', () => {
    const [increment] = aggregateCounters(
      many.slice(0, 1).map((outcome) => ({ outcome, sourceId: 'r' })),
      0,
    );
    const token = increment?.tokens[0] as string;
    expect(remainingCounts(increment?.perToken ?? new Map(), new Set([token]))).toEqual({ counts: {}, tokens: [] });
    expect(remainingCounts(increment?.perToken ?? new Map(), new Set()).counts.hardBounces).toBe(1);
  });
});
