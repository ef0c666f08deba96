import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RuntimeFile } from '../../local/runtime-file.js';
import { bounce, startBounce, type StartedRuntime } from '../support/cli.js';

/** 10 simulated hours a real second: a campaign's last activity is 72 h old within seconds. */
const SCALE = 36_000;
const HOUR = 3600_000;

interface HealthJson {
  readonly verdict: string;
  readonly sends: number;
  readonly hardBounces: number;
  readonly complaints: number;
  readonly window: { readonly from: string; readonly to: string; readonly hours: number; readonly basis: string };
  readonly period: { readonly first: string; readonly last: string };
}

interface Row {
  readonly campaign: string;
  readonly sends: number;
  readonly firstActiveHour: string;
  readonly lastActiveHour: string;
}

/** What the runtime's clock reads now, from its runtime.json. */
function clockOf(file: RuntimeFile): number {
  const origin = file.clockOrigin ?? { real: file.startedAt, simulated: file.startedAt };
  return Date.parse(origin.simulated) + (Date.now() - Date.parse(origin.real)) * file.timeScale;
}

let dir: string;
let runtime: StartedRuntime;
const b = (...args: string[]) => bounce([...args, '--data', join(dir, 'data')]);
const json = async <T>(...args: string[]): Promise<T> => {
  const run = await b(...args, '--json');
  expect(run.stderr).toBe('');
  return JSON.parse(run.stdout) as T;
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'bounce-periods-'));
  const world = [
    {
      address: 'dead@world.test',
      responses: [{ bounce: { bounceType: 'Permanent', status: '5.1.1', diagnosticCode: 'smtp; 550 5.1.1 user unknown' } }],
    },
    { address: 'angry@world.test', responses: [{ complaint: true }] },
  ];
  writeFileSync(join(dir, 'world.jsonl'), world.map((line) => JSON.stringify(line)).join('\n'));
  const to = ['dead@world.test', 'angry@world.test', ...Array.from({ length: 10 }, (_, i) => `ok${i}@world.test`)];
  writeFileSync(
    join(dir, 'send.jsonl'),
    to
      .map((address) => JSON.stringify({ to: address, from: 'news@example.com', subject: 'Hi', text: 'x', tags: { campaign: 'fast' } }))
      .join('\n'),
  );
  runtime = await startBounce(join(dir, 'data'), [
    '--port',
    '0',
    '--memory',
    '--world',
    join(dir, 'world.jsonl'),
    '--time-scale',
    String(SCALE),
  ]);
}, 120_000);

afterAll(async () => {
  expect(await runtime?.stop()).toBe(0);
}, 120_000);

