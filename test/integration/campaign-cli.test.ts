import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { capture } from '../support/runtime-process.js';
import { ApiClient } from '../../cli/api-client.js';
import { campaignsCommand, healthCommand, pauseCommand } from '../../cli/campaign-commands.js';
import { serveApi, type LocalApiServer } from '../../local/http-server.js';
import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { composeApi, composePauses, documentClient } from '../../shared/adapters/compose.js';
import { ensureTables } from '../../shared/adapters/outbound/create-tables.js';
import { DynamoCampaignRepository } from '../../shared/adapters/outbound/dynamo-campaign-repository.js';
import { addToSketch, EMPTY_SKETCH, estimateDistinct, FINDING_PATTERNS, hash53, hourOf } from '../../shared/domain/index.js';
import { seedCounts } from '../support/counters.js';
import { startDynamo, type Dynamo } from '../support/emulators.js';
import { TEST_ERASURE_KEY } from '../support/erasure-fakes.js';

const NOW = new Date('2026-11-25T12:30:00Z');
const tables = { addressTable: 'cli-addresses', campaignTable: 'cli-campaigns' };
let dynamo: Dynamo;
let server: LocalApiServer;
let api: ApiClient;
let repository: DynamoCampaignRepository;

beforeAll(async () => {
  dynamo = await startDynamo();
  await ensureTables(dynamo.client, tables);
  repository = new DynamoCampaignRepository(documentClient(dynamo.client), tables.campaignTable);
  const seed = async (campaign: string, hour: string, volume: Record<string, number>, outcomes: Record<string, number>) => {
    await repository.markActive(campaign, hour);
    await seedCounts(repository, campaign, hour, { ...volume, ...outcomes });
  };
  await seed('spring-sale', hourOf(NOW.toISOString()), { sends: 20_000, deliveries: 19_376 }, { hardBounces: 600, complaints: 24 });
  await seed('newsletter', '2026-11-25T09', { sends: 500, deliveries: 499 }, { softBounces: 1 });
  server = await serveApi(composeApi({ dynamo: dynamo.client, tables, clock: () => NOW, erasureKey: TEST_ERASURE_KEY }), { port: 0 });
  api = new ApiClient(server.url);
});
afterAll(async () => {
  await server?.close();
  await dynamo?.stop();
});

describe('bounce campaigns', () => {
  it('prints an aligned table, most recently active first', async () => {
    const { io, out } = capture();
    expect(await campaignsCommand(api, { json: false }, io)).toBe(0);
    expect(out()).toBe(
      [
        "Campaigns last active in the last 72 h (since 2026-11-22T13:00 UTC on the runtime's clock), most recent first:",
        'CAMPAIGN     FIRST ACTIVE   LAST ACTIVE    SENDS  HARD BOUNCE  AT LEAST  COMPLAINTS  VERDICT  FINDINGS',
        'spring-sale  2026-11-25T12  2026-11-25T12  20000       3.00 %    2.81 %      0.12 %  danger          2',
        'newsletter   2026-11-25T09  2026-11-25T09    500       0.00 %    0.00 %      0.00 %  ok              0',
        "Figures: each campaign's last 72 h of activity (bounce health CAMPAIGN for its findings).",
        '',
      ].join('\n'),
    );
  });

  it('--json gives the same rows for machines, and shows a pause', async () => {
    await composePauses({ dynamo: dynamo.client, tables }).pauses.pause({
      campaign: 'newsletter',
      reason: 'test',
      actor: 'test',
      pausedAt: NOW.toISOString(),
      automatic: false,
    });
    const { io, out } = capture();
    expect(await campaignsCommand(api, { json: true }, io)).toBe(0);
    const rows = JSON.parse(out()) as Array<Record<string, unknown>>;
    expect(rows.map((r) => [r.campaign, r.sends, r.verdict, r.paused])).toEqual([
      ['spring-sale', 20_000, 'danger', false],
      ['newsletter', 500, 'ok', true],
    ]);
    await composePauses({ dynamo: dynamo.client, tables }).pauses.resume('newsletter');
  });

  it('a shorter window leaves older campaigns out', async () => {
    const { io, out } = capture();
    expect(await campaignsCommand(api, { hours: 2, json: true }, io)).toBe(0);
    expect((JSON.parse(out()) as Array<{ campaign: string }>).map((r) => r.campaign)).toEqual(['spring-sale']);
  });
});

