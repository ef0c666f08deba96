import { describe, expect, it } from 'vitest';
import { alertFromItem, pauseFromItem } from '../../shared/adapters/outbound/health-items.js';
import { dynamoItemBytes, writeUnits } from '../../shared/adapters/outbound/item-size.js';
import { canonicalJson, KnownBodies } from '../../shared/adapters/outbound/message-bodies.js';
import { bodyFromItem, bodyHashOf, outboundFromItem, retryStateFromItem } from '../../shared/adapters/outbound/retry-items.js';

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

  it('reads a message item that names a stored body, and the body item', () => {
    const item = {
      messageId: 'm1',
      to: 'kim@example.com',
      from: 'news@example.com',
      tags: { campaign: 'nov' },
      bodyHash: 'ab'.repeat(32),
      attempt: 0,
      originalMessageId: 'm1',
      sentAt: '2026-11-20T10:00:00.000Z',
      expiresAt: 1_800_000_000,
    };
    expect(outboundFromItem(item).content).toBeNull();
    expect(bodyHashOf(item)).toBe('ab'.repeat(32));
    expect(bodyHashOf({ ...item, bodyHash: undefined })).toBeNull();
    expect(() => bodyHashOf({ ...item, bodyHash: 7 })).toThrow(/outbound message item: bodyHash/);
    const template = { kind: 'template', template: 't', templateData: '{}' };
    expect(bodyFromItem({ pk: 'BODY#ab', sk: 'BODY', content: template, expiresAt: 1 })).toEqual(template);
    expect(() => bodyFromItem({ pk: 'BODY#ab', sk: 'BODY', expiresAt: 1 })).toThrow(/message body item: content is absent/);
  });

  it('sizes items as DynamoDB bills them: names and values, 3 bytes per map plus 1 per entry, numbers by digits', () => {
    expect(dynamoItemBytes({ pk: 'MSG#1', n: 1_800_000_000 })).toBe(2 + 5 + 1 + 2);
    expect(dynamoItemBytes({ tags: { campaign: 'nov', batch: null } })).toBe(4 + 3 + (1 + 8 + 3) + (1 + 5 + 1));
    expect(dynamoItemBytes({ s: 'é' })).toBe(1 + 2);
    expect(writeUnits({ s: 'x'.repeat(1023) })).toBe(1);
    expect(writeUnits({ s: 'x'.repeat(1024) })).toBe(2);
  });

  it('hashes contents by canonical JSON and remembers a bounded number of stored bodies, least recently used first out', () => {
    expect(canonicalJson({ b: 1, a: [{ d: 'x', c: undefined }], e: null })).toBe('{"a":[{"d":"x"}],"b":1,"e":null}');
    const known = new KnownBodies(2);
    known.remember('a', 10);
    known.remember('b', 20);
    expect(known.expiryOf('a')).toBe(10); // a is now the most recently used
    known.remember('c', 30);
    expect([known.expiryOf('a'), known.expiryOf('b'), known.expiryOf('c')]).toEqual([10, undefined, 30]);
    known.remember('c', 5); // a lower bound never lowers what is known
    expect(known.expiryOf('c')).toBe(30);
    expect(known.size).toBe(2);
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
