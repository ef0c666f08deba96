import { z } from 'zod';
import { fail, ok, type Result } from './errors.js';
import { EVENT_TYPES, type EventType } from './types.js';

/*
 * Schemas for what SES publishes about outgoing mail. Objects are tolerant:
 * fields SES adds later are ignored, only what the pipeline uses is checked.
 * (Powertools' SesSchema describes *inbound* mail, so these are our own.)
 */

const nullableString = z.string().nullish();

const MailSchema = z.object({
  messageId: z.string().min(1),
  timestamp: z.string().min(1),
  source: nullableString,
  sourceArn: nullableString,
  sendingAccountId: nullableString,
  destination: z.array(z.string()).nullish(),
  tags: z.record(z.string(), z.array(z.string())).nullish(),
});

const BouncedRecipientSchema = z.object({
  emailAddress: z.string(),
  action: nullableString,
  status: nullableString,
  diagnosticCode: nullableString,
});

const BounceSchema = z.object({
  feedbackId: z.string().min(1),
  bounceType: z.string(),
  bounceSubType: nullableString,
  bouncedRecipients: z.array(BouncedRecipientSchema).min(1),
  timestamp: nullableString,
  reportingMTA: nullableString,
  remoteMtaIp: nullableString,
});

const ComplaintSchema = z.object({
  feedbackId: z.string().min(1),
  complainedRecipients: z.array(z.object({ emailAddress: z.string() })).min(1),
  complaintSubType: nullableString,
  complaintFeedbackType: nullableString,
  userAgent: nullableString,
  timestamp: nullableString,
  arrivalDate: nullableString,
});

const DeliverySchema = z.object({
  recipients: z.array(z.string()).min(1),
  timestamp: nullableString,
  smtpResponse: nullableString,
  processingTimeMillis: z.number().nullish(),
  remoteMtaIp: nullableString,
});

const DeliveryDelaySchema = z.object({
  delayType: nullableString,
  expirationTime: nullableString,
  timestamp: nullableString,
  delayedRecipients: z.array(BouncedRecipientSchema).min(1),
});

const RejectSchema = z.object({ reason: nullableString });

export type SesMail = z.infer<typeof MailSchema>;

interface EventBase {
  readonly mail: SesMail;
  /** `event-publishing` (configuration set, `eventType`) or `notification` (identity, `notificationType`). */
  readonly format: 'event-publishing' | 'notification';
  /** When the event happened (the bounce, complaint, delivery … timestamp), else the send time. */
  readonly occurredAt: string;
}

export type SesEvent =
  | (EventBase & { readonly eventType: 'Bounce'; readonly bounce: z.infer<typeof BounceSchema> })
  | (EventBase & { readonly eventType: 'Complaint'; readonly complaint: z.infer<typeof ComplaintSchema> })
  | (EventBase & { readonly eventType: 'Delivery'; readonly delivery: z.infer<typeof DeliverySchema> })
  | (EventBase & { readonly eventType: 'Send' })
  | (EventBase & { readonly eventType: 'Reject'; readonly reject: z.infer<typeof RejectSchema> })
  | (EventBase & { readonly eventType: 'DeliveryDelay'; readonly deliveryDelay: z.infer<typeof DeliveryDelaySchema> });

/** What one queue body or input line turned out to be. */
export type ParsedNotification =
  | { readonly kind: 'event'; readonly event: SesEvent }
  /** A real message that carries no recipient outcome (Open, Click, SNS confirmations, future types). */
  | { readonly kind: 'ignored'; readonly reason: string };

const SNS_ENVELOPE_TYPES = new Set(['Notification', 'SubscriptionConfirmation', 'UnsubscribeConfirmation']);
/** SES types we know and deliberately do not act on. */
const IGNORABLE_TYPES = new Set(['Open', 'Click', 'Rendering Failure', 'Subscription', 'AmazonSnsSubscriptionSucceeded']);

/** A time as ISO 8601 UTC with milliseconds, or null when it is not one. */
const CANONICAL_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

