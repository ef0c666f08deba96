import type { Recipient } from '../../cli/demo-campaign.js';

/**
 * SES configuration-set events for one recipient of the demo's campaign, in
 * the order SES would publish them, without sending anything: for tests that
 * feed a runtime a realistic campaign quickly (the demo itself sends it).
 */
export function eventsFor(recipient: Recipient, campaign: string, index: number, now: Date): string[] {
  // Sends spread over the last 6 hours; a repeating soft bounce's earlier sends go back up to 2 days.
  const sendTime = (back: number) => new Date(now.getTime() - back).toISOString();
  const mail = (messageId: string, timestamp: string) => ({
    timestamp,
    messageId,
    source: 'News <news@mail.example.com>',
    sendingAccountId: '111122223333',
    destination: [recipient.email],
    tags: { campaign: [campaign], batch: [recipient.batch], source: [recipient.source] },
  });
  const later = (iso: string, seconds: number) => new Date(Date.parse(iso) + seconds * 1000).toISOString();
  const events: object[] = [];
  const attempts = recipient.outcome.kind === 'bounce' ? (recipient.outcome.repeats ?? 1) : 1;
  for (let attempt = 0; attempt < attempts; attempt++) {
    const sentAt = sendTime(attempt * 10 * 3600_000 + ((index * 7919) % (6 * 3600)) * 1000);
    const messageId = `demo-${campaign}-${index}-${attempt}`;
    events.push({ eventType: 'Send', mail: mail(messageId, sentAt), send: {} });
    const outcome = recipient.outcome;
    if (outcome.kind === 'bounce') {
      events.push({
        eventType: 'Bounce',
        mail: mail(messageId, sentAt),
        bounce: {
          feedbackId: `${messageId}-bounce`,
          bounceType: outcome.type,
          bounceSubType: outcome.subType,
          timestamp: later(sentAt, outcome.type === 'Transient' ? 3600 : 2),
          bouncedRecipients: [
            { emailAddress: recipient.email, action: 'failed', status: outcome.status, diagnosticCode: outcome.diagnostic },
          ],
        },
      });
    } else {
      events.push({
        eventType: 'Delivery',
        mail: mail(messageId, sentAt),
        delivery: { timestamp: later(sentAt, 2), recipients: [recipient.email], smtpResponse: '250 2.0.0 OK' },
      });
      if (outcome.kind === 'complaint') {
        events.push({
          eventType: 'Complaint',
          mail: mail(messageId, sentAt),
          complaint: {
            feedbackId: `${messageId}-complaint`,
            timestamp: later(sentAt, 1800),
            complainedRecipients: [{ emailAddress: recipient.email }],
            complaintFeedbackType: 'abuse',
          },
        });
      }
    }
  }
  return events.map((event) => JSON.stringify(event));
}
