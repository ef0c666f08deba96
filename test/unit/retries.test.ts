import { describe, expect, it } from 'vitest';
import { STORY_WORLD } from '../support/worlds.js';
import { SendRefusedError } from '../../shared/app/retry-ports.js';
import { MAX_STORED_CONTENT_BYTES } from '../../shared/app/send.js';
import { RetryLoop } from '../support/retry-loop.js';
import {
  PAUSED_RECHECK_SECONDS,
  RETRY_WINDOW_SECONDS,
  SEND_EVIDENCE_WAIT_SECONDS,
  SWEEP_EVERY_SECONDS,
} from '../../shared/domain/index.js';

const world = STORY_WORLD;

describe('the retry loop over the use cases (fakes, virtual clock)', () => {
  it('hard bounce: one send, suppressed, no retry', async () => {
    const loop = new RetryLoop(world);
    expect(await loop.send('dead@example.org')).toMatchObject({ status: 'sent' });
    await loop.run();
    expect(loop.sender.sendsTo('dead@example.org')).toBe(1);
    expect(loop.addresses.states.get('dead@example.org')).toMatchObject({ status: 'suppressed', reason: 'hard-bounce' });
    expect(loop.retries.states.size).toBe(0);
  });

  it('two soft bounces then delivered: three sends of the same message, linked to the original, not suppressed', async () => {
    const loop = new RetryLoop(world);
    const first = await loop.send('twice@example.org');
    if (first.status !== 'sent') throw new Error('not sent');
    await loop.run();
    const sends = loop.sender.sent.filter((s) => s.to === 'twice@example.org');
    expect(sends).toHaveLength(3);
    const [stored] = loop.messages.stored.keys();
    // Every send names the one stored message; the retries also name their original and attempt.
    expect(sends.map((s) => s.extraTags ?? {})).toEqual([
      { 'retry-body': stored },
      { 'retry-of': first.messageId, 'retry-attempt': '1', 'retry-body': stored },
      { 'retry-of': first.messageId, 'retry-attempt': '2', 'retry-body': stored },
    ]);
    expect(sends.every((s) => s.from === 'news@mail.example.com' && s.tags.batch === 'b1')).toBe(true);
    expect(sends.every((s) => s.content.kind === 'simple' && s.content.subject === 'Spring news')).toBe(true);
    expect(loop.retries.only()).toMatchObject({
      originalMessageId: first.messageId,
      attempt: 2,
      status: 'delivered',
      lastMessageId: sends[2]?.messageId,
    });
    expect(loop.addresses.states.get('twice@example.org')?.status ?? null).toBeNull();
    // Nothing is written per send: the retry state holds what the retries needed.
    expect(loop.outbound.records.size).toBe(0);
    expect(loop.retries.only()).toMatchObject({ bodyHash: stored, batch: 'b1', source: null });
    // Mailbox-full waits 6–12 h per attempt: each attempt was one timer message, enqueued by a sweep
    // with its exact delay (no chain of 15-minute hops, no early arrival).
    expect(loop.timers.sends).toBe(2);
    expect(loop.timerResults).toEqual(['sent', 'sent']);
  });

  it('mailbox full forever: retried until the soft-bounce window holds the address, then the due attempt is skipped', async () => {
    const loop = new RetryLoop(world);
    await loop.send('full@example.org');
    await loop.run();
    // Original + 3 retries: the fourth soft bounce inside 72 h puts the address in review.
    expect(loop.sender.sendsTo('full@example.org')).toBe(4);
    expect(loop.addresses.states.get('full@example.org')).toMatchObject({ status: 'review', reason: 'soft-bounce-threshold' });
    expect(loop.retries.only()).toMatchObject({ attempt: 4, status: 'skipped', reason: 'address-in-review' });
  });

  it('a failure retried up to its category maximum goes to review with the reason (service-unavailable: 3 retries)', async () => {
    const loop = new RetryLoop(world);
    await loop.send('busy@example.org');
    await loop.run();
    expect(loop.sender.sendsTo('busy@example.org')).toBe(4);
    expect(loop.addresses.states.get('busy@example.org')).toMatchObject({ status: 'review', reason: 'retries-exhausted' });
    expect(loop.retries.only()).toMatchObject({
      attempt: 3,
      status: 'gave-up',
      reason: 'service-unavailable: 3 retries made, still failing',
    });
    const history = await loop.addresses.history('busy@example.org', 5);
    expect(history[0]).toMatchObject({ signal: 'retries-exhausted', note: 'service-unavailable: 3 retries made, still failing' });
  });

  it('complaint: suppressed, and the next campaign send is refused', async () => {
    const loop = new RetryLoop(world);
    await loop.send('angry@example.org');
    await loop.run();
    expect(loop.addresses.states.get('angry@example.org')).toMatchObject({ status: 'suppressed', reason: 'complaint' });
    expect(await loop.send('angry@example.org', 'summer')).toEqual({
      to: 'angry@example.org',
      status: 'refused',
      reason: 'address-suppressed',
    });
    expect(loop.sender.sendsTo('angry@example.org')).toBe(1);
  });

  it('an address suppressed before the campaign: 0 sends, refused', async () => {
    const loop = new RetryLoop(world);
    await loop.send('dead@example.org', 'first');
    await loop.run();
    const before = loop.sender.sent.length;
    expect(await loop.send('Dead@Example.org ', 'second')).toEqual({
      to: 'dead@example.org',
      status: 'refused',
      reason: 'address-suppressed',
    });
    expect(loop.sender.sent.length).toBe(before);
  });
});

