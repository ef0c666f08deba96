import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { notificationFixture } from './corpus.js';

type Json = Record<string, unknown>;

export function sqsRecord(body: string, messageId: string): SQSRecord {
  return {
    messageId,
    receiptHandle: messageId,
    body,
    attributes: { ApproximateReceiveCount: '1', SentTimestamp: '0', SenderId: 'test', ApproximateFirstReceiveTimestamp: '0' },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:111122223333:notifications',
    awsRegion: 'us-east-1',
  };
}

export const sqsEvent = (bodies: readonly string[], prefix = 'm'): SQSEvent => ({
  Records: bodies.map((body, i) => sqsRecord(body, `${prefix}-${i}`)),
});

/** A bounce notification for one recipient, built from the corpus fixture. */
export function bounceFor(
  recipient: string,
  options: { feedbackId: string; status: string; diagnosticCode: string; bounceType?: string; at?: string; campaign?: string },
): Json {
  const template = notificationFixture('event-bounce-permanent.json') as { bounce: Json; mail: Json & { tags: Json } };
  return {
    ...template,
    bounce: {
      ...template.bounce,
      feedbackId: options.feedbackId,
      bounceType: options.bounceType ?? (options.status.startsWith('4') ? 'Transient' : 'Permanent'),
      timestamp: options.at ?? template.bounce.timestamp,
      bouncedRecipients: [{ emailAddress: recipient, action: 'failed', status: options.status, diagnosticCode: options.diagnosticCode }],
    },
    mail: {
      ...template.mail,
      destination: [recipient],
      tags: { ...template.mail.tags, ...(options.campaign ? { campaign: [options.campaign] } : {}) },
    },
  };
}

export function deliveryFor(recipient: string, at: string, messageId = `delivered-${recipient}-${at}`): Json {
  const template = notificationFixture('event-delivery.json') as { delivery: Json; mail: Json };
  return {
    ...template,
    delivery: { ...template.delivery, timestamp: at, recipients: [recipient] },
    mail: { ...template.mail, messageId, destination: [recipient] },
  };
}

/** A complaint notification for one recipient, built from the corpus fixture. */
export function complaintFor(recipient: string, options: { feedbackId: string; at: string }): Json {
  const template = notificationFixture('event-complaint.json') as { complaint: Json; mail: Json };
  return {
    ...template,
    complaint: {
      ...template.complaint,
      feedbackId: options.feedbackId,
      timestamp: options.at,
      complainedRecipients: [{ emailAddress: recipient }],
    },
    mail: { ...template.mail, destination: [recipient] },
  };
}

const wrap = (notification: Json) => JSON.stringify({ Type: 'Notification', MessageId: 'sns', Message: JSON.stringify(notification) });

/**
 * A batch that touches every kind of effect: hard bounces, a complaint, a
 * policy block, four soft bounces for one address (crossing the threshold),
 * a delivery clearing a review, a delay, sends and deliveries.
 */
export function mixedBatch(): string[] {
  const soft = (i: number) =>
    wrap(
      bounceFor('flaky@example.org', {
        feedbackId: `soft-${i}`,
        status: '4.2.2',
        diagnosticCode: 'smtp; 452 4.2.2 Mailbox full',
        at: `2026-11-20T1${i}:00:00.000Z`,
      }),
    );
  return [
    JSON.stringify(notificationFixture('event-bounce-permanent.json')),
    JSON.stringify(notificationFixture('event-complaint.json')),
    wrap(
      bounceFor('member@contoso.example', {
        feedbackId: 'policy-1',
        status: '5.4.1',
        diagnosticCode: 'smtp; 550 5.4.1 Recipient address rejected: Access denied. AS(201806281)',
        at: '2026-11-20T10:05:00.000Z',
      }),
    ),
    wrap(deliveryFor('member@contoso.example', '2026-11-20T11:00:00.000Z')),
    soft(0),
    soft(1),
    soft(2),
    soft(3),
    JSON.stringify(notificationFixture('event-delivery-delay.json')),
    JSON.stringify(notificationFixture('event-send.json')),
    JSON.stringify(notificationFixture('event-delivery.json')),
    wrap(
      bounceFor('gone@example.net', {
        feedbackId: 'hard-2',
        status: '5.1.1',
        diagnosticCode: 'smtp; 550 5.1.1 User unknown',
        campaign: 'winter',
      }),
    ),
  ];
}
