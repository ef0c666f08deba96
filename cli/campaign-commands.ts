import { formatNumbers } from '../shared/app/alert-text.js';
import type { Estimate, HealthCount, HealthEvidence } from '../shared/domain/index.js';
import type { ApiClient } from './api-client.js';
import { ApiError } from './api-client.js';
import type { CommandIo } from './suppression-commands.js';
import { terminalLines, terminalSafe } from './terminal-text.js';

/** A finding as the API returns it. */
interface FindingView {
  readonly pattern: string;
  readonly verdict: string;
  readonly summary: string;
  readonly numbers: Record<string, number | string>;
  readonly action: string;
}

interface HealthView {
  readonly campaign: string;
  readonly verdict: string;
  readonly sends: number;
  readonly deliveries: number;
  readonly hardBounces: number;
  readonly complaints: number;
  readonly hardBounceRate: number;
  readonly hardBounceRateLowerBound: number;
  readonly complaintRate: number;
  readonly from: string | null;
  readonly to: string | null;
  readonly findings: readonly FindingView[];
  /** Absent from an API older than estimates and evidence: every count exact, evidence enough. */
  readonly estimated?: boolean;
  readonly estimates?: Partial<Record<HealthCount, Estimate>>;
  readonly evidence?: HealthEvidence;
  readonly evidenceNote?: string | null;
  /** The hours read and why (absent from an API older than periods). */
  readonly window?: WindowView;
  /** When the campaign ran (absent from an API older than periods). */
  readonly period?: { readonly firstHour: string; readonly lastHour: string };
}

interface WindowView {
  readonly fromHour: string;
  readonly toHour: string;
  readonly hours: number;
  readonly basis: 'last-activity' | 'requested';
}

/** Which period a report reads: its own last hours of activity (the default), or since/until as asked. */
export interface PeriodOptions {
  readonly hours?: number;
  readonly since?: string;
  readonly until?: string;
}

interface CampaignLine {
  readonly campaign: string;
  readonly verdict: string;
  readonly sends: number;
  readonly hardBounceRate: number;
  readonly hardBounceRateLowerBound: number;
  readonly complaintRate: number;
  readonly findings: number;
  readonly firstActiveHour?: string;
  readonly lastActiveHour?: string;
  readonly to: string | null;
  readonly paused: boolean;
  readonly estimates?: Partial<Record<HealthCount, Estimate>>;
  readonly evidence?: HealthEvidence;
}

/** A count as the API gave it: its estimate's words (`≈3,060 (±3 %)`) when it is one. */
const countOf = (value: number, estimate: Estimate | undefined): string => estimate?.text ?? String(value);
const tooEarly = (evidence: HealthEvidence | undefined): boolean => evidence === 'too-early' || evidence === 'no-sends';

interface PauseView {
  readonly campaign: string;
  readonly paused: boolean;
  readonly configurationSet: string | null;
}

const percent = (fraction: number): string => `${(fraction * 100).toFixed(2)} %`;

function failed(error: unknown, io: CommandIo, what: string): number {
  const status = error instanceof ApiError ? ` (HTTP ${error.status})` : '';
  io.stderr.write(`bounce ${what}: ${terminalSafe((error as Error).message)}${status}\n`);
  return 1;
}