/** Runs the loop until the first retry attempt is due, with its timer in hand (not yet run). */
async function untilFirstDue(loop: RetryLoop) {
  await loop.send('full@example.org');
  for (;;) {
    const next = loop.peek();
    const state = [...loop.retries.states.values()][0];
    if (next === null) throw new Error('nothing left to run');
    if (state && next.kind === 'timer' && next.at >= Date.parse(state.dueAt)) break;
    await loop.step();
  }
  const state = loop.retries.only();
  loop.now = new Date(state.dueAt);
  const timers = loop.timers.takeVisible();
  expect(timers).toHaveLength(1);
  return { state, timer: timers[0] as NonNullable<(typeof timers)[0]> };
}

describe('connection timeouts across retries', () => {
  it('join the domain delay records the health job reads, and persisting after a retry is logged once, naming the domain', async () => {
    const timeout = { bounce: { bounceType: 'Transient', status: '4.4.7', diagnosticCode: 'smtp; 4.4.7 Message expired' } } as const;
    const loop = new RetryLoop([{ address: 'kate@slowdomain.example', responses: [timeout] }]);
    await loop.send('kate@slowdomain.example');
    await loop.run();
    // connection-timeout: 3 retries, then review.
    expect(loop.sender.sendsTo('kate@slowdomain.example')).toBe(4);
    expect(loop.campaigns.delays.map((d) => [d.domain, d.category, d.enhancedCode])).toEqual(
      Array(4).fill(['slowdomain.example', 'connection-timeout', '4.4.7']),
    );
    const escalations = loop.logger.entries.filter(
      (e) => e.message === 'Connection timeouts persist for a receiving domain across retries',
    );
    expect(escalations).toHaveLength(1);
    expect(escalations[0]?.extra).toMatchObject({
      domain: 'slowdomain.example',
      address: 'k***@slowdomain.example',
      attempt: 1,
      enhancedCode: '4.4.7',
    });
    expect(JSON.stringify(loop.logger.entries)).not.toContain('kate@');
  });
});

