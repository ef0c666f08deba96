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
}

interface CampaignLine {
  readonly campaign: string;
  readonly verdict: string;
  readonly sends: number;
  readonly hardBounceRate: number;
  readonly hardBounceRateLowerBound: number;
  readonly complaintRate: number;
  readonly findings: number;
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
): string {
  // Names from outside (campaign tags) cannot break a row or drive the terminal.
  const rows = cells.map((row) => row.map(terminalSafe));
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => (rightAligned.has(i) ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return `${[line(header), ...rows.map(line)].join('\n')}\n`;
}

/** `bounce campaigns`: recent campaigns with sends, rates and verdict. */
export async function campaignsCommand(api: ApiClient, hours: number, json: boolean, io: CommandIo): Promise<number> {
  try {
    const { campaigns } = await api.request<{ campaigns: CampaignLine[] }>('GET', '/campaigns', { query: { hours: String(hours) } });
    if (json) {
      io.stdout.write(`${JSON.stringify(campaigns, null, 2)}\n`);
      return 0;
    }
    if (campaigns.length === 0) {
      io.stdout.write(`No campaign was active in the last ${hours} hours.\n`);
      return 0;
    }
    const rows = campaigns.map((c) => [
      c.campaign,
      countOf(c.sends, c.estimates?.sends),
      percent(c.hardBounceRate),
      c.evidence === 'no-sends' ? 'no sends' : c.evidence === 'too-early' ? 'too early' : percent(c.hardBounceRateLowerBound),
      percent(c.complaintRate),
      (c.verdict === 'ok' && tooEarly(c.evidence) ? 'too early to tell' : c.verdict) + (c.paused ? ' (paused)' : ''),
      String(c.findings),
      c.to ?? '',
    ]);
    io.stdout.write(
      alignedTable(
        ['CAMPAIGN', 'SENDS', 'HARD BOUNCE', 'AT LEAST', 'COMPLAINTS', 'VERDICT', 'FINDINGS', 'LAST ACTIVE HOUR'],
        rows,
        new Set([1, 2, 3, 4, 6]),
      ),
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
    findings: view.findings.map((f) => ({
      pattern: f.pattern,
      verdict: f.verdict,
      summary: f.summary,
      numbers: f.numbers,
      action: f.action,
    })),
  };
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
    `  window             last ${hours} h (${view.from ?? '?'}:00 to ${view.to ?? '?'}:59 UTC)`,
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

/** `bounce health CAMPAIGN`: figures and findings. */
export async function healthCommand(api: ApiClient, campaign: string, hours: number, json: boolean, io: CommandIo): Promise<number> {
  try {
    const view = await api.request<HealthView>('GET', `/campaigns/${encodeURIComponent(campaign)}/health`, {
      query: { hours: String(hours) },
    });
    io.stdout.write(json ? `${JSON.stringify(healthJson(view), null, 2)}\n` : healthText(view, hours));
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
