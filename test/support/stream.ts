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
      const mail = {
        timestamp: sentAt,
        messageId: `${campaign}-m${i}`,
        source: 'news@mail.example.com',
        destination: [email],
        tags: { campaign: [campaign] },
      };
      events.push(JSON.stringify({ eventType: 'Send', mail, send: {} }));
      if (i % options.bounceEvery === 0) {
        hardBounces++;
        suppressed.add(email);
        events.push(
          JSON.stringify({
            eventType: 'Bounce',
            mail,
            bounce: {
              feedbackId: `${campaign}-b${i}`,
              bounceType: 'Permanent',
              bounceSubType: 'General',
              timestamp: later,
              bouncedRecipients: [
                { emailAddress: email, action: 'failed', status: '5.1.1', diagnosticCode: 'smtp; 550 5.1.1 user unknown' },
              ],
            },
          }),
        );
      } else {
        events.push(
          JSON.stringify({ eventType: 'Delivery', mail, delivery: { timestamp: later, recipients: [email], smtpResponse: '250 ok' } }),
        );
      }
    }
    campaigns.set(campaign, { sends: options.perCampaign, deliveries: options.perCampaign - hardBounces, hardBounces });
  }
  return { events, campaigns, suppressed };
}