/** Columns padded to their widest cell; numbers right-aligned. */
export function alignedTable(
  header: readonly string[],
  cells: ReadonlyArray<readonly string[]>,
  rightAligned: ReadonlySet<number>,
  minWidths: readonly number[] = [],
): string {
  // Names from outside (campaign tags) cannot break a row or drive the terminal.
  const rows = cells.map((row) => row.map(terminalSafe));
  const widths = header.map((title, i) => Math.max(minWidths[i] ?? 0, title.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => (rightAligned.has(i) ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return `${[line(header), ...rows.map(line)].join('\n')}\n`;
}

interface CampaignPage {
  readonly campaigns: CampaignLine[];
  readonly sinceHour: string | null;
  readonly untilHour: string | null;
  readonly mostRecent?: boolean;
  readonly nextToken?: string;
}

export interface CampaignsOptions extends PeriodOptions {
  /** Every campaign, whenever it ran, page after page. */
  readonly all?: boolean;
  readonly json: boolean;
}

const CAMPAIGN_HEADER = [
  'CAMPAIGN',
  'FIRST ACTIVE',
  'LAST ACTIVE',
  'SENDS',
  'HARD BOUNCE',
  'AT LEAST',
  'COMPLAINTS',
  'VERDICT',
  'FINDINGS',
];
const CAMPAIGN_NUMBERS = new Set([3, 4, 5, 6, 8]);

const campaignRow = (c: CampaignLine): string[] => [
  c.campaign,
  c.firstActiveHour ?? '',
  c.lastActiveHour ?? c.to ?? '',
  countOf(c.sends, c.estimates?.sends),
  percent(c.hardBounceRate),
  c.evidence === 'no-sends' ? 'no sends' : c.evidence === 'too-early' ? 'too early' : percent(c.hardBounceRateLowerBound),
  percent(c.complaintRate),
  (c.verdict === 'ok' && tooEarly(c.evidence) ? 'too early to tell' : c.verdict) + (c.paused ? ' (paused)' : ''),
  String(c.findings),
];

/** What a list covers, in words: the span of last activity, on the runtime's clock. */
function spanText(page: CampaignPage, options: CampaignsOptions): string {
  const from = page.sinceHour ? `${page.sinceHour}:00` : null;
  const to = page.untilHour ? `${page.untilHour}:59` : null;
  if (options.all || (!from && !to)) return 'whenever they ran';
  if (options.since || options.until) return from && to ? `from ${from} to ${to} UTC` : from ? `since ${from} UTC` : `until ${to} UTC`;
  return `in the last ${options.hours ?? 72} h (since ${from} UTC on the runtime's clock)`;
}

/**
 * `bounce campaigns`: campaigns by last activity, most recent first, with when they ran and their
 * figures over their own last 72 h of activity. By default those last active in the last 72 h of
 * the runtime's clock, else (none) the most recent ones; --since/--until choose the span, --all
 * lists every campaign a page at a time (rows are written as each page arrives).
 */
export async function campaignsCommand(api: ApiClient, options: CampaignsOptions, io: CommandIo): Promise<number> {
  const query: Record<string, string | undefined> = {
    ...(options.hours ? { hours: String(options.hours) } : {}),
    ...(options.since ? { since: options.since } : {}),
    ...(options.until ? { until: options.until } : {}),
    ...(options.all ? { all: 'true' } : {}),
  };
  try {
    let page = await api.request<CampaignPage>('GET', '/campaigns', { query });
    if (options.json) {
      // One JSON array (the contract), written page by page.
      let first = true;
      io.stdout.write('[');
      for (;;) {
        for (const row of page.campaigns) {
          io.stdout.write(`${first ? '\n' : ',\n'}${JSON.stringify(row)}`);
          first = false;
        }
        if (!options.all || !page.nextToken) break;
        page = await api.request<CampaignPage>('GET', '/campaigns', { query: { ...query, nextToken: page.nextToken } });
      }
      io.stdout.write(first ? ']\n' : '\n]\n');
      return 0;
    }
    const span = spanText(page, options);
    if (page.campaigns.length === 0) {
      io.stdout.write(
        options.since || options.until
          ? `No campaign was last active ${span}; "bounce campaigns --all" lists every campaign.\n`
          : 'No campaign has been recorded yet.\n',
      );
      return 0;
    }
    io.stdout.write(
      page.mostRecent ? `No campaign was active ${span}; the most recent ones:\n` : `Campaigns last active ${span}, most recent first:\n`,
    );
    // Pages after the first keep the first page's column widths (at least), so the columns stay aligned.
    let widths: number[] = [];
    for (let printed = false; ; printed = true) {
      const rows = page.campaigns.map(campaignRow);
      widths = CAMPAIGN_HEADER.map((title, i) => Math.max(widths[i] ?? 0, title.length, ...rows.map((row) => (row[i] ?? '').length)));
      const table = alignedTable(CAMPAIGN_HEADER, rows, CAMPAIGN_NUMBERS, widths);
      io.stdout.write(printed ? table.slice(table.indexOf('\n') + 1) : table);
      if (!options.all || !page.nextToken) break;
      page = await api.request<CampaignPage>('GET', '/campaigns', { query: { ...query, nextToken: page.nextToken } });
    }
    io.stdout.write(
      "Figures: each campaign's last 72 h of activity (bounce health CAMPAIGN for its findings).\n" +
        (page.nextToken && !options.all ? 'More campaigns: --all lists every one, --since/--until narrow the span.\n' : ''),
    );
    return 0;
  } catch (error) {
    return failed(error, io, 'campaigns');
  }
}

/** The exact `--json` form of `bounce health` (a contract for scripts). */
export function healthJson(view: HealthView): unknown {
  return {
    campaign: view.campaign,
    verdict: view.verdict,
    sends: view.sends,
    hardBounceRate: view.hardBounceRate,
    hardBounceRateLowerBound: view.hardBounceRateLowerBound,
    complaintRate: view.complaintRate,
    hardBounces: view.hardBounces,
    complaints: view.complaints,
    estimated: view.estimated ?? false,
    estimates: view.estimates ?? {},
    evidence: view.evidence ?? 'enough',
    evidenceNote: view.evidenceNote ?? null,
    window: view.window ? { from: view.window.fromHour, to: view.window.toHour, hours: view.window.hours, basis: view.window.basis } : null,
    period: view.period ? { first: view.period.firstHour, last: view.period.lastHour } : null,
    findings: view.findings.map((f) => ({
      pattern: f.pattern,
      verdict: f.verdict,
      summary: f.summary,
      numbers: f.numbers,
      action: f.action,
    })),
  };
}

/** Which hours a report read, in words. */
function windowText(view: HealthView, hours: number): string {
  const window = view.window;
  if (!window) return `last ${hours} h (${view.from ?? '?'}:00 to ${view.to ?? '?'}:59 UTC)`;
  const span = `${window.fromHour}:00 to ${window.toHour}:59 UTC`;
  return window.basis === 'last-activity' ? `its last ${window.hours} h of activity, ${span}` : `${span} (as asked, within its activity)`;
}

/** The health of one campaign for a person. */
export function healthText(view: HealthView, hours: number): string {
  const estimates = view.estimates ?? {};
  const rate =
    view.evidence === 'no-sends'
      ? 'no rate (no send recorded)'
      : view.evidence === 'too-early'
        ? `${percent(view.hardBounceRate)} (${view.evidenceNote ?? 'too early to tell'})`
        : `${percent(view.hardBounceRate)} (at least ${percent(view.hardBounceRateLowerBound)} with 95 % confidence` +
          `${estimates.sends || estimates.hardBounces ? ", counting the estimates' error" : ''})`;
  const lines = [
    `Campaign ${view.campaign}: ${view.verdict === 'ok' && tooEarly(view.evidence) ? 'TOO EARLY TO TELL' : view.verdict.toUpperCase()}`,
    `  window             ${windowText(view, hours)}`,
    ...(view.period ? [`  ran                ${view.period.firstHour}:00 to ${view.period.lastHour}:59 UTC (first to last activity)`] : []),
    `  sends              ${countOf(view.sends, estimates.sends)}`,
    `  hard bounces       ${countOf(view.hardBounces, estimates.hardBounces)}: ${rate}`,
    `  complaints         ${countOf(view.complaints, estimates.complaints)}: ${percent(view.complaintRate)}`,
  ];
  if (view.estimated) lines.push('', 'Counts marked ≈ are estimates (above 100 events in a counter-hour), ± one standard error.');
  if (view.findings.length === 0) lines.push('', 'No findings: nothing to do.');
  for (const finding of view.findings) {
    lines.push('', `${finding.verdict.toUpperCase()}  ${finding.pattern}`, `  ${finding.summary}`);
    lines.push(`  numbers: ${formatNumbers(finding.numbers)}`, `  what to do: ${finding.action}`);
  }
  return terminalLines(lines);
}

/** `bounce health CAMPAIGN`: figures and findings over its own last 72 h of activity (or --hours/--since/--until). */
export async function healthCommand(
  api: ApiClient,
  campaign: string,
  options: PeriodOptions & { readonly json: boolean },
  io: CommandIo,
): Promise<number> {
  const hours = options.hours ?? 72;
  try {
    const view = await api.request<HealthView>('GET', `/campaigns/${encodeURIComponent(campaign)}/health`, {
      query: { hours: String(hours), since: options.since, until: options.until },
    });
    io.stdout.write(options.json ? `${JSON.stringify(healthJson(view), null, 2)}\n` : healthText(view, hours));
    return 0;
  } catch (error) {
    return failed(error, io, 'health');
  }
}

/** `bounce pause|resume CAMPAIGN --reason T`. */
export async function pauseCommand(
  api: ApiClient,
  action: 'pause' | 'resume',
  campaign: string,
  reason: string,
  io: CommandIo,
): Promise<number> {
  try {
    const view = await api.request<PauseView>(action === 'pause' ? 'PUT' : 'DELETE', `/campaigns/${encodeURIComponent(campaign)}/pause`, {
      body: { reason },
    });
    const set = view.configurationSet ? ` (SES configuration set ${view.configurationSet} ${view.paused ? 'off' : 'on'})` : '';
    io.stdout.write(
      view.paused
        ? `Campaign ${terminalSafe(campaign)} is paused${set}: sends are refused and due retries wait until it is resumed.\n`
        : `Campaign ${terminalSafe(campaign)} is resumed${set}: sends go out again, waiting retries within 15 minutes.\n`,
    );
    return 0;
  } catch (error) {
    return failed(error, io, action);
  }
}
