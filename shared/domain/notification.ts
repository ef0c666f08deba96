import { fail, ok, type Result } from './errors.js';
import { EVENT_TYPES, type EventType } from './types.js';

/*
 * Readers for what SES publishes about outgoing mail. Objects are tolerant:
 * fields SES adds later are ignored, only what the pipeline uses is checked
 * and kept. (Powertools' SesSchema describes *inbound* mail, so these are our
 * own.) Written by hand rather than with a schema library: this is the hot
 * path of every notification, and the Lambda bundle stays small.
 */

type Json = Record<string, unknown>;

/**
 * A field that fails its check: the path of the first bad field (relative to
 * the reader that threw it) and what was expected. Paths are only put together
 * on the way out of a failed read, never for fields that pass.
 */
class FieldError {
  constructor(
    readonly path: string,
    readonly message: string,
  ) {}

  /** The same error seen from `prefix` (the object or list entry that holds the field). */
  under(prefix: string): FieldError {
    return new FieldError(this.path === '' ? prefix : `${prefix}.${this.path}`, this.message);
  }
}

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function record(value: unknown, path: string): Json {
  if (!isRecord(value)) throw new FieldError(path, value === undefined ? 'required' : 'expected an object');
  return value;
}

function text(value: unknown, path: string, nonEmpty = false): string {
  if (typeof value !== 'string') throw new FieldError(path, value === undefined ? 'required' : 'expected a string');
  if (nonEmpty && value.length === 0) throw new FieldError(path, 'must not be empty');
  return value;
}

function optionalText(value: unknown, path: string): string | null | undefined {
  if (value === undefined || value === null) return value;
  if (typeof value !== 'string') throw new FieldError(path, 'expected a string or null');
  return value;
}

function optionalNumber(value: unknown, path: string): number | null | undefined {
  if (value === undefined || value === null) return value;
  if (typeof value !== 'number') throw new FieldError(path, 'expected a number or null');
  return value;
}

/** A list read entry by entry; `item` reads one entry with paths relative to it. */
function list<T>(value: unknown, path: string, item: (entry: unknown) => T, nonEmpty: boolean): T[] {
  if (!Array.isArray(value)) throw new FieldError(path, value === undefined ? 'required' : 'expected an array');
  if (nonEmpty && value.length === 0) throw new FieldError(path, 'must contain at least one entry');
  const result = new Array<T>(value.length);
  for (let i = 0; i < value.length; i++) {
    try {
      result[i] = item(value[i]);
    } catch (error) {
      throw error instanceof FieldError ? error.under(`${path}.${i}`) : error;
    }
  }
  return result;
}

function optionalList<T>(value: unknown, path: string, item: (entry: unknown) => T): T[] | null | undefined {
  if (value === undefined || value === null) return value;
  return list(value, path, item, false);
}

/** A list entry that must be a string. */
const textEntry = (entry: unknown): string => text(entry, '');

/*
 * Each reader below reads one object with paths relative to it (`messageId`,
 * not `mail.messageId`); `read` names the object when a field fails.
 */

export interface SesMail {
  readonly messageId: string;
  readonly timestamp: string;
  readonly source?: string | null | undefined;
  readonly sourceArn?: string | null | undefined;
  readonly sendingAccountId?: string | null | undefined;
  readonly destination?: string[] | null | undefined;
  readonly tags?: Record<string, string[]> | null | undefined;
}

function isTextList(value: unknown): value is string[] {
  if (!Array.isArray(value)) return false;
  for (const entry of value as unknown[]) if (typeof entry !== 'string') return false;
  return true;
}

function tagsOf(value: unknown): Record<string, string[]> | null | undefined {
  if (value === undefined || value === null) return value;
  const tags = record(value, 'tags');
  const result: Record<string, string[]> = {};
  for (const name in tags) {
    if (!Object.hasOwn(tags, name)) continue;
    const values = tags[name];
    // The path is only put together for a bad entry (`list` throws it); good lists are copied as they are.
    result[name] = isTextList(values) ? values.slice() : list(values, `tags.${name}`, textEntry, false);
  }
  return result;
}

function readMail(value: unknown): SesMail {
  const mail = record(value, '');
  return {
    messageId: text(mail.messageId, 'messageId', true),
    timestamp: text(mail.timestamp, 'timestamp', true),
    source: optionalText(mail.source, 'source'),
    sourceArn: optionalText(mail.sourceArn, 'sourceArn'),
    sendingAccountId: optionalText(mail.sendingAccountId, 'sendingAccountId'),
    destination: optionalList(mail.destination, 'destination', textEntry),
    tags: tagsOf(mail.tags),
  };
}

