import { describe, expect, it } from 'vitest';
import { parseNotification, recipientOutcomes, type SesEvent } from '../../shared/domain/index.js';
import { notificationFixture, notificationFixtureNames } from '../support/corpus.js';

function eventOf(input: unknown): SesEvent {
  const result = parseNotification(input);
  if (!result.ok) throw result.error;
  if (result.value.kind !== 'event') throw new Error(`ignored: ${result.value.reason}`);
  return result.value.event;
}

describe('parseNotification', () => {
  it('reads every corpus notification without error', () => {
    for (const name of notificationFixtureNames()) {
      const result = parseNotification(JSON.stringify(notificationFixture(name)));
      expect(result.ok, name).toBe(true);
    }
  });

  it.each([
    ['event-bounce-permanent.json', 'Bounce', 'event-publishing', 2],
    ['identity-bounce-transient.json', 'Bounce', 'notification', 1],
    ['event-complaint.json', 'Complaint', 'event-publishing', 1],
    ['identity-complaint-no-feedback.json', 'Complaint', 'notification', 1],
    ['event-delivery.json', 'Delivery', 'event-publishing', 1],
    ['event-send.json', 'Send', 'event-publishing', 1],
    ['event-reject.json', 'Reject', 'event-publishing', 1],
    ['event-delivery-delay.json', 'DeliveryDelay', 'event-publishing', 1],
    ['sns-envelope-bounce.json', 'Bounce', 'event-publishing', 2],
  ] as const)('%s is a %s (%s) with %i recipient(s)', (name, eventType, format, recipients) => {
    const event = eventOf(JSON.stringify(notificationFixture(name)));
    expect(event.eventType).toBe(eventType);
    expect(event.format).toBe(format);
    expect(recipientOutcomes(event)).toHaveLength(recipients);
  });

  it.each([
    ['event-open.json', /Open/],
    ['sns-subscription-confirmation.json', /SubscriptionConfirmation/],
  ])('%s is recognised and ignored', (name, reason) => {
    const result = parseNotification(JSON.stringify(notificationFixture(name)));
    expect(result.ok && result.value.kind === 'ignored' && reason.test(result.value.reason)).toBe(true);
  });

  it('reads an envelope re-published inside another, and ignores a wrapped SNS confirmation', () => {
    const envelope = JSON.stringify(notificationFixture('sns-envelope-bounce.json'));
    expect(eventOf({ Type: 'Notification', Message: envelope }).eventType).toBe('Bounce');
    const confirmation = JSON.stringify(notificationFixture('sns-subscription-confirmation.json'));
    expect(parseNotification({ Type: 'Notification', Message: confirmation })).toMatchObject({ ok: true, value: { kind: 'ignored' } });
  });

  it('ignores Click, Rendering Failure, Subscription and future event types', () => {
    for (const eventType of ['Click', 'Rendering Failure', 'Subscription', 'SomethingNew2027']) {
      const result = parseNotification({ eventType, mail: { messageId: 'm', timestamp: 't' } });
      expect(result).toMatchObject({ ok: true, value: { kind: 'ignored' } });
    }
  });

  it('accepts an SNS envelope wrapping an identity notification, and an already-parsed object', () => {
    const inner = notificationFixture('identity-bounce-transient.json');
    const envelope = { Type: 'Notification', MessageId: 'x', Message: JSON.stringify(inner) };
    expect(eventOf(JSON.stringify(envelope)).eventType).toBe('Bounce');
    expect(eventOf(inner).eventType).toBe('Bounce');
  });

  it('normalises times to ISO UTC and falls back to the send time for a bad event time', () => {
    const bounce = notificationFixture('event-bounce-permanent.json') as { bounce: Record<string, unknown>; mail: Record<string, unknown> };
    const event = eventOf({
      ...bounce,
      mail: { ...bounce.mail, timestamp: '2026-11-20T11:00:00+01:00' },
      bounce: { ...bounce.bounce, timestamp: 'garbage' },
    });
    expect(event.mail.timestamp).toBe('2026-11-20T10:00:00.000Z');
    expect(event.occurredAt).toBe('2026-11-20T10:00:00.000Z');
  });

  it('tolerates fields SES adds later', () => {
    const bounce = notificationFixture('event-bounce-permanent.json') as Record<string, Record<string, unknown>>;
    const extended = { ...bounce, newTopLevel: { a: 1 }, bounce: { ...bounce.bounce, futureField: [1, 2] } };
    expect(eventOf(extended).eventType).toBe('Bounce');
  });

  it.each([
    ['not json', 'not valid JSON'],
    ['42', 'expected a JSON object'],
    ['[1,2]', 'expected a JSON object'],
    ['{"hello":"world"}', 'no eventType or notificationType'],
    ['{"Type":"Notification","Message":"not json"}', 'SNS Message is not valid JSON'],
    ['{"Type":"Notification"}', 'without a Message string'],
    ['{"eventType":"Send","mail":{"messageId":"m","timestamp":"yesterday"}}', 'invalid mail.timestamp'],
    ['{"eventType":"Bounce"}', 'without a usable mail object'],
    ['{"eventType":"Bounce","mail":{"messageId":"m","timestamp":"2026-11-20T10:00:00Z"}}', 'invalid "bounce" object'],
    [
      '{"eventType":"Bounce","mail":{"messageId":"m","timestamp":"2026-11-20T10:00:00Z"},"bounce":{"feedbackId":"f","bounceType":"Permanent","bouncedRecipients":[]}}',
      'bounce.bouncedRecipients',
    ],
    [
      '{"notificationType":"Complaint","mail":{"messageId":"m","timestamp":"2026-11-20T10:00:00Z"},"complaint":{"complainedRecipients":[{"emailAddress":"a@b.c"}]}}',
      'complaint.feedbackId',
    ],
    // Paths inside lists and tags name the entry.
    [
      '{"eventType":"Bounce","mail":{"messageId":"m","timestamp":"2026-11-20T10:00:00Z"},"bounce":{"feedbackId":"f","bounceType":"Permanent","bouncedRecipients":[{"emailAddress":"a@b.c"},{"emailAddress":7}]}}',
      '(bounce.bouncedRecipients.1.emailAddress: expected a string)',
    ],
    [
      '{"eventType":"Send","mail":{"messageId":"m","timestamp":"2026-11-20T10:00:00Z","tags":{"campaign":["a",null]}}}',
      '(mail.tags.campaign.1: expected a string)',
    ],
    [
      '{"eventType":"Send","mail":{"messageId":"m","timestamp":"2026-11-20T10:00:00Z","destination":"a@b.c"}}',
      '(mail.destination: expected an array)',
    ],
    [
      '{"eventType":"Delivery","mail":{"messageId":"m","timestamp":"2026-11-20T10:00:00Z"},"delivery":{"recipients":[[]]}}',
      '(delivery.recipients.0: expected a string)',
    ],
    ['{"eventType":"Bounce","mail":[],"bounce":{}}', 'without a usable mail object (mail: expected an object)'],
  ])('rejects %s with a clear reason', (body, reason) => {
    const result = parseNotification(body);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.name).toBe('InvalidNotificationError');
      expect(result.error.reason).toContain(reason);
    }
  });
});

