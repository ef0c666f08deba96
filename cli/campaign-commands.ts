import type { ApiClient } from './api-client.js';
import { ApiError } from './api-client.js';
import type { CommandIo } from './suppression-commands.js';

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
}

interface PauseView {
  readonly campaign: string;
  readonly paused: boolean;
  readonly configurationSet: string | null;
}

const percent = (fraction: number): string => `${(fraction * 100).toFixed(2)} %`;

function failed(error: unknown, io: CommandIo, what: string): number {
  const status = error instanceof ApiError ? ` (HTTP ${error.status})` : '';
  io.stderr.write(`bounce ${what}: ${(error as Error).message}${status}\n`);
  return 1;
}

/** Columns padded to their widest cell; numbers right-aligned. */
export function alignedTable(header: readonly string[], rows: ReadonlyArray<readonly string[]>, rightAligned: ReadonlySet<number>): string {
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
      String(c.sends),
      percent(c.hardBounceRate),
      percent(c.hardBounceRateLowerBound),
      percent(c.complaintRate),
      c.verdict + (c.paused ? ' (paused)' : ''),
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
    findings: view.findings.map((f) => ({
      pattern: f.pattern,
      verdict: f.verdict,
      summary: f.summary,
      numbers: f.numbers,
      action: f.action,
    })),
  };
}

const FRACTIONS = new Set(['rate', 'lowerBound', 'share']);
const numbersInWords = (numbers: Record<string, number | string>): string =>
  Object.entries(numbers)
    .map(([name, value]) => `${name} ${typeof value === 'number' && FRACTIONS.has(name) ? percent(value) : String(value)}`)
    .join(', ');

/** The health of one campaign for a person. */
export function healthText(view: HealthView, hours: number): string {
  const lines = [
    `Campaign ${view.campaign}: ${view.verdict.toUpperCase()}`,
    `  window             last ${hours} h (${view.from ?? '?'}:00 to ${view.to ?? '?'}:59 UTC)`,
    `  sends              ${view.sends}`,
    `  hard bounces       ${view.hardBounces}: ` +
      `${percent(view.hardBounceRate)} (at least ` +
      `${percent(view.hardBounceRateLowerBound)} with 95 % confidence)`,
    `  complaints         ${view.complaints}: ${percent(view.complaintRate)}`,
  ];
  if (view.findings.length === 0) lines.push('', 'No findings: nothing to do.');
  for (const finding of view.findings) {
    lines.push('', `${finding.verdict.toUpperCase()}  ${finding.pattern}`, `  ${finding.summary}`);
    lines.push(`  numbers: ${numbersInWords(finding.numbers)}`, `  what to do: ${finding.action}`);
  }
  return `${lines.join('\n')}\n`;
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
        ? `Campaign ${campaign} is paused${set}: sends are refused and due retries wait until it is resumed.\n`
        : `Campaign ${campaign} is resumed${set}: sends and held retries go out again.\n`,
    );
    return 0;
  } catch (error) {
    return failed(error, io, action);
  }
}
