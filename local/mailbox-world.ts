import { z } from 'zod';

/**
 * A simulated world of mailboxes: each message the local SES accepts becomes
 * the events SES would publish for it (Send, then Delivery, Bounce,
 * Complaint or DeliveryDelay), in the configuration-set event shape, with
 * the message's tags. Each send to an address takes the address's next
 * response; the last one repeats. Unlisted addresses are delivered.
 */

const ResponseSchema = z.union([
  z.object({ deliver: z.literal(true) }).strict(),
  z
    .object({
      bounce: z
        .object({
          bounceType: z.enum(['Permanent', 'Transient', 'Undetermined']),
          bounceSubType: z.string().min(1).optional(),
          status: z.string().regex(/^[245]\.\d{1,3}\.\d{1,3}$/, 'an enhanced status code such as 4.2.2'),
          diagnosticCode: z.string().min(1),
        })
        .strict(),
    })
    .strict(),
  z.object({ complaint: z.literal(true) }).strict(),
  z
    .object({
      delay: z.object({ status: z.string().regex(/^4\.\d{1,3}\.\d{1,3}$/, 'a 4.x.x status'), diagnosticCode: z.string().min(1) }).strict(),
    })
    .strict(),
]);

const EntrySchema = z.object({ address: z.string().email(), responses: z.array(ResponseSchema).min(1) }).strict();

export type WorldResponse = z.infer<typeof ResponseSchema>;
export type WorldEntry = z.infer<typeof EntrySchema>;

/** Parse a world file (JSON Lines); a bad line is an error that names it. Blank lines are skipped. */
export function parseWorld(text: string, fileName = 'world'): WorldEntry[] {
  const entries: WorldEntry[] = [];
  // Address → the line it was first listed on (an error names lines, never the address).
  const seen = new Map<string, number>();
  text.split(/\r?\n/).forEach((line, index) => {
    if (line.trim() === '') return;
    const where = `${fileName} line ${index + 1}`;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      throw new Error(`${where}: not valid JSON`);
    }
    const parsed = EntrySchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new Error(`${where}: ${issue ? `${issue.path.join('.') || 'line'}: ${issue.message}` : 'invalid entry'}`);
    }
    const address = parsed.data.address.trim().toLowerCase();
    const first = seen.get(address);
    if (first !== undefined) throw new Error(`${where}: the same address as line ${first}`);
    seen.set(address, index + 1);
    entries.push({ ...parsed.data, address });
  });
  return entries;
}

/** A message the local SES accepted. */
export interface AcceptedMessage {
  readonly messageId: string;
  readonly from: string;
  readonly to: readonly string[];
  readonly subject: string;
  readonly tags: Readonly<Record<string, string>>;
  /** When SES accepted it (the runtime's clock). */
  readonly sentAt: Date;
}

/** An SES event and when it happens (the runtime publishes it then). */
export interface WorldEvent {
  readonly at: Date;
  readonly event: Record<string, unknown>;
}

export class MailboxWorld {
  private readonly responses = new Map<string, readonly WorldResponse[]>();
  private readonly sends = new Map<string, number>();

  constructor(entries: readonly WorldEntry[] = []) {
    for (const entry of entries) this.responses.set(entry.address, entry.responses);
  }

  /** Where each listed address is in its response list (sends so far): what a restart resumes from. */
  positions(): Map<string, number> {
    return new Map([...this.sends].filter(([address]) => this.responses.has(address)));
  }

  /** The sends so far to a listed address; null for an unlisted one (always delivered, nothing to resume). */
  position(address: string): number | null {
    const key = address.trim().toLowerCase();
    return this.responses.has(key) ? (this.sends.get(key) ?? 0) : null;
  }

  /** Continues from saved positions (a position never goes back). */
  resume(positions: ReadonlyMap<string, number>): void {
    for (const [address, n] of positions) this.sends.set(address, Math.max(n, this.sends.get(address) ?? 0));
  }