describe('exactly one send per attempt', () => {
  it('a duplicated timer message sends once', async () => {
    const loop = new RetryLoop(world);
    const { timer } = await untilFirstDue(loop);
    expect(await loop.runTimer(timer, loop.now)).toBe('sent');
    expect(await loop.runTimer(timer, loop.now)).toBe('dropped');
    expect(loop.sender.sendsTo('full@example.org')).toBe(2);
  });

  it('two instances racing on the same due timer: one claims and sends, the other loses', async () => {
    const loop = new RetryLoop(world);
    const { timer } = await untilFirstDue(loop);
    const results = await Promise.all([loop.runTimer(timer, loop.now), loop.runTimer(timer, loop.now)]);
    expect(results.sort()).toEqual(['lost-race', 'sent']);
    expect(loop.sender.sendsTo('full@example.org')).toBe(2);
  });

  it('a crash between the SES call and the state update: the redelivered timer waits for the Send event and never sends again', async () => {
    const loop = new RetryLoop(world);
    const { timer } = await untilFirstDue(loop);
    loop.sender.crashAfterAccept = true;
    await expect(loop.runTimer(timer, loop.now)).rejects.toThrow('socket hang up');
    expect(loop.retries.only()).toMatchObject({ status: 'sending', attempt: 1 });
    // The queue redelivers the timer before SES's Send event is processed: it waits, sending nothing.
    expect(await loop.runTimer(timer, loop.now)).toBe('awaiting-outcome');
    await loop.run(0.5); // the world's events (Send, Bounce)
    expect(loop.retries.only().attempt).toBe(2); // the attempt was confirmed by its Send event, its bounce scheduled the next
    expect(loop.sender.sendsTo('full@example.org')).toBe(2);
  });

  it('a crash between the SES call and the state write, then a 30-minute notification backlog: the attempt is sent once', async () => {
    const loop = new RetryLoop(world);
    const { timer } = await untilFirstDue(loop);
    loop.sender.crashAfterAccept = true;
    loop.notificationBacklogMs = 30 * 60_000; // SES accepted it; its events wait 30 minutes in the queue
    await expect(loop.runTimer(timer, loop.now)).rejects.toThrow('socket hang up');
    loop.notificationBacklogMs = 0;
    // The timer comes back after the queue's visibility timeout, and again 15 minutes later: no evidence yet, no takeover.
    for (const minutes of [3, 15]) {
      loop.now = new Date(loop.now.getTime() + minutes * 60_000);
      expect(await loop.runTimer(timer, loop.now)).toBe('awaiting-outcome');
    }
    await loop.run(); // sweeps every 5 minutes, the late Send event, the rest of the story
    const attempt1 = loop.sender.sent.filter((s) => s.to === 'full@example.org' && s.extraTags?.['retry-attempt'] === '1');
    expect(attempt1).toHaveLength(1);
    expect(loop.retries.only().attempt).toBeGreaterThan(1);
  });

  it('a crash after the claim but before SES got the message: sent once after the evidence wait, not lost', async () => {
    const loop = new RetryLoop(world);
    const { timer } = await untilFirstDue(loop);
    loop.sender.failWith = new Error('connect ETIMEDOUT');
    await expect(loop.runTimer(timer, loop.now)).rejects.toThrow('ETIMEDOUT');
    loop.sender.failWith = null;
    expect(await loop.runTimer(timer, loop.now)).toBe('awaiting-outcome');
    const due = loop.now.getTime();
    await loop.run(2);
    expect(loop.sender.sendsTo('full@example.org')).toBe(2);
    const retry = loop.sender.sent.at(-1);
    expect(retry?.extraTags).toMatchObject({ 'retry-attempt': '1' });
    expect(loop.timerResults).toContain('sent');
    // Taken over only once no event of the attempt came for SEND_EVIDENCE_WAIT_SECONDS.
    const sentAt = loop.sentAt.get(retry?.messageId ?? '')?.getTime() ?? NaN;
    expect(sentAt - due).toBeGreaterThanOrEqual(SEND_EVIDENCE_WAIT_SECONDS * 1000);
    expect(sentAt - due).toBeLessThan((SEND_EVIDENCE_WAIT_SECONDS + SWEEP_EVERY_SECONDS) * 1000);
  });

  it('an attempt claimed after its window closed is not sent: it gives up and the address goes to review', async () => {
    const loop = new RetryLoop(world);
    const { timer, state } = await untilFirstDue(loop);
    // The timer comes after the 72 h window closed (a backlog, a stopped sweeper).
    loop.now = new Date(Date.parse(state.firstFailureAt) + RETRY_WINDOW_SECONDS * 1000 + 60_000);
    expect(await loop.runTimer(timer, loop.now)).toBe('gave-up');
    expect(loop.sender.sendsTo('full@example.org')).toBe(1);
    expect(loop.retries.only()).toMatchObject({ attempt: 1, status: 'gave-up' });
    expect(loop.retries.only().reason).toContain('window closed');
    expect(loop.addresses.states.get('full@example.org')).toMatchObject({ status: 'review', reason: 'retries-exhausted' });
  });

  it('a duplicate sweep enqueues the timer twice, and the attempt is sent once', async () => {
    const loop = new RetryLoop(world);
    loop.nextSweepAt = null; // sweeps by hand
    await loop.send('full@example.org');
    await loop.run(1); // the original's Send and Bounce: attempt 1 is due 6–12 h later, in the due index
    const { dueAt } = loop.retries.only();
    loop.now = new Date(Date.parse(dueAt) - 10 * 60_000);
    // Two sweeps at once (the schedule fired twice): neither has seen the other's cursor.
    const cursor = await loop.retries.sweptUntil();
    await loop.sweep(loop.now);
    await loop.retries.markSweptUntil(cursor ?? new Date(0), { reset: true });
    await loop.sweep(loop.now);
    expect(loop.timers.enqueued).toHaveLength(2);
    loop.now = new Date(dueAt);
    const timers = loop.timers.takeVisible();
    const results = [];
    for (const timer of timers) results.push(await loop.runTimer(timer, loop.now));
    expect(results).toEqual(['sent', 'dropped']);
    expect(loop.sender.sendsTo('full@example.org')).toBe(2);
  });

  it('a suppression arriving between scheduling and due time cancels the retry', async () => {
    const loop = new RetryLoop(world);
    const { timer } = await untilFirstDue(loop);
    await loop.ingest({
      eventType: 'Complaint',
      complaint: {
        feedbackId: 'fb-late',
        complainedRecipients: [{ emailAddress: 'full@example.org' }],
        complaintFeedbackType: 'abuse',
        timestamp: loop.now.toISOString(),
      },
      mail: {
        messageId: 'other-message',
        timestamp: loop.now.toISOString(),
        destination: ['full@example.org'],
        tags: { campaign: ['spring'] },
      },
    });
    expect(await loop.runTimer(timer, loop.now)).toBe('skipped');
    expect(loop.retries.only()).toMatchObject({ status: 'skipped', reason: 'address-suppressed' });
    expect(loop.sender.sendsTo('full@example.org')).toBe(1);
  });

  it('a paused campaign: the due attempt waits, unsent and scheduled again 15 minutes on', async () => {
    const loop = new RetryLoop(world);
    const { timer, state } = await untilFirstDue(loop);
    loop.pauses.pausedByHand('spring');
    expect(await loop.runTimer(timer, loop.now)).toBe('waiting-for-resume');
    expect(loop.sender.sendsTo('full@example.org')).toBe(1);
    expect(loop.retries.only()).toMatchObject({
      attempt: 1,
      status: 'scheduled',
      dueAt: new Date(loop.now.getTime() + PAUSED_RECHECK_SECONDS * 1000).toISOString(),
      sendingSince: null,
      version: state.version + 2,
    });
    // The runner enqueued the recheck itself: one timer, one queue delay.
    expect(loop.timers.enqueued.map((e) => e.delaySeconds)).toEqual([PAUSED_RECHECK_SECONDS]);
  });

  it('pause, due, two hours paused, resume: the attempt goes out once at the next recheck', async () => {
    const loop = new RetryLoop(world);
    const { timer } = await untilFirstDue(loop);
    const dueAt = loop.now.getTime();
    await loop.pauses.pause({
      campaign: 'spring',
      reason: 'checking',
      actor: 'tester',
      pausedAt: loop.now.toISOString(),
      automatic: false,
    });
    expect(await loop.runTimer(timer, loop.now)).toBe('waiting-for-resume');
    await loop.run(2);
    expect(loop.sender.sendsTo('full@example.org')).toBe(1);
    expect(loop.timerResults.every((r) => r === 'waiting-for-resume')).toBe(true);
    expect(loop.timerResults.length).toBeGreaterThanOrEqual(7);
    expect(loop.retries.only()).toMatchObject({ attempt: 1, status: 'scheduled' });
    await loop.pauses.resume('spring');
    const resumedAt = loop.now.getTime();
    while (loop.sender.sendsTo('full@example.org') < 2) await loop.step();
    expect(loop.now.getTime() - resumedAt).toBeLessThanOrEqual(PAUSED_RECHECK_SECONDS * 1000);
    expect(loop.now.getTime() - dueAt).toBeGreaterThanOrEqual(2 * 3600 * 1000);
    const attempts = loop.sender.sent.filter((s) => s.extraTags?.['retry-attempt'] === '1');
    expect(attempts).toHaveLength(1);
    expect(loop.retries.only()).toMatchObject({ attempt: 1, status: 'sent', lastMessageId: attempts[0]?.messageId });
  });

  it('paused until the window closes: never sent, given up and the address held for review', async () => {
    const loop = new RetryLoop(world);
    const { timer, state } = await untilFirstDue(loop);
    loop.pauses.pausedByHand('spring');
    expect(await loop.runTimer(timer, loop.now)).toBe('waiting-for-resume');
    await loop.run(80);
    expect(loop.sender.sendsTo('full@example.org')).toBe(1);
    expect(loop.retries.only()).toMatchObject({
      attempt: 1,
      status: 'gave-up',
      reason: 'mailbox-full: attempt 1 still unsent when the 72 h window closed',
    });
    expect(loop.addresses.states.get('full@example.org')).toMatchObject({ status: 'review', reason: 'retries-exhausted' });
    // It waited to the window's end exactly (a resume in its last minutes would still send it), then one recheck more.
    expect(loop.now.getTime()).toBe(Date.parse(state.firstFailureAt) + RETRY_WINDOW_SECONDS * 1000 + PAUSED_RECHECK_SECONDS * 1000);
    expect(loop.peek()).toBeNull();
  });

  it('an address suppressed while the campaign is paused still ends the attempt skipped', async () => {
    const loop = new RetryLoop(world);
    const { timer } = await untilFirstDue(loop);
    loop.pauses.pausedByHand('spring');
    await loop.ingest({
      eventType: 'Complaint',
      complaint: {
        feedbackId: 'fb-paused',
        complainedRecipients: [{ emailAddress: 'full@example.org' }],
        complaintFeedbackType: 'abuse',
        timestamp: loop.now.toISOString(),
      },
      mail: {
        messageId: 'other-message',
        timestamp: loop.now.toISOString(),
        destination: ['full@example.org'],
        tags: { campaign: ['spring'] },
      },
    });
    expect(await loop.runTimer(timer, loop.now)).toBe('skipped');
    expect(loop.retries.only()).toMatchObject({ status: 'skipped', reason: 'address-suppressed' });
  });

  it('SES refusing the retry for good ends the attempt instead of leaving it unknown', async () => {
    const loop = new RetryLoop(world);
    const { timer } = await untilFirstDue(loop);
    loop.sender.failWith = new SendRefusedError('MessageRejected', 'Email address is not verified');
    expect(await loop.runTimer(timer, loop.now)).toBe('refused-by-ses');
    expect(loop.retries.only()).toMatchObject({ status: 'skipped', reason: 'ses-refused: MessageRejected' });
  });
});

