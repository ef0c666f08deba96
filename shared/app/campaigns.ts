import {
  campaignBreakdowns,
  campaignHealth,
  hourOf,
  dayOfHour,
  isHour,
  LATEST_HOUR,
  EARLIEST_HOUR,
  mergeTotals,
  type CampaignBreakdowns,
} from '../domain/index.js';
import { forEachLimited } from './concurrency.js';
import { InvalidCursorError, NotFoundError } from './errors.js';
import type { CampaignPeriod } from './ports.js';
import type { CampaignPauses } from './retry-ports.js';
import {
  DEFAULT_HEALTH_HOURS,
  fromBase64Url,
  health,
  healthWindow,
  recentHours,
  toBase64Url,
  type HealthReport,
  type HealthView,
  type HealthWindow,
  type HealthWindowRequest,
  type SuppressionDeps,
} from './suppressions.js';

/** One line of the campaign list. */
export interface CampaignSummary {
  readonly campaign: string;
  /** When it ran: the first and last hours counted (`YYYY-MM-DDTHH`, UTC). */
  readonly firstActiveHour: string;
  readonly lastActiveHour: string;
  readonly verdict: HealthReport['verdict'];
  readonly sends: number;
  readonly hardBounceRate: number;
  readonly hardBounceRateLowerBound: number;
  readonly complaintRate: number;
  readonly findings: number;
  /** The figures' window: the campaign's own last 72 h of activity (what `health CAMPAIGN` reads by default). */
  readonly window: HealthWindow;
  readonly from: string | null;
  readonly to: string | null;
  readonly paused: boolean;
  readonly estimated: HealthReport['estimated'];
  readonly estimates: HealthReport['estimates'];
  readonly evidence: HealthReport['evidence'];
}

/** Most campaigns one page lists (each costs a read of its counters). */
export const MAX_CAMPAIGNS_LISTED = 100;

/** Catalogue reads one page may make before it returns what it has (entries left behind by a moved period are skipped). */
const MAX_CATALOGUE_READS_PER_PAGE = 8;
/** Campaigns whose figures are read at once. */
const FIGURES_IN_FLIGHT = 8;

/** Which campaigns to list, by last activity. */
export interface CampaignListRequest {
  /** Last activity at or after this instant. */
  readonly since?: Date;
  /** Last activity at or before this instant. */
  readonly until?: Date;
  /** Every campaign, whenever it ran. */
  readonly all?: boolean;
  /** Last activity in the last N hours of the clock (the default window: 72). */
  readonly hours?: number;
  /** @default MAX_CAMPAIGNS_LISTED */
  readonly limit?: number;
  readonly nextToken?: string;
}

export interface CampaignList {
  readonly campaigns: readonly CampaignSummary[];
  /** The span of last activity asked for, hour buckets (`YYYY-MM-DDTHH`); null: open-ended. */
  readonly sinceHour: string | null;
  readonly untilHour: string | null;
  /**
   * True when no campaign was active in the default window (the last 72 h on the runtime's clock),
   * so the most recent campaigns are listed instead (an empty list helps nobody find old campaigns).
   */
  readonly mostRecent: boolean;
  /** Pass back for the next page; absent on the last. */
  readonly nextToken?: string;
}

/** Where a list stopped: the catalogue's cursor and the span it walks (a token carries its own span). */
interface ListCursor {
  readonly k: string;
  readonly s: string;
  readonly u: string;
}

function decodeListToken(token: string): ListCursor {
  let cursor: ListCursor;
  try {
    cursor = JSON.parse(fromBase64Url(token)) as ListCursor;
  } catch {
    throw new InvalidCursorError();
  }
  const valid =
    typeof cursor === 'object' &&
    cursor !== null &&
    typeof cursor.k === 'string' &&
    typeof cursor.s === 'string' &&
    typeof cursor.u === 'string' &&
    (isHour(cursor.s) || cursor.s === EARLIEST_HOUR) &&
    (isHour(cursor.u) || cursor.u === LATEST_HOUR) &&
    // A catalogue position: `<day>#<campaign>` (or `<hour>#<campaign>`, as entries of the previous layout are keyed).
    (cursor.k.charAt(10) === '#' || (cursor.k.charAt(13) === '#' && isHour(cursor.k.slice(0, 13)))) &&
    isHour(`${cursor.k.slice(0, 10)}T00`) &&
    cursor.k.slice(0, 10) >= dayOfHour(cursor.s) &&
    cursor.k.slice(0, 10) <= dayOfHour(cursor.u);
  if (!valid) throw new InvalidCursorError();
  return cursor;
}

/** The span of last activity a request lists, as hour buckets; `fallback` when it is the default window. */
export function listSpan(request: CampaignListRequest, now: Date): { sinceHour: string; untilHour: string; fallback: boolean } {
  if (request.all) return { sinceHour: EARLIEST_HOUR, untilHour: LATEST_HOUR, fallback: false };
  if (request.since || request.until)
    return {
      sinceHour: request.since ? hourOf(request.since.toISOString()) : EARLIEST_HOUR,
      untilHour: request.until ? hourOf(request.until.toISOString()) : LATEST_HOUR,
      fallback: false,
    };
  // Open at the top: events dated past the clock (a clock behind its data) are listed, not hidden.
  return { sinceHour: recentHours(now, request.hours ?? DEFAULT_HEALTH_HOURS)[0] ?? EARLIEST_HOUR, untilHour: LATEST_HOUR, fallback: true };
}

