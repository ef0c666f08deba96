import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../../cli/api-client.js';
import { campaignsCommand, healthCommand, pauseCommand } from '../../cli/campaign-commands.js';
import { serveApi, type LocalApiServer } from '../../local/http-server.js';
import { composeApi, composePauses, documentClient } from '../../shared/adapters/compose.js';
import { ensureTables } from '../../shared/adapters/outbound/create-tables.js';
import { DynamoCampaignRepository } from '../../shared/adapters/outbound/dynamo-campaign-repository.js';
import { FINDING_PATTERNS, hourOf } from '../../shared/domain/index.js';
import { seedCounts } from '../support/counters.js';
import { startDynamo, type Dynamo } from '../support/emulators.js';
import { TEST_ERASURE_KEY } from '../support/erasure-fakes.js';

const NOW = new Date('2026-11-25T12:30:00Z');
const tables = { addressTable: 'cli-addresses', campaignTable: 'cli-campaigns' };
let dynamo: Dynamo;
let server: LocalApiServer;
let api: ApiClient;

beforeAll(async () => {
  dynamo = await startDynamo();
  await ensureTables(dynamo.client, tables);
  const repository = new DynamoCampaignRepository(documentClient(dynamo.client), tables.campaignTable);
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

function capture() {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk) => (out += chunk));
  stderr.on('data', (chunk) => (err += chunk));
  return { io: { stdin: new PassThrough(), stdout, stderr }, out: () => out, err: () => err };
}

describe('bounce campaigns', () => {
  it('prints an aligned table, most recently active first', async () => {
    const { io, out } = capture();
    expect(await campaignsCommand(api, 72, false, io)).toBe(0);
    expect(out()).toBe(
      [
        'CAMPAIGN     SENDS  HARD BOUNCE  AT LEAST  COMPLAINTS  VERDICT  FINDINGS  LAST ACTIVE HOUR',
        'spring-sale  20000       3.00 %    2.81 %      0.12 %  danger          2  2026-11-25T12',
        'newsletter     500       0.00 %    0.00 %      0.00 %  ok              0  2026-11-25T09',
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
    expect(await campaignsCommand(api, 72, true, io)).toBe(0);
    const rows = JSON.parse(out()) as Array<Record<string, unknown>>;
    expect(rows.map((r) => [r.campaign, r.sends, r.verdict, r.paused])).toEqual([
      ['spring-sale', 20_000, 'danger', false],
      ['newsletter', 500, 'ok', true],
    ]);
    await composePauses({ dynamo: dynamo.client, tables }).pauses.resume('newsletter');
  });

  it('a shorter window leaves older campaigns out', async () => {
    const { io, out } = capture();
    expect(await campaignsCommand(api, 2, true, io)).toBe(0);
    expect((JSON.parse(out()) as Array<{ campaign: string }>).map((r) => r.campaign)).toEqual(['spring-sale']);
  });
});

describe('bounce health', () => {
  it('--json is exactly the documented form', async () => {
    const { io, out } = capture();
    expect(await healthCommand(api, 'spring-sale', 72, true, io)).toBe(0);
    const body = JSON.parse(out()) as Record<string, unknown> & { findings: Array<Record<string, unknown>> };
    expect(Object.keys(body)).toEqual([
      'campaign',
      'verdict',
      'sends',
      'hardBounceRate',
      'hardBounceRateLowerBound',
      'complaintRate',
      'findings',
    ]);
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
    expect(await healthCommand(api, 'spring-sale', 72, false, io)).toBe(0);
    const text = out();
    expect(text).toContain('Campaign spring-sale: DANGER');
    expect(text).toContain('hard bounces       600: 3.00 % (at least 2.81 % with 95 % confidence)');
    expect(text).toContain('complaints         24: 0.12 %');
    expect(text).toContain('DANGER  complaint-rate');
    expect(text).toContain('what to do: Stop sending this list');
    expect(text).toContain('numbers: hardBounces 600, attempted 20000, rate 3.00 %, lowerBound 2.81 %');
  });

  it('says so, with exit 1, for a campaign with no activity', async () => {
    const { io, err } = capture();
    expect(await healthCommand(api, 'unknown', 72, false, io)).toBe(1);
    expect(err()).toBe('bounce health: no activity for campaign unknown in the last 72 h (HTTP 404)\n');
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
    expect(resumed.out()).toBe('Campaign spring-sale is resumed: sends and held retries go out again.\n');
    expect(await pauses.isPaused('spring-sale')).toBe(false);
    const notPaused = capture();
    expect(await pauseCommand(api, 'resume', 'spring-sale', 'twice', notPaused.io)).toBe(1);
    expect(notPaused.err()).toContain('(HTTP 404)');
  });
});