export interface BouncedRecipient {
  readonly emailAddress: string;
  readonly action?: string | null | undefined;
  readonly status?: string | null | undefined;
  readonly diagnosticCode?: string | null | undefined;
}

function readBouncedRecipient(value: unknown): BouncedRecipient {
  const r = record(value, '');
  return {
    emailAddress: text(r.emailAddress, 'emailAddress'),
    action: optionalText(r.action, 'action'),
    status: optionalText(r.status, 'status'),
    diagnosticCode: optionalText(r.diagnosticCode, 'diagnosticCode'),
  };
}

export interface SesBounce {
  readonly feedbackId: string;
  readonly bounceType: string;
  readonly bounceSubType?: string | null | undefined;
  readonly bouncedRecipients: BouncedRecipient[];
  readonly timestamp?: string | null | undefined;
  readonly reportingMTA?: string | null | undefined;
  readonly remoteMtaIp?: string | null | undefined;
}

function readBounce(value: unknown): SesBounce {
  const b = record(value, '');
  return {
    feedbackId: text(b.feedbackId, 'feedbackId', true),
    bounceType: text(b.bounceType, 'bounceType'),
    bounceSubType: optionalText(b.bounceSubType, 'bounceSubType'),
    bouncedRecipients: list(b.bouncedRecipients, 'bouncedRecipients', readBouncedRecipient, true),
    timestamp: optionalText(b.timestamp, 'timestamp'),
    reportingMTA: optionalText(b.reportingMTA, 'reportingMTA'),
    remoteMtaIp: optionalText(b.remoteMtaIp, 'remoteMtaIp'),
  };
}

export interface SesComplaint {
  readonly feedbackId: string;
  readonly complainedRecipients: Array<{ readonly emailAddress: string }>;
  readonly complaintSubType?: string | null | undefined;
  readonly complaintFeedbackType?: string | null | undefined;
  readonly userAgent?: string | null | undefined;
  readonly timestamp?: string | null | undefined;
  readonly arrivalDate?: string | null | undefined;
}

function readComplainedRecipient(value: unknown): { readonly emailAddress: string } {
  return { emailAddress: text(record(value, '').emailAddress, 'emailAddress') };
}

function readComplaint(value: unknown): SesComplaint {
  const c = record(value, '');
  return {
    feedbackId: text(c.feedbackId, 'feedbackId', true),
    complainedRecipients: list(c.complainedRecipients, 'complainedRecipients', readComplainedRecipient, true),
    complaintSubType: optionalText(c.complaintSubType, 'complaintSubType'),
    complaintFeedbackType: optionalText(c.complaintFeedbackType, 'complaintFeedbackType'),
    userAgent: optionalText(c.userAgent, 'userAgent'),
    timestamp: optionalText(c.timestamp, 'timestamp'),
    arrivalDate: optionalText(c.arrivalDate, 'arrivalDate'),
  };
}

export interface SesDelivery {
  readonly recipients: string[];
  readonly timestamp?: string | null | undefined;
  readonly smtpResponse?: string | null | undefined;
  readonly processingTimeMillis?: number | null | undefined;
  readonly remoteMtaIp?: string | null | undefined;
}

function readDelivery(value: unknown): SesDelivery {
  const d = record(value, '');
  return {
    recipients: list(d.recipients, 'recipients', textEntry, true),
    timestamp: optionalText(d.timestamp, 'timestamp'),
    smtpResponse: optionalText(d.smtpResponse, 'smtpResponse'),
    processingTimeMillis: optionalNumber(d.processingTimeMillis, 'processingTimeMillis'),
    remoteMtaIp: optionalText(d.remoteMtaIp, 'remoteMtaIp'),
  };
}

export interface SesDeliveryDelay {
  readonly delayType?: string | null | undefined;
  readonly expirationTime?: string | null | undefined;
  readonly timestamp?: string | null | undefined;
  readonly delayedRecipients: BouncedRecipient[];
}

function readDeliveryDelay(value: unknown): SesDeliveryDelay {
  const d = record(value, '');
  return {
    delayType: optionalText(d.delayType, 'delayType'),
    expirationTime: optionalText(d.expirationTime, 'expirationTime'),
    timestamp: optionalText(d.timestamp, 'timestamp'),
    delayedRecipients: list(d.delayedRecipients, 'delayedRecipients', readBouncedRecipient, true),
  };
}