/** Up to `limit` periods from the catalogue, walking past entries a moved period left behind. */
async function periodsPage(
  span: { sinceHour: string; untilHour: string },
  limit: number,
  cursor: string | undefined,
  deps: SuppressionDeps,
): Promise<{ periods: CampaignPeriod[]; nextCursor?: string }> {
  const periods: CampaignPeriod[] = [];
  let next = cursor;
  for (let reads = 0; reads < MAX_CATALOGUE_READS_PER_PAGE && periods.length < limit; reads++) {
    const page = await deps.campaigns.catalogue({ ...span, limit: limit - periods.length, ...(next ? { cursor: next } : {}) });
    periods.push(...page.periods);
    next = page.nextCursor;
    if (!next) break;
  }
  return { periods, ...(next ? { nextCursor: next } : {}) };
}

/**
 * Campaigns by last activity, newest day first (newest hour first within a page), each with its period and its figures over its own
 * last 72 h of activity. The catalogue is read a page at a time (a range of one partition, never a
 * scan of the counters); only the listed campaigns' counters are read. The default window (the last
 * 72 h on the clock) falls back to the most recent campaigns when it holds none.
 */
export async function listCampaigns(
  request: CampaignListRequest,
  deps: SuppressionDeps & { readonly pauses?: CampaignPauses },
): Promise<CampaignList> {
  const now = deps.clock();
  const frozen = { ...deps, clock: () => now };
  const limit = Math.min(request.limit ?? MAX_CAMPAIGNS_LISTED, MAX_CAMPAIGNS_LISTED);
  const cursor = request.nextToken ? decodeListToken(request.nextToken) : null;
  const asked = cursor ? { sinceHour: cursor.s, untilHour: cursor.u, fallback: false } : listSpan(request, now);
  let span = { sinceHour: asked.sinceHour, untilHour: asked.untilHour };
  let page = await periodsPage(span, limit, cursor?.k, frozen);
  let mostRecent = false;
  if (asked.fallback && page.periods.length === 0 && !page.nextCursor) {
    span = { sinceHour: EARLIEST_HOUR, untilHour: LATEST_HOUR };
    page = await periodsPage(span, limit, undefined, frozen);
    mostRecent = page.periods.length > 0;
  }
  const rows: Array<CampaignSummary | null> = page.periods.map(() => null);
  await forEachLimited(page.periods, FIGURES_IN_FLIGHT, async (period, index) => {
    let view: HealthView;
    try {
      view = await health(period.campaign, { hours: DEFAULT_HEALTH_HOURS }, frozen, period);
    } catch (error) {
      if (error instanceof NotFoundError) return; // erased or never counted after all: nothing to show
      throw error;
    }
    rows[index] = {
      campaign: period.campaign,
      firstActiveHour: period.firstHour,
      lastActiveHour: period.lastHour,
      verdict: view.verdict,
      sends: view.sends,
      hardBounceRate: view.hardBounceRate,
      hardBounceRateLowerBound: view.hardBounceRateLowerBound,
      complaintRate: view.complaintRate,
      findings: view.findings.length,
      window: view.window,
      from: view.from,
      to: view.to,
      paused: deps.pauses ? await deps.pauses.isPaused(period.campaign) : false,
      estimated: view.estimated,
      estimates: view.estimates,
      evidence: view.evidence,
    };
  });
  const open = (hour: string) => (hour === EARLIEST_HOUR || hour === LATEST_HOUR ? null : hour);
  return {
    campaigns: rows.filter((row): row is CampaignSummary => row !== null),
    sinceHour: open(asked.sinceHour),
    untilHour: open(asked.untilHour),
    mostRecent,
    ...(page.nextCursor ? { nextToken: toBase64Url(JSON.stringify({ k: page.nextCursor, s: span.sinceHour, u: span.untilHour })) } : {}),
  };
}

/** One hour of a campaign. */
export interface HourPoint {
  readonly hour: string;
  readonly sends: number;
  readonly hardBounces: number;
  readonly softBounces: number;
  readonly complaints: number;
  readonly hardBounceRate: number;
  readonly complaintRate: number;
}

export interface CampaignSeries {
  readonly campaign: string;
  readonly window: HealthWindow;
  readonly hours: readonly HourPoint[];
  readonly breakdowns: CampaignBreakdowns;
}

/** A campaign hour by hour over the window `health` reads (by default its own last 72 h of activity), and its breakdowns. */
export async function campaignSeries(campaign: string, request: HealthWindowRequest, deps: SuppressionDeps): Promise<CampaignSeries> {
  const { window } = await healthWindow(campaign, request, deps);
  // One read of every active hour's counters: the window's totals are their sum.
  const byHour = await deps.campaigns.hourlyTotals(campaign, window.fromHour, window.toHour);
  if (byHour.length === 0)
    throw new NotFoundError(`no activity for campaign ${campaign} from ${window.fromHour}:00 to ${window.toHour}:59 UTC`);
  const points: HourPoint[] = [];
  for (const { hour, totals } of byHour) {
    const figures = campaignHealth(totals.counts);
    points.push({
      hour,
      sends: figures.sends,
      hardBounces: figures.hardBounces,
      softBounces: figures.softBounces,
      complaints: figures.complaints,
      hardBounceRate: figures.hardBounceRate,
      complaintRate: figures.complaintRate,
    });
  }
  return { campaign, window, hours: points, breakdowns: campaignBreakdowns(mergeTotals(byHour.map((h) => h.totals)).counts) };
}