describe('time that means what it says, on a fast clock', () => {
  it('a campaign whose activity is days old on the runtime clock is listed and read over its own last 72 h', async () => {
    expect((await b('send', join(dir, 'send.jsonl'))).status).toBe(0);
    // Waits on the API itself (a CLI process per poll is slow on a loaded machine) until the counts settle.
    // (Under load the world may miss a message's tags and count it untagged: the figures are compared, not fixed.)
    type ApiHealth = Omit<HealthJson, 'period'> & { period: { lastHour: string } };
    let health: ApiHealth | null = null;
    let seen = '';
    for (let i = 0, same = 0; i < 240 && same < 8; i++) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      const response = await fetch(`${runtime.file.apiUrl}/campaigns/fast/health`);
      health = response.ok ? ((await response.json()) as ApiHealth) : null;
      const now = health ? `${health.sends}/${health.hardBounces}/${health.complaints}` : '';
      same = now !== '' && now === seen ? same + 1 : 0;
      seen = now;
    }
    expect(health?.sends).toBeGreaterThan(0);
    const figures = { sends: health?.sends, hardBounces: health?.hardBounces, complaints: health?.complaints };
    // Let the runtime's clock run more than 72 h past the campaign's last hour.
    const last = Date.parse(`${health?.period.lastHour ?? ''}:00:00Z`);
    while (clockOf(runtime.file) < last + 75 * HOUR) await new Promise((resolve) => setTimeout(resolve, 200));

    const later = await json<HealthJson>('health', 'fast');
    expect(later).toMatchObject({
      ...figures,
      window: { hours: 72, basis: 'last-activity', to: health?.period.lastHour },
    });
    const text = await b('health', 'fast');
    expect(text.stdout).toContain(`  window             its last 72 h of activity, ${later.window.from}:00 to ${later.window.to}:59 UTC\n`);

    const rows = await json<Row[]>('campaigns');
    expect(rows.find((r) => r.campaign === 'fast')?.sends).toBe(figures.sends);
    const list = await b('campaigns');
    expect(list.stdout).toMatch(
      /^No campaign was active in the last 72 h \(since \d{4}-\d\d-\d\dT\d\d:00 UTC on the runtime's clock\); the most recent ones:\n/,
    );
    expect(list.stdout).toMatch(
      new RegExp(`\\nfast +\\d{4}-\\d\\d-\\d\\dT\\d\\d +\\d{4}-\\d\\d-\\d\\dT\\d\\d +${figures.sends ?? 0} +\\d+\\.\\d\\d % `),
    );
  }, 300_000);

  it('the Quick-start example campaign, dated weeks ago, is listed and has a verdict after ingest', async () => {
    expect((await b('ingest', 'examples/notifications.jsonl')).status).toBe(0);
    let rows: Row[] = [];
    for (let i = 0; i < 120; i++) {
      const response = await fetch(`${runtime.file.apiUrl}/campaigns/nov-offers/health`);
      if (response.ok) break;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    rows = await json<Row[]>('campaigns');
    expect(rows.find((r) => r.campaign === 'nov-offers')).toMatchObject({
      firstActiveHour: '2026-11-20T10',
      lastActiveHour: '2026-11-20T10',
    });
    // Most recent first: the fast-clock campaign ran after the example.
    expect(rows.map((r) => r.campaign).indexOf('fast')).toBeLessThan(rows.map((r) => r.campaign).indexOf('nov-offers'));
    const health = await json<HealthJson>('health', 'nov-offers');
    expect(health.verdict).toEqual(expect.any(String));
    expect(health).toMatchObject({
      window: { from: '2026-11-17T11', to: '2026-11-20T10', basis: 'last-activity' },
      period: { first: '2026-11-20T10' },
    });
  }, 180_000);

  it('--since/--until choose campaigns by last activity; health reads the hours asked within the campaign', async () => {
    const november = await json<Row[]>('campaigns', '--since', '2026-11-01', '--until', '2026-11-30T23:59Z');
    expect(november.map((r) => r.campaign)).toContain('nov-offers');
    expect(november.map((r) => r.campaign)).not.toContain('fast');
    const fast = (await json<Row[]>('campaigns', '--all')).find((r) => r.campaign === 'fast');
    const since = await json<Row[]>('campaigns', '--since', `${fast?.lastActiveHour ?? ''}:00Z`);
    expect(since.map((r) => r.campaign)).toEqual(['fast']);
    const none = await b('campaigns', '--since', '2026-01-01', '--until', '2026-01-31');
    expect(none.status).toBe(0);
    expect(none.stdout).toBe(
      'No campaign was last active from 2026-01-01T00:00 to 2026-01-31T00:59 UTC; "bounce campaigns --all" lists every campaign.\n',
    );

    const asked = await json<HealthJson>('health', 'nov-offers', '--since', '2026-11-20T10:00Z', '--until', '2026-11-20T10:59Z');
    expect(asked.window).toEqual({ from: '2026-11-20T10', to: '2026-11-20T10', hours: 1, basis: 'requested' });
    const outside = await b('health', 'nov-offers', '--since', '2026-11-21');
    expect(outside.status).toBe(1);
    expect(outside.stderr).toBe(
      'bounce health: no activity for campaign nov-offers since 2026-11-21T00:00 UTC (it ran from 2026-11-20T10:00 to 2026-11-20T10:59 UTC) (HTTP 404)\n',
    );
    const typo = await b('campaigns', '--since', 'yesterday');
    expect(typo.status).toBe(2);
    expect(typo.stderr).toContain('--since/--until take an ISO date or time');
  }, 300_000);
});