export function isoTime(value: string | null | undefined): string | null {
  if (!value) return null;
  // SES writes this form already: skip the parse-and-format round trip (it showed in the profile).
  if (CANONICAL_TIME.test(value) && !Number.isNaN(Date.parse(value))) return value;
  const millis = Date.parse(value);
  return Number.isNaN(millis) ? null : new Date(millis).toISOString();
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describeIssues(error: z.ZodError, prefix: string): string {
  const issues = error.issues.slice(0, 3).map((issue) => `${[prefix, ...issue.path].join('.')}: ${issue.message}`);
  return issues.join('; ');
}

function parseJson(text: string, what: string): Result<unknown> {
  try {
    return ok(JSON.parse(text) as unknown);
  } catch (error) {
    return fail(`${what} is not valid JSON (${(error as Error).message})`);
  }
}

const EVENT_FIELD: Record<EventType, string | null> = {
  Bounce: 'bounce',
  Complaint: 'complaint',
  Delivery: 'delivery',
  Send: null,
  Reject: 'reject',
  DeliveryDelay: 'deliveryDelay',
};

const EVENT_SCHEMA = {
  bounce: BounceSchema,
  complaint: ComplaintSchema,
  delivery: DeliverySchema,
  reject: RejectSchema,
  deliveryDelay: DeliveryDelaySchema,
} as const;

function parseSesObject(message: Record<string, unknown>): Result<ParsedNotification> {
  const rawType = message.eventType ?? message.notificationType;
  const format = message.eventType !== undefined ? 'event-publishing' : 'notification';
  if (typeof rawType !== 'string') {
    return fail('not an SES notification: no eventType or notificationType');
  }
  if (!(EVENT_TYPES as readonly string[]).includes(rawType)) {
    if (IGNORABLE_TYPES.has(rawType)) return ok({ kind: 'ignored', reason: `SES ${rawType} event carries no recipient outcome` });
    // Newer SES event types must not fill the DLQ: they are recognised and skipped.
    return ok({ kind: 'ignored', reason: `SES event type "${rawType}" is not handled` });
  }
  const eventType = rawType as EventType;
  const mail = MailSchema.safeParse(message.mail);
  if (!mail.success) return fail(`SES ${eventType} without a usable mail object (${describeIssues(mail.error, 'mail')})`);

  // Times are normalised to ISO 8601 UTC: windows and keys compare them as strings.
  const sentAt = isoTime(mail.data.timestamp);
  if (sentAt === null) return fail(`SES ${eventType} with an invalid mail.timestamp "${mail.data.timestamp.slice(0, 40)}"`);
  const mailData = { ...mail.data, timestamp: sentAt };

  const field = EVENT_FIELD[eventType];
  if (field === null) {
    return ok({ kind: 'event', event: { eventType: 'Send', format, mail: mailData, occurredAt: sentAt } });
  }
  const body = EVENT_SCHEMA[field as keyof typeof EVENT_SCHEMA].safeParse(message[field]);
  if (!body.success) return fail(`SES ${eventType} with an invalid "${field}" object (${describeIssues(body.error, field)})`);
  const occurredAt = ('timestamp' in body.data && isoTime(body.data.timestamp)) || sentAt;
  const event = { eventType, format, mail: mailData, occurredAt, [field]: body.data } as unknown as SesEvent;
  return ok({ kind: 'event', event });
}

/**
 * Read one SQS body (or input line) in any shape SES output arrives in:
 * an SNS envelope whose `Message` is a JSON string, raw message delivery
 * (the SES JSON itself), identity notifications and configuration-set events.
 * Never throws: input that cannot be an SES notification is an error result.
 */
export function parseNotification(input: unknown): Result<ParsedNotification> {
  let value: unknown = input;
  if (typeof value === 'string') {
    const parsed = parseJson(value, 'message body');
    if (!parsed.ok) return parsed;
    value = parsed.value;
  }
  if (!isRecord(value)) return fail('not an SES notification: expected a JSON object');
  return unwrap(value, 0);
}

/** Unwrap SNS envelopes (one, or a re-published one inside another) down to the SES object. */
function unwrap(value: Record<string, unknown>, depth: number): Result<ParsedNotification> {
  if (typeof value.Type !== 'string' || !SNS_ENVELOPE_TYPES.has(value.Type)) return parseSesObject(value);
  if (value.Type !== 'Notification') return ok({ kind: 'ignored', reason: `SNS ${value.Type}` });
  if (typeof value.Message !== 'string') return fail('SNS notification without a Message string');
  const inner = parseJson(value.Message, 'SNS Message');
  if (!inner.ok) return inner;
  if (!isRecord(inner.value)) return fail('SNS Message is not a JSON object');
  if (depth >= 1) return parseSesObject(inner.value);
  return unwrap(inner.value, depth + 1);
}
