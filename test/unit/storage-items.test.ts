import { describe, expect, it } from 'vitest';
import { alertFromItem, pauseFromItem } from '../../shared/adapters/outbound/health-items.js';
import { outboundFromItem, retryStateFromItem } from '../../shared/adapters/outbound/retry-items.js';

const retryItem = {
  pk: 'ADDR#kim@example.com',
  sk: 'RETRY#m1',
  email: 'kim@example.com',
  originalMessageId: 'm1',
  category: 'mailbox-full',
  campaign: 'nov',
  attempt: 1,
  status: 'scheduled',
  dueAt: '2026-11-20T16:00:00.000Z',
  firstFailureAt: '2026-11-20T10:00:00.000Z',
  version: 1,
};

describe('storage items are checked when read, never cast', () => {
  it('reads a retry state, and refuses one with an unknown status or a missing attempt, naming the field only', () => {
    expect(retryStateFromItem(retryItem)).toMatchObject({ status: 'scheduled', attempt: 1, sendingSince: null, lastMessageId: null });
    expect(() => retryStateFromItem({ ...retryItem, status: 'lost' })).toThrow(/^retry state item: status is not one of/);
    const missing = (() => {
      try {
        retryStateFromItem({ ...retryItem, attempt: undefined });
        return null;
      } catch (error) {
        return error as Error;
      }
    })();
    expect(missing?.message).toBe('retry state item: attempt is not a number');
    expect(missing?.message).not.toContain('kim@');
  });

  it('reads an outbound message with its content, and refuses content of an unknown kind', () => {
    const item = {
      messageId: 'm1',
      to: 'kim@example.com',
      from: 'news@example.com',
      tags: { campaign: 'nov' },
      content: { kind: 'simple', subject: 'Hi', text: 'Hello' },
      attempt: 0,
      originalMessageId: 'm1',
      sentAt: '2026-11-20T10:00:00.000Z',
      expiresAt: 1_800_000_000,
    };
    expect(outboundFromItem(item)).toMatchObject({
      tags: { campaign: 'nov', batch: null, source: null },
      content: { kind: 'simple', subject: 'Hi', text: 'Hello' },
    });
    expect(outboundFromItem({ ...item, content: undefined }).content).toBeNull();
    expect(() => outboundFromItem({ ...item, content: { kind: 'fax' } })).toThrow(/outbound message content item: kind is not one of/);
  });

  it('reads alerts and pauses, and refuses an alert whose verdict or finding is not one the job writes', () => {
    const finding = { pattern: 'complaint-rate', verdict: 'danger', summary: 's', numbers: { complaints: 3 }, action: 'a' };
    const alert = { sk: 'complaint-rate', verdict: 'danger', at: '2026-11-20T10:00:00.000Z', finding };
    expect(alertFromItem('nov', alert)).toEqual({ campaign: 'nov', key: 'complaint-rate', verdict: 'danger', at: alert.at, finding });
    expect(() => alertFromItem('nov', { ...alert, verdict: 'fine' })).toThrow(/alert item: verdict/);
    expect(() => alertFromItem('nov', { ...alert, finding: { ...finding, pattern: 'other' } })).toThrow(/alert finding item: pattern/);
    const pause = { reason: 'bounces', actor: 'ops', pausedAt: '2026-11-20T10:00:00.000Z', automatic: true };
    expect(pauseFromItem('nov', pause)).toEqual({ campaign: 'nov', ...pause });
    expect(() => pauseFromItem('nov', { ...pause, reason: undefined })).toThrow('pause item: reason is not a string');
  });
});