describe('messages this pipeline cannot send again', () => {
  it('a message sent outside the send path: at due time a "retry due" event is published instead', async () => {
    const loop = new RetryLoop(world);
    const sentAt = loop.now.toISOString();
    await loop.ingest({
      eventType: 'Bounce',
      bounce: {
        feedbackId: 'fb-ext',
        bounceType: 'Transient',
        bounceSubType: 'General',
        bouncedRecipients: [{ emailAddress: 'full@example.org', status: '4.2.2', diagnosticCode: 'smtp; 452 4.2.2 Mailbox full' }],
        timestamp: sentAt,
      },
      mail: { messageId: 'external-1', timestamp: sentAt, destination: ['full@example.org'], tags: { campaign: ['own-sender'] } },
    });
    await loop.run();
    expect(loop.sender.sent).toHaveLength(0);
    const state = loop.retries.only();
    expect(loop.retryDue.events).toEqual([
      {
        type: 'retry-due',
        address: 'full@example.org',
        originalMessageId: 'external-1',
        category: 'mailbox-full',
        attempt: 1,
        dueAt: state.dueAt,
        campaign: 'own-sender',
        dedupeKey: 'external-1#1',
      },
    ]);
    expect(Date.parse(state.dueAt) - Date.parse(sentAt)).toBeGreaterThanOrEqual(6 * 3600 * 1000);
    expect(state.status).toBe('published');
  });

  it('a state write failing after "retry due" was published: the timer publishes it again with the same dedupe key', async () => {
    const loop = new RetryLoop(world);
    const { timer, state } = await untilFirstDue(loop);
    loop.messages.stored.clear(); // its stored message is gone: the retry is published
    loop.retries.beforePut = (next) => {
      if (next.status === 'published') throw new Error('DynamoDB unavailable');
    };
    await expect(loop.runTimer(timer, loop.now)).rejects.toThrow('DynamoDB unavailable');
    loop.retries.beforePut = null;
    // The timer comes back after the evidence wait (no event can come for a publish): claimed again.
    loop.now = new Date(loop.now.getTime() + SEND_EVIDENCE_WAIT_SECONDS * 1000);
    expect(await loop.runTimer(timer, loop.now)).toBe('published');
    const keys = loop.retryDue.events.map((e) => e.dedupeKey);
    expect(keys).toEqual([`${state.originalMessageId}#${state.attempt}`, `${state.originalMessageId}#${state.attempt}`]);
    expect(loop.retries.only().status).toBe('published');
  });

  it('a message over the stored-size limit is sent, marked not retriable, and its retry is published', async () => {
    const loop = new RetryLoop(world);
    const big = { kind: 'raw' as const, mime: 'x'.repeat(MAX_STORED_CONTENT_BYTES + 1) };
    const result = await loop.send('full@example.org', 'spring', big);
    expect(result).toMatchObject({ status: 'sent', retriable: false });
    const small = await loop.send('twice@example.org', 'spring', { kind: 'raw', mime: 'x'.repeat(MAX_STORED_CONTENT_BYTES - 100) });
    expect(small).toMatchObject({ status: 'sent', retriable: true });
    await loop.run(13);
    expect(loop.retryDue.events.map((e) => e.address)).toEqual(['full@example.org']);
    expect(loop.sender.sendsTo('full@example.org')).toBe(1);
  });
});
