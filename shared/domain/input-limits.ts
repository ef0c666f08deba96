import type { RecipientOutcome } from './outcomes.js';

/**
 * What the pipeline can store and believe. A recipient outside these limits
 * is rejected on its own, with a reason that never quotes the address; the
 * other recipients of its notification still apply.
 */

/** 64-character local part, `@`, 255-character domain: anything longer is not a mailbox and would not fit every key. */
export const MAX_ADDRESS_BYTES = 320;
/** SES message tag values are at most 256 characters. */
export const MAX_TAG_VALUE_LENGTH = 256;
/** Events dated before this are not SES events. */
export const EARLIEST_EVENT_TIME = '2010-01-01T00:00:00.000Z';
/** Clock skew tolerated for events dated in the future. */
export const MAX_FUTURE_SECONDS = 24 * 3600;

/** The most a queued notification can hold: SNS and SQS take at most 256 KiB per message. */
export const MAX_MESSAGE_BYTES = 256 * 1024;
/**
 * The deepest JSON nesting an input line may have. SES's JSON nests about 6
 * levels; recursive code (JSON.stringify among it) overflows the stack near
 * 10,000 levels, so a line is judged by this before anything walks its value.
 */
export const MAX_JSON_DEPTH = 64;

/**
 * Why a JSON text nests deeper than MAX_JSON_DEPTH, or null. A linear scan of
 * the text that never recurses and never builds the value (brackets inside
 * strings do not count), so it is safe on any input and fails fast on a deep one.
 */
export function jsonNestingReason(text: string): string | null {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // a backslash escapes the next character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > MAX_JSON_DEPTH) return `JSON nested deeper than ${MAX_JSON_DEPTH} levels`;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return null;
}

/** A control character (C0, DEL, C1): never part of an address, a tag or a key. */
// eslint-disable-next-line no-control-regex -- control characters are exactly what this rejects
export const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f]/;
const utf8Length = (text: string): number => new TextEncoder().encode(text).length;

/** Why an address cannot be stored as a key, or null when it can (it need not be a valid address). */
export function unstorableAddressReason(address: string): string | null {
  if (address === '') return 'empty address';
  const bytes = utf8Length(address);
  if (bytes > MAX_ADDRESS_BYTES) return `address too long (${bytes} bytes, limit ${MAX_ADDRESS_BYTES})`;
  if (CONTROL_CHARACTER.test(address)) return 'control character in address';
  return null;
}

function implausibleTime(what: string, iso: string, now: Date): string | null {
  const millis = Date.parse(iso);
  if (Number.isNaN(millis)) return `${what} is not a time`;
  if (millis < Date.parse(EARLIEST_EVENT_TIME)) return `${what} ${iso.slice(0, 10)} is before 2010`;
  if (millis > now.getTime() + MAX_FUTURE_SECONDS * 1000) return `${what} ${iso.slice(0, 19)}Z is more than a day in the future`;
  return null;
}

/** Why this recipient's outcome must be rejected, or null when it can apply. */
export function outcomeRejection(outcome: RecipientOutcome, now: Date): string | null {
  const address = unstorableAddressReason(outcome.recipient);
  if (address) return address;
  for (const [name, value] of Object.entries(outcome.tags)) {
    if (typeof value === 'string' && value.length > MAX_TAG_VALUE_LENGTH)
      return `${name} tag value longer than ${MAX_TAG_VALUE_LENGTH} characters`;
  }
  return implausibleTime('event time', outcome.occurredAt, now) ?? implausibleTime('send time', outcome.sentAt, now);
}
