/**
 * Periods of time as the campaign reports read them: hour buckets (`YYYY-MM-DDTHH`, UTC, the
 * counters' own unit) and the instants a person types (`2026-11-03`, `2026-11-03T10:00Z`, `72h`).
 */

const HOUR_MS = 3600_000;
const HOUR_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}$/;

/** Lower and upper bounds of hour buckets, for open-ended ranges (every real hour sorts between them). */
export const EARLIEST_HOUR = '0000-01-01T00';
export const LATEST_HOUR = '9999-12-31T23';

/** Whether a text is an hour bucket (`unknown`, the bucket of an unreadable time, is not). */
export const isHour = (text: string): boolean => HOUR_PATTERN.test(text);

/** The day (`YYYY-MM-DD`, UTC) of an hour bucket. */
export const dayOfHour = (hour: string): string => hour.slice(0, 10);

/** The hour bucket `hours` hours after (negative: before) an hour bucket. */
export function addHours(hour: string, hours: number): string {
  return new Date(Date.parse(`${hour}:00:00Z`) + hours * HOUR_MS).toISOString().slice(0, 13);
}

/** Hours from the start of one bucket to the end of another, both included (at least 0). */
export function hoursBetween(fromHour: string, toHour: string): number {
  return Math.max(0, Math.round((Date.parse(`${toHour}:00:00Z`) - Date.parse(`${fromHour}:00:00Z`)) / HOUR_MS) + 1);
}

/** A span of hour buckets, both ends included. */
export interface HourSpan {
  readonly fromHour: string;
  readonly toHour: string;
}

/** The `hours` hours ending with `lastHour` (a campaign's last `hours` hours of activity). */
export const spanEndingAt = (lastHour: string, hours: number): HourSpan => ({
  fromHour: addHours(lastHour, -(hours - 1)),
  toHour: lastHour,
});

const RELATIVE = /^(\d{1,6})\s*(h|d|w)$/i;
const UNIT_HOURS: Record<string, number> = { h: 1, d: 24, w: 168 };

/**
 * An instant a person typed: an ISO date (`2026-11-03`, midnight UTC), an ISO date and time
 * (`2026-11-03T10:00Z`, any offset; without one, UTC), or a duration before `now` (`72h`, `30d`,
 * `2w`; `now` is the runtime's clock). Null when it is none of these.
 */
export function parseInstant(text: string, now: Date): Date | null {
  const value = text.trim();
  const relative = RELATIVE.exec(value);
  if (relative) return new Date(now.getTime() - Number(relative[1]) * (UNIT_HOURS[relative[2]?.toLowerCase() ?? 'h'] ?? 1) * HOUR_MS);
  if (!/^\d{4}-\d{2}-\d{2}([T ]\d{2}(:\d{2}(:\d{2}(\.\d+)?)?)?)?(Z|[+-]\d{2}:?\d{2})?$/i.test(value)) return null;
  const date = value.length === 10 ? `${value}T00:00:00Z` : value.replace(' ', 'T');
  const withZone = /(Z|[+-]\d{2}:?\d{2})$/i.test(date) ? date : `${date}${/T\d{2}$/.test(date) ? ':00' : ''}Z`;
  const millis = Date.parse(withZone);
  return Number.isNaN(millis) ? null : new Date(millis);
}
