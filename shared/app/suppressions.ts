import {
  campaignHealth,
  delayedDomains,
  EARLIEST_HOUR,
  hourOf,
  hoursBetween,
  LATEST_HOUR,
  mergeTotals,
  spanEndingAt,
  type HourSpan,
  summariseDelays,
  type HealthThresholds,
  NO_EVIDENCE,
  SUPPRESSION_STATUSES,
  tombstoneRecord,
  type AddressState,
  type CampaignHealth,
  type HistoryEntry,
  type SuppressionReason,
  type SuppressionStatus,
} from '../domain/index.js';
import { commitSignal, type CommitOptions } from './address-writer.js';
import { recordsOf, tombstoneOf, type ErasureDeps } from './erasure.js';
import type { DecisionEventSink } from './decision-events.js';
import { ConflictError, InvalidCursorError, NotFoundError } from './errors.js';
import type { AddressRepository, CampaignPeriod, CampaignReader, DelayReader, LoggerPort } from './ports.js';

export interface SuppressionDeps {
  readonly addresses: AddressRepository;
  readonly campaigns: CampaignReader;
  readonly clock: () => Date;
  /** SES delivery delays per receiving domain (for the domain-timeouts finding); without it, that finding is not looked for. */
  readonly delays?: DelayReader;
  readonly thresholds?: Partial<HealthThresholds>;
  /** Tombstones of erased addresses: without it, an erased address reads as unknown. */
  readonly erasure?: ErasureDeps;
  /** Where a person's suppressions and releases are published as decision events; none: not published. */
  readonly events?: DecisionEventSink;
  /** Where a person's change whose event could be neither published nor kept is reported (never with the address). */
  readonly logger?: LoggerPort;
}

/** Receiving domains whose delays are read per campaign: the most delayed ones. */
const DELAYED_DOMAINS_READ = 10;

/** Statuses that mean "do not mail": a review holds the address until a person decides. */
export const isDoNotMail = (status: SuppressionStatus | null): boolean => status === 'suppressed' || status === 'review';

export interface AddressView {
  readonly email: string;
  readonly suppressed: boolean;
  readonly status: SuppressionStatus | null;
  /** Why the address is held (null once released: see `suppressedReason`). */
  readonly reason: SuppressionReason | null;
  /** For a released address, why it had been held before the release. */
  readonly suppressedReason: SuppressionReason | null;
  readonly category: string | null;
  readonly rule: string | null;
  readonly smtpCode: number | null;
  readonly enhancedCode: string | null;
  readonly diagnostic: string | null;
  readonly provider: string | null;
  readonly campaign: string | null;
  readonly firstSeenAt: string | null;
  readonly lastSeenAt: string | null;
  readonly count: number;
  readonly releasedAt: string | null;
  readonly releasedBy: string | null;
  readonly releaseReason: string | null;
  readonly softBounces: { readonly count: number; readonly windowEndsAt: string | null };
  readonly history: readonly HistoryEntry[];
  /** When the address's data was erased (only its verdict and dates are kept), else null. */
  readonly erasedAt: string | null;
}

const HISTORY_LIMIT = 50;

function view(
  email: string,
  state: AddressState | null,
  soft: { count: number; windowEndsAt: string | null },
  history: readonly HistoryEntry[],
  erasedAt: string | null = null,
): AddressView {
  return {
    email,
    suppressed: isDoNotMail(state?.status ?? null),
    status: state?.status ?? null,
    reason: state && state.status !== 'released' ? state.reason : null,
    suppressedReason: state?.status === 'released' ? state.reason : null,
    category: state?.category ?? null,
    rule: state?.rule ?? null,
    smtpCode: state?.smtpCode ?? null,
    enhancedCode: state?.enhancedCode ?? null,
    diagnostic: state?.diagnostic ?? null,
    provider: state?.provider ?? null,
    campaign: state?.campaign ?? null,
    firstSeenAt: state?.firstSeenAt ?? null,
    lastSeenAt: state?.lastSeenAt ?? null,
    count: state?.count ?? 0,
    releasedAt: state?.releasedAt ?? null,
    releasedBy: state?.releasedBy ?? null,
    releaseReason: state?.releaseReason ?? null,
    softBounces: soft,
    history,
    erasedAt,
  };
}