  /** The response to the next send to `address` (the last one repeats). */
  next(address: string): WorldResponse {
    const key = address.trim().toLowerCase();
    const list = this.responses.get(key);
    const n = this.sends.get(key) ?? 0;
    this.sends.set(key, n + 1);
    if (!list) return { deliver: true };
    return list[Math.min(n, list.length - 1)] as WorldResponse;
  }

  /** Every event SES would publish for an accepted message, per recipient, in order. */
  eventsFor(message: AcceptedMessage): WorldEvent[] {
    const events: WorldEvent[] = [];
    const mail = mailObject(message);
    events.push({ at: message.sentAt, event: { eventType: 'Send', send: {}, mail } });
    const later = (ms: number) => new Date(message.sentAt.getTime() + ms);
    message.to.forEach((recipient, i) => {
      const response = this.next(recipient);
      const id = `${message.messageId}-${i}`;
      const recipientMail = { ...mail, destination: [recipient] };
      if ('deliver' in response || 'complaint' in response) {
        events.push({ at: later(1000), event: deliveryEvent(recipientMail, recipient, later(1000)) });
        if ('complaint' in response) {
          events.push({
            at: later(2000),
            event: {
              eventType: 'Complaint',
              complaint: {
                feedbackId: `complaint-${id}`,
                complaintSubType: null,
                complainedRecipients: [{ emailAddress: recipient }],
                timestamp: later(2000).toISOString(),
                userAgent: 'local-mailbox-world',
                complaintFeedbackType: 'abuse',
                arrivalDate: later(1000).toISOString(),
              },
              mail: recipientMail,
            },
          });
        }
      } else if ('bounce' in response) {
        const { bounceType, bounceSubType, status, diagnosticCode } = response.bounce;
        events.push({
          at: later(1000),
          event: {
            eventType: 'Bounce',
            bounce: {
              feedbackId: `bounce-${id}`,
              bounceType,
              bounceSubType: bounceSubType ?? 'General',
              bouncedRecipients: [{ emailAddress: recipient, action: 'failed', status, diagnosticCode }],
              timestamp: later(1000).toISOString(),
              reportingMTA: 'dsn; local.mailbox-world',
            },
            mail: recipientMail,
          },
        });
      } else {
        events.push({
          at: later(1000),
          event: {
            eventType: 'DeliveryDelay',
            deliveryDelay: {
              timestamp: later(1000).toISOString(),
              delayType: 'TransientCommunicationFailure',
              expirationTime: new Date(message.sentAt.getTime() + 14 * 3600 * 1000).toISOString(),
              delayedRecipients: [
                { emailAddress: recipient, status: response.delay.status, diagnosticCode: response.delay.diagnosticCode },
              ],
              reportingMTA: 'local.mailbox-world',
            },
            mail: recipientMail,
          },
        });
      }
    });
    return events;
  }
}

function mailObject(message: AcceptedMessage): Record<string, unknown> {
  const domain = message.from.slice(message.from.lastIndexOf('@') + 1).replace(/>$/, '');
  return {
    timestamp: message.sentAt.toISOString(),
    source: message.from,
    sendingAccountId: '000000000000',
    messageId: message.messageId,
    destination: [...message.to],
    headersTruncated: false,
    commonHeaders: { from: [message.from], to: [...message.to], subject: message.subject },
    tags: {
      'ses:from-domain': [domain],
      ...Object.fromEntries(Object.entries(message.tags).map(([name, value]) => [name, [value]])),
    },
  };
}

function deliveryEvent(mail: Record<string, unknown>, recipient: string, at: Date): Record<string, unknown> {
  return {
    eventType: 'Delivery',
    delivery: {
      timestamp: at.toISOString(),
      processingTimeMillis: 1000,
      recipients: [recipient],
      smtpResponse: '250 2.0.0 OK local.mailbox-world',
      reportingMTA: 'local.mailbox-world',
    },
    mail,
  };
}