export interface SesReject {
  readonly reason?: string | null | undefined;
}

function readReject(value: unknown): SesReject {
  return { reason: optionalText(record(value, '').reason, 'reason') };
}

interface EventBase {
  readonly mail: SesMail;
  /** `event-publishing` (configuration set, `eventType`) or `notification` (identity, `notificationType`). */
  readonly format: 'event-publishing' | 'notification';
  /** When the event happened (the bounce, complaint, delivery … timestamp), else the send time. */
  readonly occurredAt: string;
}

export type SesEvent =
  | (EventBase & { readonly eventType: 'Bounce'; readonly bounce: SesBounce })
  | (EventBase & { readonly eventType: 'Complaint'; readonly complaint: SesComplaint })
  | (EventBase & { readonly eventType: 'Delivery'; readonly delivery: SesDelivery })
  | (EventBase & { readonly eventType: 'Send' })
  | (EventBase & { readonly eventType: 'Reject'; readonly reject: SesReject })
  | (EventBase & { readonly eventType: 'DeliveryDelay'; readonly deliveryDelay: SesDeliveryDelay });

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

/** The two-digit number at `at` of a string already known to have digits there. */
function twoDigits(value: string, at: number): number {
  return (value.charCodeAt(at) - 48) * 10 + value.charCodeAt(at + 1) - 48;
}

/**
 * Whether `Date.parse` accepts a time already in the canonical form: the
 * field ranges V8's ISO parser checks (month 1–12, day 1–31, hour 0–23 or
 * 24:00:00.000, minute and second 0–59), without its cost (a test compares
 * the two over every field value).
 */
export function canonicalTimeIsValid(value: string): boolean {
  const month = twoDigits(value, 5);
  const day = twoDigits(value, 8);
  const hour = twoDigits(value, 11);
  const minute = twoDigits(value, 14);
  const second = twoDigits(value, 17);
  if (month < 1 || month > 12 || day < 1 || day > 31 || minute > 59 || second > 59) return false;
  return hour < 24 || (hour === 24 && minute === 0 && second === 0 && value.startsWith('000', 20));
}

export function isoTime(value: string | null | undefined): string | null {
  if (!value) return null;
  // SES writes this form already: skip the parse-and-format round trip (it showed in the profile).
  if (CANONICAL_TIME.test(value) && canonicalTimeIsValid(value)) return value;
  const millis = Date.parse(value);
  return Number.isNaN(millis) ? null : new Date(millis).toISOString();
}

/** Run a reader; a bad field becomes `path: message`, anything else is a bug and propagates. */
function read<T>(reader: (value: unknown) => T, value: unknown, path: string): Result<T> {
  try {
    return ok(reader(value));
  } catch (error) {
    if (error instanceof FieldError) return fail(`${error.under(path).path}: ${error.message}`);
    throw error;
  }
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

const EVENT_READER = {
  bounce: readBounce,
  complaint: readComplaint,
  delivery: readDelivery,
  reject: readReject,
  deliveryDelay: readDeliveryDelay,
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
  const mail = read(readMail, message.mail, 'mail');
  if (!mail.ok) return fail(`SES ${eventType} without a usable mail object (${mail.error.reason})`);

  // Times are normalised to ISO 8601 UTC: windows and keys compare them as strings.
  const sentAt = isoTime(mail.value.timestamp);
  if (sentAt === null) return fail(`SES ${eventType} with an invalid mail.timestamp "${mail.value.timestamp.slice(0, 40)}"`);
  const mailData = { ...mail.value, timestamp: sentAt };

  const field = EVENT_FIELD[eventType];
  if (field === null) {
    return ok({ kind: 'event', event: { eventType: 'Send', format, mail: mailData, occurredAt: sentAt } });
  }
  const body = read<SesBounce | SesComplaint | SesDelivery | SesReject | SesDeliveryDelay>(
    EVENT_READER[field as keyof typeof EVENT_READER],
    message[field],
    field,
  );
  if (!body.ok) return fail(`SES ${eventType} with an invalid "${field}" object (${body.error.reason})`);
  const occurredAt = ('timestamp' in body.value && isoTime(body.value.timestamp)) || sentAt;
  const event = { eventType, format, mail: mailData, occurredAt, [field]: body.value } as unknown as SesEvent;
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