/** Everything known about one address; NotFoundError when nothing is. */
export async function lookup(email: string, deps: SuppressionDeps): Promise<AddressView> {
  const now = deps.clock();
  const [state, window, history] = await Promise.all([
    deps.addresses.getState(email),
    deps.addresses.softBounceWindow(email, now, null),
    deps.addresses.history(email, HISTORY_LIMIT),
  ]);
  const soft = {
    count: window.count,
    windowEndsAt: window.oldestExpiresAt === null ? null : new Date(window.oldestExpiresAt * 1000).toISOString(),
  };
  const tombstone = state === null && deps.erasure ? await tombstoneOf(email, deps.erasure) : null;
  if (tombstone) return view(email, tombstoneRecord(email, tombstone), soft, history, tombstone.erasedAt);
  if (state === null && window.count === 0 && history.length === 0) throw new NotFoundError(`no record for ${email}`);
  return view(email, state, soft, history);
}

export interface CheckResult {
  readonly email: string;
  readonly suppressed: boolean;
  readonly status: SuppressionStatus | null;
  readonly reason: SuppressionReason | null;
}

/** Pre-send check of many addresses: batched reads, answers in the order asked. */
export async function check(emails: readonly string[], deps: SuppressionDeps): Promise<CheckResult[]> {
  const states = await recordsOf(emails, deps.addresses, deps.erasure);
  return emails.map((email) => {
    const state = states.get(email) ?? null;
    return { email, suppressed: isDoNotMail(state?.status ?? null), status: state?.status ?? null, reason: state?.reason ?? null };
  });
}

export interface ListRequest {
  readonly status?: SuppressionStatus;
  readonly reason?: SuppressionReason;
  readonly campaign?: string;
  readonly since?: string;
  readonly limit: number;
  readonly nextToken?: string;
}

export interface ListItem {
  readonly email: string;
  readonly suppressed: boolean;
  readonly status: SuppressionStatus;
  readonly reason: SuppressionReason;
  readonly category: string | null;
  readonly campaign: string | null;
  readonly firstSeenAt: string;
  readonly lastSeenAt: string;
}

interface Cursor {
  /** Index into the statuses being listed. */
  readonly s: number;
  /** The repository's cursor where its read stopped (opaque here). */
  readonly k?: string;
  /** The filters the token was made for: it is only valid with the same ones. */
  readonly f: string;
}

const filtersOf = (request: ListRequest): string =>
  JSON.stringify([request.status ?? '', request.reason ?? '', request.campaign ?? '', request.since ?? '']);

/** base64url of UTF-8 text, with the platform's standard globals (no Node Buffer here). */
export const toBase64Url = (text: string): string =>
  btoa(String.fromCharCode(...new TextEncoder().encode(text)))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
export const fromBase64Url = (token: string): string =>
  new TextDecoder('utf-8', { fatal: true }).decode(
    Uint8Array.from(atob(token.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0)),
  );

const encodeToken = (cursor: Cursor): string => toBase64Url(JSON.stringify(cursor));

function decodeToken(token: string, request: ListRequest, statuses: readonly SuppressionStatus[]): Cursor {
  let cursor: Cursor;
  try {
    cursor = JSON.parse(fromBase64Url(token)) as Cursor;
  } catch {
    throw new InvalidCursorError();
  }
  if (typeof cursor !== 'object' || cursor === null || !Number.isInteger(cursor.s) || cursor.s < 0 || cursor.s >= statuses.length)
    throw new InvalidCursorError();
  if (cursor.f !== filtersOf(request)) throw new InvalidCursorError('it belongs to a query with other filters');
  if (cursor.k !== undefined && typeof cursor.k !== 'string') throw new InvalidCursorError();
  return cursor;
}

/** Index reads (each up to 1 MB) one list request may make before it returns what it has. */
const MAX_INDEX_READS_PER_PAGE = 8;

/**
 * One page of the list, oldest last-seen first, through the status index.
 * (An address that changes during a walk moves to the end, so it is seen
 * again rather than skipped.) Without a
 * status filter, the statuses are listed one after the other; the opaque
 * token says where to go on.
 */
