import { describe, expect, it } from 'vitest';
import { SendRefusedError } from '../../shared/app/retry-ports.js';
import { createSendMessage, newSendScope } from '../../shared/app/send.js';
import { RETRY_BODY_TAG, type AddressState } from '../../shared/domain/index.js';
import { FakeAddresses, RecordingLogger } from '../support/fakes.js';
import { FakeMessages, FakePauses, FakeSender } from '../support/retry-fakes.js';
import { messageHash } from '../../shared/adapters/outbound/message-bodies.js';
import { fakeErasure } from '../support/erasure-fakes.js';

const NOW = new Date('2026-11-20T12:00:00.000Z');

function setup() {
  const addresses = new FakeAddresses();
  const deps = {
    addresses,
    pauses: new FakePauses(),
    sender: new FakeSender(),
    messages: new FakeMessages(),
    logger: new RecordingLogger(),
    erasure: fakeErasure(addresses),
  };
  return { ...deps, send: createSendMessage(deps) };
}

const request = (to: string, campaign: string | null = 'spring') => ({
  to,
  from: 'news@mail.example.com',
  content: { kind: 'template' as const, template: 'spring-offer', templateData: '{"name":"Kim"}' },
  tags: { campaign, batch: 'b1', source: 'web' },
});

const stateOf = (email: string, status: AddressState['status']): AddressState => ({
  email,
  status,
  reason: status === 'review' ? 'policy-block-review' : 'hard-bounce',
  category: null,
  rule: null,
  smtpCode: null,
  enhancedCode: null,
  diagnostic: null,
  provider: null,
  campaign: null,
  messageId: null,
  feedbackId: null,
  firstSeenAt: NOW.toISOString(),
  lastSeenAt: NOW.toISOString(),
  count: 1,
  releasedAt: null,
  releasedBy: null,
  releaseReason: null,
  appliedEventIds: [],
  lastChange: null,
  version: 1,
});

describe('send path', () => {
  it('keeps the message once under its hash before sending, names it in a retry-body tag, and writes nothing per send', async () => {
    const { send, sender, messages } = setup();
    let storedBeforeSend = false;
    const ses = sender.send.bind(sender);
    sender.send = async (email) => {
      storedBeforeSend = messages.stored.size === 1;
      return ses(email);
    };
    const result = await send(request(' Kim@Example.org'), NOW);
    expect(result).toEqual({ to: 'kim@example.org', status: 'sent', messageId: 'ses-1', retriable: true });
    const hash = messageHash({ from: 'news@mail.example.com', content: request('x').content });
    expect(storedBeforeSend).toBe(true);
    expect(sender.sent[0]).toMatchObject({
      to: 'kim@example.org',
      tags: { campaign: 'spring', batch: 'b1', source: 'web' },
      extraTags: { [RETRY_BODY_TAG]: hash },
    });
    expect(messages.stored.get(hash)).toEqual({ from: 'news@mail.example.com', content: request('x').content });
    // A second recipient of the same message names the same stored copy.
    await send(request('lee@example.org'), NOW);
    expect(messages.stored.size).toBe(1);
    expect(sender.sent[1]?.extraTags).toEqual({ [RETRY_BODY_TAG]: hash });
  });

  it.each([
    ['suppressed', 'address-suppressed'],
    ['review', 'address-in-review'],
  ] as const)('refuses an address that is %s, without sending', async (status, reason) => {
    const { send, sender, addresses } = setup();
    addresses.states.set('kim@example.org', stateOf('kim@example.org', status));
    expect(await send(request('kim@example.org'), NOW)).toEqual({ to: 'kim@example.org', status: 'refused', reason });
    expect(sender.sent).toEqual([]);
  });

  it('sends to a released address', async () => {
    const { send, addresses } = setup();
    addresses.states.set('kim@example.org', stateOf('kim@example.org', 'released'));
    expect(await send(request('kim@example.org'), NOW)).toMatchObject({ status: 'sent' });
  });

  it('refuses a paused campaign and an invalid address; other campaigns still go', async () => {
    const { send, sender, pauses } = setup();
    pauses.pausedByHand('spring');
    expect(await send(request('kim@example.org'), NOW)).toEqual({ to: 'kim@example.org', status: 'refused', reason: 'campaign-paused' });
    expect(await send(request('not an address', 'autumn'), NOW)).toEqual({
      to: 'not an address',
      status: 'refused',
      reason: 'invalid-address',
    });
    expect(await send(request('kim@example.org', 'autumn'), NOW)).toMatchObject({ status: 'sent' });
    expect(sender.sent).toHaveLength(1);
  });

  it("reads each campaign's pause once per invocation; a pause holds from the next invocation; a failed read is read again", async () => {
    const { send, sender, pauses } = setup();
    let reads = 0;
    let failNext = false;
    const isPaused = pauses.isPaused.bind(pauses);
    pauses.isPaused = async (campaign: string) => {
      reads++;
      if (failNext) {
        failNext = false;
        throw new Error('throttled');
      }
      return isPaused(campaign);
    };
    const first = newSendScope();
    await Promise.all(Array.from({ length: 10 }, (_, i) => send(request(`a${i}@example.org`), NOW, first)));
    await send(request('b@example.org', 'autumn'), NOW, first);
    expect(reads).toBe(2); // spring and autumn, once each
    pauses.pausedByHand('spring');
    const second = newSendScope();
    expect(await send(request('c@example.org'), NOW, second)).toMatchObject({ status: 'refused', reason: 'campaign-paused' });
    expect(sender.sent).toHaveLength(11);
    // Without a scope every message reads (the retry path's and a caller's own choice).
    await send(request('d@example.org', 'autumn'), NOW);
    await send(request('e@example.org', 'autumn'), NOW);
    expect(reads).toBe(5);
    failNext = true;
    const third = newSendScope();
    await expect(send(request('f@example.org', 'autumn'), NOW, third)).rejects.toThrow('throttled');
    expect(await send(request('g@example.org', 'autumn'), NOW, third)).toMatchObject({ status: 'sent' });
    expect(reads).toBe(7);
  });

  it('SES refusing the message is a refused result; an unknown outcome is thrown', async () => {
    const { send, sender } = setup();
    sender.failWith = new SendRefusedError('MessageRejected', 'Email address is not verified.');
    expect(await send(request('kim@example.org'), NOW)).toEqual({
      to: 'kim@example.org',
      status: 'refused',
      reason: 'ses-refused: MessageRejected',
    });
    sender.failWith = new Error('socket hang up');
    await expect(send(request('kim@example.org'), NOW)).rejects.toThrow('socket hang up');
  });

  it('a message that could not be stored is still sent, without the tag, reported not retriable; the log carries no address', async () => {
    const { send, sender, messages, logger } = setup();
    messages.failWith = new Error('ProvisionedThroughputExceeded for kim@example.org');
    expect(await send(request('kim@example.org'), NOW)).toEqual({
      to: 'kim@example.org',
      status: 'sent',
      messageId: 'ses-1',
      retriable: false,
    });
    expect(sender.sent[0]?.extraTags).toBeUndefined();
    expect(JSON.stringify(logger.entries)).not.toContain('kim@example.org');
    expect(logger.entries[0]).toMatchObject({ message: 'Message not stored for retries', extra: { errorName: 'Error' } });
  });
});
