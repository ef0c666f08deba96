/**
 * A synthetic SES event stream with known answers: per campaign, sends, then
 * a delivery or a hard bounce for each. Every counter of a campaign-hour stays
 * within the exact range of the distinct counters, so expected counts are exact.
 */
export interface StreamOptions {
  readonly campaigns: number;
  /** Sends per campaign (at most 100, so counts are exact). */
  readonly perCampaign: number;
  /** Every n-th recipient hard-bounces. */
  readonly bounceEvery: number;
  /** Send time of every message (one hour bucket). */
  readonly sentAt: Date;
  readonly prefix?: string;
}

export interface ExpectedCampaign {
  readonly sends: number;
  readonly deliveries: number;
  readonly hardBounces: number;
}

export interface Stream {
  readonly events: string[];
  readonly campaigns: Map<string, ExpectedCampaign>;
  readonly suppressed: Set<string>;
}

/** One message as SES describes it in every event about it. */
export interface MailOf {
  readonly messageId: string;
  readonly email: string;
  readonly sentAt: string;
  readonly tags: Readonly<Record<string, readonly string[]>>;
}

const sesMail = (mail: MailOf) => ({
  timestamp: mail.sentAt,
  messageId: mail.messageId,
  source: 'news@mail.example.com',
  destination: [mail.email],
  tags: mail.tags,
});

/** Configuration-set events (the `eventType` shape), one recipient each. */
export const sesEvents = {
  send: (mail: MailOf) => JSON.stringify({ eventType: 'Send', mail: sesMail(mail), send: {} }),
  delivery: (mail: MailOf, at: string) =>
    JSON.stringify({
      eventType: 'Delivery',
      mail: sesMail(mail),
      delivery: { timestamp: at, recipients: [mail.email], smtpResponse: '250 ok' },
    }),
  bounce: (
    mail: MailOf,
    at: string,
    feedbackId: string,
    reply: { bounceType: string; bounceSubType: string; status: string; diagnosticCode?: string },
  ) =>
    JSON.stringify({
      eventType: 'Bounce',
      mail: sesMail(mail),
      bounce: {
        feedbackId,
        bounceType: reply.bounceType,
        bounceSubType: reply.bounceSubType,
        timestamp: at,
        bouncedRecipients: [
          {
            emailAddress: mail.email,
            action: 'failed',
            status: reply.status,
            ...(reply.diagnosticCode ? { diagnosticCode: reply.diagnosticCode } : {}),
          },
        ],
      },
    }),
  complaint: (mail: MailOf, at: string, feedbackId: string) =>
    JSON.stringify({
      eventType: 'Complaint',
      mail: sesMail(mail),
      complaint: { feedbackId, timestamp: at, complaintFeedbackType: 'abuse', complainedRecipients: [{ emailAddress: mail.email }] },
    }),
  delay: (mail: MailOf, at: string) =>
    JSON.stringify({
      eventType: 'DeliveryDelay',
      mail: sesMail(mail),
      deliveryDelay: {
        timestamp: at,
        delayType: 'TransientCommunicationFailure',
        delayedRecipients: [{ emailAddress: mail.email, status: '4.4.1', diagnosticCode: 'smtp; 421 4.4.1 Connection timed out' }],
      },
    }),
  reject: (mail: MailOf) => JSON.stringify({ eventType: 'Reject', mail: sesMail(mail), reject: { reason: 'Bad content' } }),
};

export const HARD_BOUNCE = {
  bounceType: 'Permanent',
  bounceSubType: 'General',
  status: '5.1.1',
  diagnosticCode: 'smtp; 550 5.1.1 user unknown',
} as const;

export function eventStream(options: StreamOptions): Stream {
  const prefix = options.prefix ?? 'crash';
  const events: string[] = [];
  const campaigns = new Map<string, ExpectedCampaign>();
  const suppressed = new Set<string>();
  const sentAt = options.sentAt.toISOString();
  const later = new Date(options.sentAt.getTime() + 2000).toISOString();
  for (let c = 0; c < options.campaigns; c++) {
    const campaign = `${prefix}-${c}`;
    let hardBounces = 0;
    for (let i = 0; i < options.perCampaign; i++) {
      const email = `${prefix}.${c}.${i}@${['gmail.com', 'yahoo.com', 'outlook.com', 'example.org'][i % 4]}`;
      const mail = { sentAt, messageId: `${campaign}-m${i}`, email, tags: { campaign: [campaign] } };
      events.push(sesEvents.send(mail));
      if (i % options.bounceEvery === 0) {
        hardBounces++;
        suppressed.add(email);
        events.push(sesEvents.bounce(mail, later, `${campaign}-b${i}`, HARD_BOUNCE));
      } else {
        events.push(sesEvents.delivery(mail, later));
      }
    }
    campaigns.set(campaign, { sends: options.perCampaign, deliveries: options.perCampaign - hardBounces, hardBounces });
  }
  return { events, campaigns, suppressed };
}