describe('the campaign catalogue', () => {
  const catalogueEntries = async (campaign: string) => {
    const entries = await documentClient(dynamo.client).send(
      new QueryCommand({
        TableName: tables.campaignTable,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': 'CAMPAIGNS' },
      }),
    );
    return (entries.Items ?? []).map((item) => String(item.sk)).filter((sk) => sk.endsWith(`#${campaign}`));
  };

  it('keeps one entry per campaign at the day of its last hour, with its first and last hours, whatever order the hours come in', async () => {
    // A new repository per write: each container's cache is its own.
    for (const hour of ['2026-10-02T05', '2026-10-03T07', '2026-10-01T00', '2026-10-03T07', '2026-10-02T23'])
      await seedCounts(new DynamoCampaignRepository(documentClient(dynamo.client), tables.campaignTable), 'moving', hour, { sends: 1 });
    const page = await repository.catalogue({ sinceHour: '2026-09-01T00', untilHour: '2026-10-31T23', limit: 100 });
    expect(page.periods).toEqual([{ campaign: 'moving', firstHour: '2026-10-01T00', lastHour: '2026-10-03T07' }]);
    expect(await catalogueEntries('moving')).toEqual(['2026-10-03#moving']);
    // The span is read by the last hour, not its day.
    const before = await repository.catalogue({ sinceHour: '2026-09-01T00', untilHour: '2026-10-03T06', limit: 100 });
    expect(before.periods).toEqual([]);
  });

  it('costs at most three writes a campaign-day, however many hours of the day it is active in', async () => {
    const client = documentClient(dynamo.client);
    const counting = new DynamoCampaignRepository(client, tables.campaignTable);
    const sent = vi.spyOn(client, 'send');
    const writes = () => sent.mock.calls.filter(([command]) => /^(Put|Update|Delete)/.test(command.constructor.name)).length;
    try {
      for (let h = 0; h < 24; h++) await counting.recordPeriod('hourly', `2026-10-05T${String(h).padStart(2, '0')}`);
      expect(writes()).toBe(2); // the period and the new entry: no earlier entry to remove
      await counting.recordPeriod('hourly', '2026-10-06T00');
      expect(writes()).toBe(5);
    } finally {
      sent.mockRestore();
    }
    expect(await catalogueEntries('hourly')).toEqual(['2026-10-06#hourly']);
  });

  it('lists a campaign of the previous hour-keyed layout, and moves it to the new layout on a later day only', async () => {
    const client = documentClient(dynamo.client);
    await client.send(
      new PutCommand({
        TableName: tables.campaignTable,
        Item: { pk: 'CAMPAIGN#legacy', sk: 'PERIOD', campaign: 'legacy', firstHour: '2026-09-28T02', lastHour: '2026-09-30T05' },
      }),
    );
    await client.send(new PutCommand({ TableName: tables.campaignTable, Item: { pk: 'CAMPAIGNS', sk: '2026-09-30T05#legacy' } }));
    await seedCounts(repository, 'legacy', '2026-09-28T02', { sends: 1 });
    await seedCounts(repository, 'legacy', '2026-09-30T05', { sends: 1 });
    const listed = await repository.catalogue({ sinceHour: '2026-09-30T00', untilHour: '2026-09-30T23', limit: 100 });
    expect(listed.periods).toEqual([{ campaign: 'legacy', firstHour: '2026-09-28T02', lastHour: '2026-09-30T05' }]);
    // An earlier day's late events leave it where it is; a later day moves it.
    await new DynamoCampaignRepository(client, tables.campaignTable).recordPeriod('legacy', '2026-09-29T10');
    expect(await catalogueEntries('legacy')).toEqual(['2026-09-30T05#legacy']);
    await seedCounts(new DynamoCampaignRepository(client, tables.campaignTable), 'legacy', '2026-10-01T08', { sends: 1 });
    expect(await catalogueEntries('legacy')).toEqual(['2026-10-01#legacy']);
  });

  it('GET /campaigns?all=true pages through every campaign, newest first, each once', async () => {
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await api.request<{ campaigns: Array<{ campaign: string; lastActiveHour: string }>; nextToken?: string }>(
        'GET',
        '/campaigns',
        {
          query: { all: 'true', limit: '2', nextToken: token },
        },
      );
      expect(page.campaigns.length).toBeLessThanOrEqual(2);
      seen.push(...page.campaigns.map((c) => `${c.lastActiveHour} ${c.campaign}`));
      token = page.nextToken;
      pages++;
    } while (token && pages < 20);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual([...seen].sort().reverse());
    expect(seen.map((line) => line.split(' ')[1])).toEqual(expect.arrayContaining(['spring-sale', 'newsletter', 'moving']));
    expect(pages).toBeGreaterThan(1);
  });
});