describe('recipientOutcomes', () => {
  it('decides every bounced recipient, not only the first, with tags and stable ids', () => {
    const outcomes = recipientOutcomes(eventOf(notificationFixture('event-bounce-permanent.json')));
    expect(outcomes.map((o) => [o.recipient, o.decision.category])).toEqual([
      ['kim.lee@gmail.com', 'invalid-address'],
      ['buyer@gmail.com', 'reputation-block'],
    ]);
    expect(outcomes[0]?.tags).toEqual({ campaign: 'nov-offers', batch: 'import-2026-10', source: 'webinar' });
    expect(outcomes[0]?.eventId).toBe('Bounce:0100019a2b3c4d60-aaaa-bbbb-cccc-ddddeeeeffff-000000:kim.lee@gmail.com');
    expect(outcomes[0]?.occurredAt).toBe('2026-11-20T10:00:02.000Z');
  });

  it('gives the same ids to the raw and the SNS-wrapped copy of one bounce', () => {
    const raw = recipientOutcomes(eventOf(notificationFixture('event-bounce-permanent.json'))).map((o) => o.eventId);
    const wrapped = recipientOutcomes(eventOf(notificationFixture('sns-envelope-bounce.json'))).map((o) => o.eventId);
    expect(wrapped).toEqual(raw);
  });

  it('reads tag names from configuration', () => {
    const outcomes = recipientOutcomes(eventOf(notificationFixture('event-bounce-permanent.json')), {
      campaign: 'batch',
      batch: 'nope',
      source: 'source',
    });
    expect(outcomes[0]?.tags).toEqual({ campaign: 'import-2026-10', batch: null, source: 'webinar' });
  });

  it('suppresses complaints, but not not-spam feedback nor complaints SES never sent', () => {
    const complaint = notificationFixture('event-complaint.json') as { complaint: Record<string, unknown> };
    const decide = (extra: Record<string, unknown>) =>
      recipientOutcomes(eventOf({ ...complaint, complaint: { ...complaint.complaint, ...extra } }))[0]?.decision;
    expect(decide({})).toMatchObject({ category: 'complaint', action: 'suppress', suppress: true });
    expect(decide({ complaintFeedbackType: 'not-spam' })).toMatchObject({ category: 'not-spam-feedback', action: 'none', suppress: false });
    expect(decide({ complaintSubType: 'OnAccountSuppressionList' })).toMatchObject({ category: 'already-suppressed', action: 'none' });
  });

  it('treats a delivery delay as information, never as a soft bounce', () => {
    const [outcome] = recipientOutcomes(eventOf(notificationFixture('event-delivery-delay.json')));
    expect(outcome?.decision).toMatchObject({ category: 'connection-timeout', action: 'none', suppress: false, retryAfterSeconds: null });
    expect(outcome?.eventId).toBe(
      'DeliveryDelay:0100019a2b3c4d5e-6f7a8b9c-1d2e-4f3a-9b8c-7d6e5f4a3b2c-000000@2026-11-20T10:30:00.000Z:kate@slowdomain.example',
    );
  });

  it('reports deliveries, sends and SES rejects per recipient', () => {
    expect(recipientOutcomes(eventOf(notificationFixture('event-delivery.json')))[0]?.decision).toMatchObject({
      category: 'delivered',
      smtpCode: 250,
    });
    expect(recipientOutcomes(eventOf(notificationFixture('event-send.json')))[0]?.decision.category).toBe('sent');
    expect(recipientOutcomes(eventOf(notificationFixture('event-reject.json')))[0]?.decision).toMatchObject({
      category: 'content-rejected',
      action: 'investigate',
      suppress: false,
    });
  });

  it('keeps an invalid recipient, flagged, so it can still be suppressed', () => {
    const bounce = notificationFixture('event-bounce-permanent.json') as { bounce: Record<string, unknown> };
    const event = eventOf({
      ...bounce,
      bounce: {
        ...bounce.bounce,
        bouncedRecipients: [{ emailAddress: 'nick@@example.org', status: '5.1.3', diagnosticCode: 'smtp; 553 5.1.3 bad syntax' }],
      },
    });
    expect(recipientOutcomes(event)[0]).toMatchObject({
      recipient: 'nick@@example.org',
      addressValid: false,
      decision: { category: 'malformed-address' },
    });
  });
});