export async function list(request: ListRequest, deps: SuppressionDeps): Promise<{ items: ListItem[]; nextToken?: string }> {
  const statuses = request.status ? [request.status] : [...SUPPRESSION_STATUSES];
  const filters = filtersOf(request);
  let cursor: Cursor = request.nextToken ? decodeToken(request.nextToken, request, statuses) : { s: 0, f: filters };
  const items: ListItem[] = [];
  let reads = 0;
  // A page stops at `limit` items or after a bounded amount of index reading (a rare filter on a
  // big list must not run into the API's time limit); the token then says where to go on.
  while (items.length < request.limit && cursor.s < statuses.length && reads < MAX_INDEX_READS_PER_PAGE) {
    reads++;
    const page = await deps.addresses.list({
      status: statuses[cursor.s] as SuppressionStatus,
      ...(request.reason ? { reason: request.reason } : {}),
      ...(request.campaign ? { campaign: request.campaign } : {}),
      ...(request.since ? { since: request.since } : {}),
      limit: request.limit - items.length,
      ...(cursor.k ? { cursor: cursor.k } : {}),
    });
    for (const state of page.items) {
      items.push({
        email: state.email,
        suppressed: isDoNotMail(state.status),
        status: state.status,
        reason: state.reason,
        category: state.category,
        campaign: state.campaign,
        firstSeenAt: state.firstSeenAt,
        lastSeenAt: state.lastSeenAt,
      });
    }
    cursor = page.nextCursor ? { s: cursor.s, k: page.nextCursor, f: filters } : { s: cursor.s + 1, f: filters };
  }
  return { items, ...(cursor.s < statuses.length ? { nextToken: encodeToken(cursor) } : {}) };
}

/** SES account-level suppression list reasons, as its CSV import/export uses them. */
export type SesSuppressionReason = 'BOUNCE' | 'COMPLAINT';

export interface ManualSuppression {
  /** Why, in the operator's words (kept in history). */
  readonly note: string;
  /** SES reason when the entry comes from an SES suppression list import. */
  readonly sesReason?: SesSuppressionReason;
}

const eventsOf = (deps: SuppressionDeps) => (deps.events ? { events: deps.events } : {});

/**
 * How a person's change is written: it stands once stored, even when its event can be neither
 * published nor kept (the bus and the outbox both fail); the record then stays unpublished for its
 * next reader to publish, and the failure is logged by type and error name only.
 */
const personsChange = (deps: SuppressionDeps, type: 'address.released' | 'address.suppressed'): CommitOptions => ({
  ...(deps.erasure ? { erasure: deps.erasure } : {}),
  ...eventsOf(deps),
  unpublished: (error) =>
    deps.logger?.error('Decision event neither published nor kept: the change stands, the next reader of the record publishes it', {
      type,
      errorName: error.name,
    }),
});

/** Suppress an address by hand. Suppressing a suppressed address changes nothing (imports can run twice). */
export async function suppress(
  email: string,
  request: ManualSuppression,
  actor: string,
  deps: SuppressionDeps,
): Promise<{ created: boolean; view: AddressView }> {
  const at = deps.clock().toISOString();
  const commit = await commitSignal(
    deps.addresses,
    email,
    () => ({
      kind: 'manual-suppress',
      eventId: `manual:${at}:${actor}`,
      occurredAt: at,
      evidence: NO_EVIDENCE,
      reason: request.sesReason === 'COMPLAINT' ? 'complaint' : 'manual',
      actor,
      note: request.note,
    }),
    personsChange(deps, 'address.suppressed'),
  );
  return { created: commit.before === null, view: await lookup(email, deps) };
}

/** Release an address: it may be mailed again; history keeps who and why. */
export async function release(email: string, note: string, actor: string, deps: SuppressionDeps): Promise<AddressView> {
  const at = deps.clock().toISOString();
  const commit = await commitSignal(
    deps.addresses,
    email,
    (state) => {
      if (state === null) throw new NotFoundError(`no record for ${email}`);
      if (state.status === 'released') throw new ConflictError(`${email} is already released (${state.releasedAt ?? ''})`);
      return { kind: 'release', eventId: `release:${at}:${actor}`, occurredAt: at, evidence: NO_EVIDENCE, actor, note };
    },
    personsChange(deps, 'address.released'),
  );
  if (!commit.changed) throw new ConflictError(`${email} could not be released`);
  return lookup(email, deps);
}

/** The hours (bucket names) of the last `hours` hours, newest last. */
export function recentHours(now: Date, hours: number): string[] {
  return Array.from({ length: hours }, (_, i) => hourOf(new Date(now.getTime() - (hours - 1 - i) * 3600_000).toISOString()));
}

export interface HealthReport extends CampaignHealth {
  readonly campaign: string;
  readonly from: string | null;
  readonly to: string | null;
  readonly activeHours: number;
}