describe('bounce health', () => {
  it('--json is exactly the documented form', async () => {
    const { io, out } = capture();
    expect(await healthCommand(api, 'spring-sale', { json: true }, io)).toBe(0);
    const body = JSON.parse(out()) as Record<string, unknown> & { findings: Array<Record<string, unknown>> };
    expect(Object.keys(body)).toEqual([
      'campaign',
      'verdict',
      'sends',
      'hardBounceRate',
      'hardBounceRateLowerBound',
      'complaintRate',
      'hardBounces',
      'complaints',
      'estimated',
      'estimates',
      'evidence',
      'evidenceNote',
      'window',
      'period',
      'findings',
    ]);
    expect(body).toMatchObject({
      window: { from: '2026-11-22T13', to: '2026-11-25T12', hours: 72, basis: 'last-activity' },
      period: { first: '2026-11-25T12', last: '2026-11-25T12' },
    });
    // Seeded counts have exact sketches behind them: no mark.
    expect(body).toMatchObject({ estimated: false, estimates: {}, evidence: 'enough', evidenceNote: null });
    expect(body).toMatchObject({ campaign: 'spring-sale', verdict: 'danger', sends: 20_000, hardBounceRate: 0.03 });
    expect(body.complaintRate).toBeCloseTo(0.0012, 6);
    expect(body.findings.map((f) => Object.keys(f))).toEqual([
      ['pattern', 'verdict', 'summary', 'numbers', 'action'],
      ['pattern', 'verdict', 'summary', 'numbers', 'action'],
    ]);
    expect(body.findings.map((f) => f.pattern)).toEqual(['hard-bounce-rate', 'complaint-rate']);
    for (const f of body.findings) expect(FINDING_PATTERNS).toContain(f.pattern);
  });

  it('prints rates as percentages and actions in words for a person', async () => {
    const { io, out } = capture();
    expect(await healthCommand(api, 'spring-sale', { json: false }, io)).toBe(0);
    const text = out();
    expect(text).toContain('Campaign spring-sale: DANGER');
    expect(text).toContain('  window             its last 72 h of activity, 2026-11-22T13:00 to 2026-11-25T12:59 UTC\n');
    expect(text).toContain('  ran                2026-11-25T12:00 to 2026-11-25T12:59 UTC (first to last activity)\n');
    expect(text).toContain('hard bounces       600: 3.00 % (at least 2.81 % with 95 % confidence)');
    expect(text).toContain('complaints         24: 0.12 %');
    expect(text).toContain('DANGER  complaint-rate');
    expect(text).toContain('what to do: Stop sending this list');
    expect(text).toContain('numbers: hardBounces 600, attempted 20000, rate 3.00 %, lowerBound 2.81 %');
  });

  it('says so, with exit 1, for a campaign with no activity', async () => {
    const { io, err } = capture();
    expect(await healthCommand(api, 'unknown', { json: false }, io)).toBe(1);
    expect(err()).toBe('bounce health: no activity recorded for campaign unknown (HTTP 404)\n');
  });
});

describe('bounce pause / resume', () => {
  it('pauses and resumes through the API; a second pause and a resume of a running campaign fail', async () => {
    const pauses = composePauses({ dynamo: dynamo.client, tables }).pauses;
    const first = capture();
    expect(await pauseCommand(api, 'pause', 'spring-sale', 'bought list', first.io)).toBe(0);
    expect(first.out()).toBe('Campaign spring-sale is paused: sends are refused and due retries wait until it is resumed.\n');
    expect(await pauses.get('spring-sale')).toMatchObject({ reason: 'bought list', actor: 'local', automatic: false });
    const again = capture();
    expect(await pauseCommand(api, 'pause', 'spring-sale', 'again', again.io)).toBe(1);
    expect(again.err()).toContain('(HTTP 409)');
    const resumed = capture();
    expect(await pauseCommand(api, 'resume', 'spring-sale', 'list cleaned', resumed.io)).toBe(0);
    expect(resumed.out()).toBe('Campaign spring-sale is resumed: sends go out again, waiting retries within 15 minutes.\n');
    expect(await pauses.isPaused('spring-sale')).toBe(false);
    const notPaused = capture();
    expect(await pauseCommand(api, 'resume', 'spring-sale', 'twice', notPaused.io)).toBe(1);
    expect(notPaused.err()).toContain('(HTTP 404)');
  });
});

