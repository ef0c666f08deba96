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

// eslint-disable-next-line no-control-regex -- control characters are exactly what this rejects
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f]/;
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
