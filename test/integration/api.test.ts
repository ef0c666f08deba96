import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoAddressRepository } from '../../shared/adapters/outbound/dynamo-address-repository.js';
import { DynamoCampaignRepository } from '../../shared/adapters/outbound/dynamo-campaign-repository.js';
import { createApiHandler } from '../../shared/adapters/inbound/http-api.js';
import { silentLogger } from '../../shared/app/ports.js';
import { applySignal, NO_EVIDENCE, type AddressState } from '../../shared/domain/index.js';
import { serveApi, type LocalApiServer } from '../../local/http-server.js';
import { sqsEvent } from '../support/batches.js';
import { notificationFixture, projectRoot } from '../support/corpus.js';
import { startDynamo, type Dynamo } from '../support/emulators.js';
import { pipelineOn, type PipelineUnderTest } from '../support/pipeline.js';

let dynamo: Dynamo;
let pipeline: PipelineUnderTest;
let server: LocalApiServer;
let addresses: DynamoAddressRepository;

beforeAll(async () => {
  dynamo = await startDynamo();
  pipeline = await pipelineOn(dynamo.client);
  addresses = new DynamoAddressRepository(pipeline.doc, pipeline.addressTable);
  const handler = createApiHandler(
    {
      addresses,
      campaigns: new DynamoCampaignRepository(pipeline.doc, pipeline.campaignTable),
      clock: () => new Date('2026-11-20T12:00:00Z'),
    },
    silentLogger,
  );
  server = await serveApi(handler, { port: 0 });
});
afterAll(async () => {
  await server?.close();
  await dynamo?.stop();
});

const get = async (path: string) => {
  const response = await fetch(`${server.url}${path}`);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};

function bounce(args: string[], input?: string): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(projectRoot, 'bin', 'bounce.mjs'), ...args, '--url', server.url], { cwd: projectRoot });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
    child.stdin.end(input ?? '');
  });
}

describe('the API over HTTP on the local server', () => {
  it('answers for an address the classify handler suppressed', async () => {
    await pipeline.handler(sqsEvent([JSON.stringify(notificationFixture('event-bounce-permanent.json'))]));
    const { status, body } = await get('/suppressions/Kim.Lee%40gmail.com');
    expect(status).toBe(200);
    expect(body).toMatchObject({
      email: 'kim.lee@gmail.com',
      suppressed: true,
      reason: 'hard-bounce',
      provider: 'gmail',
      campaign: 'nov-offers',
    });
    expect((await get('/suppressions/buyer%40gmail.com')).status).toBe(404);
    // Any key the pipeline could store is looked up (404 when absent); an unstorable one is a 400.
    expect((await get('/suppressions/nope')).status).toBe(404);
    expect((await get(`/suppressions/${'n'.repeat(400)}@example.com`)).status).toBe(400);
  });

  it('walks a 600-address list page by page with no duplicate and no gap', async () => {
    const emails = Array.from({ length: 600 }, (_, i) => `walk${String(i).padStart(4, '0')}@pages.example`);
    for (let i = 0; i < emails.length; i += 50) {
      await Promise.all(
        emails.slice(i, i + 50).map(async (email, j) => {
          const kind = (i + j) % 3 === 0 ? 'complaint' : 'hard-bounce';
          // Many addresses share a second, so the sort key's email part must break ties.
          const at = `2026-11-1${(i + j) % 10}T00:00:0${(i + j) % 7}.000Z`;
          const next = applySignal(email, null, {
            kind,
            eventId: `seed-${email}`,
            occurredAt: at,
            evidence: { ...NO_EVIDENCE, campaign: 'walk' },
          })?.next as AddressState;
          await addresses.putState(next, 0);
        }),
      );
    }
    const walk = async (query: string) => {
      const seen: string[] = [];
      let token: string | undefined;
      let pages = 0;
      do {
        const { status, body } = await get(
          `/suppressions?campaign=walk&limit=23${query}${token ? `&nextToken=${encodeURIComponent(token)}` : ''}`,
        );
        expect(status).toBe(200);
        seen.push(...(body.items as { email: string }[]).map((item) => item.email));
        token = body.nextToken as string | undefined;
        pages++;
      } while (token && pages < 100);
      return { seen, pages };
    };
    const all = await walk('&status=suppressed');
    expect(all.seen.length).toBe(600);
    expect(new Set(all.seen).size).toBe(600);
    expect(all.pages).toBe(27);
    const complaints = await walk('&reason=complaint');
    expect(complaints.seen.length).toBe(emails.filter((_, i) => i % 3 === 0).length);
    expect(new Set(complaints.seen).size).toBe(complaints.seen.length);
  }, 60_000);
});

describe('bounce CLI against the API', () => {
  it('lookup, check, release', async () => {
    const lookup = await bounce(['lookup', 'kim.lee@gmail.com', '--json']);
    expect(lookup.status).toBe(0);
    expect(JSON.parse(lookup.stdout)).toMatchObject({ email: 'kim.lee@gmail.com', status: 'suppressed' });
    expect((await bounce(['lookup', 'nobody@example.com'])).status).toBe(1);

    const dir = mkdtempSync(join(tmpdir(), 'bounce-check-'));
    const list = join(dir, 'list.csv');
    writeFileSync(list, 'email,name\nKim.Lee@gmail.com,Kim\nfresh@example.org,Fresh\nnot-an-address,Bad\n');
    const check = await bounce(['check', list]);
    expect(check.status).toBe(0);
    expect(check.stdout.trim().split('\n')).toEqual([
      'email,suppressed,status,reason',
      'kim.lee@gmail.com,true,suppressed,hard-bounce',
      'fresh@example.org,false,,',
      'not-an-address,invalid,,',
    ]);

    const release = await bounce(['release', 'kim.lee@gmail.com', '--reason', 'confirmed with the customer', '--json']);
    expect(release.status).toBe(0);
    expect(JSON.parse(release.stdout)).toMatchObject({ status: 'released', releaseReason: 'confirmed with the customer' });
    expect((await bounce(['release', 'kim.lee@gmail.com', '--reason', 'again'])).status).toBe(1);
    expect((await bounce(['release', 'kim.lee@gmail.com'])).status).toBe(2);
  });

  it('import then export round-trips an SES suppression-list file, and importing twice changes nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bounce-import-'));
    const file = join(dir, 'ses.csv');
    const rows = [
      ...Array.from({ length: 118 }, (_, i) => `import${i}@roundtrip.example,${i % 4 === 0 ? 'COMPLAINT' : 'BOUNCE'}`),
      // Local parts a spreadsheet would take for formulas must still come back exactly.
      '-dash@roundtrip.example,BOUNCE',
      '+plus@roundtrip.example,COMPLAINT',
    ];
    writeFileSync(file, `EmailAddress,Reason\n${rows.join('\n')}\nbroken-line,BOUNCE\n`);
    const first = await bounce(['import', file]);
    expect(first.stderr).toContain('120 new, 0 already on file, 1 invalid, 0 failed');
    const second = await bounce(['import', file]);
    expect(second.stderr).toContain('0 new, 120 already on file');

    const exported = await bounce(['export', '--campaign', 'none-such']);
    expect(exported.stdout).toBe('');
    const all = await bounce(['export']);
    expect(all.status).toBe(0);
    const roundTrip = all.stdout
      .trim()
      .split('\n')
      .filter((line) => line.includes('@roundtrip.example'));
    expect(roundTrip.sort()).toEqual([...rows].sort());
    expect(all.stderr).toMatch(/export: \d+ exported/);
    expect(readFileSync(file, 'utf8')).toContain('EmailAddress');
  }, 60_000);
});