describe('estimates and evidence', () => {
  /** Counters written as the pipeline writes them: a sketch of that many distinct events and its estimate. */
  async function count(campaign: string, hour: string, name: string, events: number) {
    const sketch = addToSketch(
      EMPTY_SKETCH,
      Array.from({ length: events }, (_, i) => hash53(`${campaign}-${name}-${i}`)),
    );
    expect(await repository.writeCounter({ campaign, hour, name }, sketch, estimateDistinct(sketch), 0)).toBe(true);
    await repository.recordPeriod(campaign, hour);
  }

  beforeAll(async () => {
    // 3,000 sends in one hour and 60 in another: the first hour is an estimate, the second exact.
    for (const [hour, sends, deliveries, hardBounces] of [
      ['2026-11-25T10', 3_000, 2_880, 120],
      ['2026-11-25T11', 60, 58, 2],
    ] as const) {
      await repository.markActive('big-send', hour);
      await count('big-send', hour, 'sends', sends);
      await count('big-send', hour, 'deliveries', deliveries);
      await count('big-send', hour, 'hardBounces', hardBounces);
    }
    await repository.markActive('first-bounce', '2026-11-25T11');
    await count('first-bounce', '2026-11-25T11', 'sends', 1);
    await count('first-bounce', '2026-11-25T11', 'hardBounces', 1);
    await repository.markActive('no-sends', '2026-11-25T11');
    await count('no-sends', '2026-11-25T11', 'hardBounces', 1);
  });

  it('bounce health --json marks a total summed from an estimated hour, with its error beside the figure', async () => {
    const { io, out } = capture();
    expect(await healthCommand(api, 'big-send', { json: true }, io)).toBe(0);
    const body = JSON.parse(out()) as { sends: number; estimated: boolean; estimates: Record<string, { error: number; text: string }> };
    expect(body.estimated).toBe(true);
    expect(Math.abs(body.sends - 3_060) / 3_060).toBeLessThan(0.1);
    expect(body.estimates.sends?.error).toBeGreaterThan(50);
    expect(body.estimates.sends?.error).toBeLessThan(150);
    expect(body.estimates.sends?.text).toMatch(/^≈[23],\d{3} \(±3 %\)$/);
    expect(body.estimates.hardBounces?.text).toMatch(/^≈1[1-3]\d \(±\d %\)$/);
  });

  it('bounce health shows the estimate with ≈ and ±, and bounce campaigns too', async () => {
    const health = capture();
    expect(await healthCommand(api, 'big-send', { json: false }, health.io)).toBe(0);
    expect(health.out()).toMatch(/ {2}sends {14}≈[23],\d{3} \(±3 %\)\n/);
    expect(health.out()).toMatch(
      / {2}hard bounces {7}≈1[1-3]\d \(±\d %\): \d\.\d\d % \(at least \d\.\d\d % with 95 % confidence, counting the estimates' error\)/,
    );
    const list = capture();
    expect(await campaignsCommand(api, { json: false }, list.io)).toBe(0);
    expect(list.out()).toMatch(/\nbig-send +2026-11-25T10 +2026-11-25T11 +≈[23],\d{3} \(±3 %\) /);
    expect(list.out()).toMatch(/\nnewsletter +2026-11-25T09 +2026-11-25T09 +500 /);
    const json = capture();
    expect(await campaignsCommand(api, { json: true }, json.io)).toBe(0);
    const rows = new Map(
      (JSON.parse(json.out()) as Array<{ campaign: string; estimated: boolean; estimates: object }>).map((r) => [r.campaign, r]),
    );
    expect(rows.get('big-send')).toMatchObject({ estimated: true, estimates: { sends: { error: expect.any(Number) } } });
    expect(rows.get('newsletter')).toMatchObject({ estimated: false, estimates: {} });
  });

  it('one send and its hard bounce is too early to tell; a bounce with no send is a data problem', async () => {
    const first = capture();
    expect(await healthCommand(api, 'first-bounce', { json: false }, first.io)).toBe(0);
    expect(first.out()).toContain('Campaign first-bounce: TOO EARLY TO TELL');
    expect(first.out()).toContain(
      'hard bounces       1: 100.00 % (too early to tell: 1 hard bounce (100.00 %); a hard-bounce verdict needs at least 10)',
    );
    const unsent = capture();
    expect(await healthCommand(api, 'no-sends', { json: true }, unsent.io)).toBe(0);
    expect(JSON.parse(unsent.out())).toMatchObject({
      verdict: 'warning',
      evidence: 'no-sends',
      hardBounceRate: 0,
      findings: [{ pattern: 'bounces-without-sends', verdict: 'warning' }],
    });
  });
});