/** Which hours a campaign report read, and why those. */
export interface HealthWindow extends HourSpan {
  readonly hours: number;
  /** `last-activity`: the campaign's own last hours of activity (the default); `requested`: the caller's since/until. */
  readonly basis: 'last-activity' | 'requested';
}

/** What a person asks a campaign report for: its last `hours` hours of activity, or the hours from `since` to `until`. */
export interface HealthWindowRequest {
  /** @default 72 */
  readonly hours?: number;
  readonly since?: Date;
  readonly until?: Date;
}

export interface HealthView extends HealthReport {
  readonly window: HealthWindow;
  /** When the campaign ran, all told (first and last hours counted). */
  readonly period: CampaignPeriod;
}

/** Hours a campaign report reads unless told otherwise. */
export const DEFAULT_HEALTH_HOURS = 72;

/**
 * The hours a report on a campaign reads: the requested span, else its own last `hours` hours of
 * activity (whenever it ran: weeks-old events read as well as this hour's). Not found when the
 * campaign was never counted.
 */
export async function healthWindow(
  campaign: string,
  request: HealthWindowRequest,
  deps: Pick<SuppressionDeps, 'campaigns' | 'clock'>,
  known?: CampaignPeriod,
): Promise<{ window: HealthWindow; period: CampaignPeriod }> {
  const period = known ?? (await deps.campaigns.period(campaign));
  if (!period) throw new NotFoundError(`no activity recorded for campaign ${campaign}`);
  if (request.since || request.until) {
    // Clamped to the period: an open end reads from the first hour, or to the last, it counted.
    const fromHour = request.since ? hourOf(request.since.toISOString()) : EARLIEST_HOUR;
    const toHour = request.until ? hourOf(request.until.toISOString()) : LATEST_HOUR;
    const span = {
      fromHour: fromHour < period.firstHour ? period.firstHour : fromHour,
      toHour: toHour > period.lastHour ? period.lastHour : toHour,
    };
    if (span.fromHour > span.toHour) {
      const asked = [request.since ? `since ${fromHour}:00` : '', request.until ? `until ${toHour}:59` : ''].filter(Boolean).join(' ');
      throw new NotFoundError(
        `no activity for campaign ${campaign} ${asked} UTC (it ran from ${period.firstHour}:00 to ${period.lastHour}:59 UTC)`,
      );
    }
    return { window: { ...span, hours: hoursBetween(span.fromHour, span.toHour), basis: 'requested' }, period };
  }
  const hours = request.hours ?? DEFAULT_HEALTH_HOURS;
  return { window: { ...spanEndingAt(period.lastHour, hours), hours, basis: 'last-activity' }, period };
}

/** Figures and verdicts of a campaign over a window (by default its own last 72 h of activity), saying which. */
export async function health(
  campaign: string,
  request: HealthWindowRequest,
  deps: SuppressionDeps,
  known?: CampaignPeriod,
): Promise<HealthView> {
  const { window, period } = await healthWindow(campaign, request, deps, known);
  const byHour = await deps.campaigns.hourlyTotals(campaign, window.fromHour, window.toHour);
  if (byHour.length === 0)
    throw new NotFoundError(
      `no activity for campaign ${campaign} from ${window.fromHour}:00 to ${window.toHour}:59 UTC ` +
        `(it ran from ${period.firstHour}:00 to ${period.lastHour}:59 UTC)`,
    );
  const { counts, errors } = mergeTotals(byHour.map((h) => h.totals));
  const active = byHour.map((h) => h.hour);
  const delays = deps.delays ? await campaignDelays(campaign, counts, active[0] ?? '', deps.delays, deps.clock()) : [];
  return {
    campaign,
    from: active[0] ?? null,
    to: active.at(-1) ?? null,
    activeHours: active.length,
    ...campaignHealth(counts, { delays, errors, ...(deps.thresholds ? { thresholds: deps.thresholds } : {}) }),
    window,
    period,
  };
}

/** The campaign's delays to its most delayed domains, since its first active hour in the window. */
async function campaignDelays(
  campaign: string,
  totals: Readonly<Record<string, number>>,
  fromHour: string,
  reader: DelayReader,
  now: Date,
) {
  const since = `${fromHour}:00:00.000Z`;
  const records = [];
  for (const domain of delayedDomains(totals, DELAYED_DOMAINS_READ)) {
    for (const record of await reader.delaysSince(domain, since, now)) if (record.campaign === campaign) records.push(record);
  }
  return summariseDelays(records);
}
