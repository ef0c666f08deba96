import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateCampaign, type Recipient } from '../../cli/demo-campaign.js';
import { eventsFor } from '../support/demo-events.js';
import { ingestCommand } from '../../cli/ingest-command.js';
import { startRuntime, type Runtime } from '../../local/runtime.js';
import { PAGE_ACTOR, PAGE_TOKEN_HEADER } from '../../local/web-page.js';
import { silentLogger } from '../../shared/app/ports.js';
import { projectRoot } from '../support/corpus.js';

/** Debian's chromium (npm test's pretest installs it when missing and it can); CHROMIUM_PATH points elsewhere. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Where the screenshots go (git-ignored): CI artefacts, and the pictures in the docs. */
const ARTIFACTS = join(projectRoot, 'test-artifacts');

/** Enough for the demo's findings; few enough to start in time on a busy machine. */
const RECIPIENTS = 800;

let runtime: Runtime;
let browser: BrowserContext;
let base: string;
const screenshots: string[] = [];

interface Health {
  findings: Array<{ pattern: string; summary: string }>;
  hardBounces: number;
  sends: number;
  complaints: number;
  estimated: boolean;
  estimates: Record<string, { text: string } | undefined>;
}
interface AddressRecord {
  email: string;
  status: string | null;
  releasedBy: string | null;
  history: Array<{ signal: string; actor: string | null }>;
}

const getJson = async <T>(path: string): Promise<T> => (await (await fetch(`${base}${path}`)).json()) as T;

/** A tab that records every console error, page error and failed request (a favicon 404 included). */
async function open(path: string, viewport = { width: 1280, height: 900 }): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage();
  await page.setViewportSize(viewport);
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => errors.push(`page: ${error.message}`));
  page.on('response', (response) => {
    if (response.status() >= 400) errors.push(`HTTP ${response.status()} ${response.url()}`);
  });
  await page.goto(`${base}${path}`);
  return { page, errors };
}

const ready = (page: Page, value: string) => page.locator(`body[data-ready="${value}"]`).waitFor({ state: 'attached', timeout: 20_000 });

async function shoot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, name);
  await page.screenshot({ path, fullPage: true });
  screenshots.push(path);
}

/** Nothing wider than the window: no sideways scrolling. */
const overflow = (page: Page) => page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');

/** The demo's mix with one in `complaintEvery` delivered recipients complaining (the mix itself has almost none). */
function recipientsOf(count: number, seed: number, complaintEvery: number): Recipient[] {
  let delivered = 0;
  return generateCampaign(count, seed).map((recipient) =>
    recipient.outcome.kind === 'delivered' && ++delivered % complaintEvery === 0
      ? { ...recipient, outcome: { kind: 'complaint' } }
      : recipient,
  );
}

function feed(dataDir: string, name: string, campaign: string, recipients: number, seed: number, hoursBack: number): string {
  const now = Date.now();
  const events = recipientsOf(recipients, seed, 150).flatMap((recipient, i) =>
    eventsFor(recipient, campaign, i, new Date(now - (hoursBack - Math.floor((i * 4) / recipients)) * 3600_000)),
  );
  const file = join(dataDir, name);
  writeFileSync(file, `${events.join('\n')}\n`);
  return file;
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM))
    throw new Error(
      `no Chromium at ${CHROMIUM}: install Chromium (Debian/Ubuntu: sudo apt-get install chromium) ` +
        'or set CHROMIUM_PATH to a Chromium binary (npm test installs it when it runs as root with apt-get)',
    );
  const dataDir = mkdtempSync(join(tmpdir(), 'bounce-page-'));
  runtime = await startRuntime({ port: 0, dataDir, memory: true, healthEverySeconds: 0, logger: silentLogger });
  base = runtime.file.apiUrl;
  // The demo's campaign (a stale purchased batch among good lists) over the last hours, and an older, smaller one.
  const files = [feed(dataDir, 'spring.jsonl', 'spring-sale', RECIPIENTS, 7, 3), feed(dataDir, 'autumn.jsonl', 'autumn-news', 200, 3, 12)];
  const sink = new PassThrough();
  sink.resume();
  expect(await ingestCommand({ sources: files, dataDir }, { stdin: new PassThrough(), stdout: sink, stderr: sink })).toBe(0);
  await runtime.drain();
  // A fresh profile per run (launchPersistentContext is how Playwright takes --user-data-dir).
  browser = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'bounce-chromium-')), {
    executablePath: CHROMIUM,
    viewport: { width: 1280, height: 900 },
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await runtime?.stop(0);
  if (screenshots.length > 0) console.log(`page screenshots:\n  ${screenshots.join('\n  ')}`);
});

/** Suppressed addresses of spring-sale, from the API. */
async function suppressed(): Promise<string[]> {
  const { items } = await getJson<{ items: Array<{ email: string; campaign: string | null }> }>(
    '/suppressions?status=suppressed&campaign=spring-sale&limit=10',
  );
  return items.map((item) => item.email);
}

/** The token the page was served with, read as the page's own script reads it. */
async function pageToken(): Promise<string> {
  const html = await (await fetch(`${base}/`)).text();
  const token = /name="bounce-page-token" content="([^"]+)"/.exec(html)?.[1];
  expect(token).toMatch(/^[\w-]{40,}$/);
  return token ?? '';
}

describe('the local web page', () => {
  it('account view: every campaign, the account rates hour by hour with their threshold lines', async () => {
    const { page, errors } = await open('/');
    await ready(page, 'account:');
    const rows = await page.locator('tr.campaign').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-campaign')));
    expect(rows).toEqual(['spring-sale', 'autumn-news']);
    expect(await page.locator('#account-figures').textContent()).toContain('2campaigns');
    // Both campaigns' hours: more hours than spring-sale alone has.
    const spring = await getJson<{ hours: Array<{ sends: number }> }>('/campaigns/spring-sale/series?hours=72');
    const springHours = spring.hours.filter((hour) => hour.sends > 0).length;
    expect(Number(await page.locator('#account-hard').getAttribute('data-points'))).toBeGreaterThan(springHours);
    expect(await page.locator('#account-hard g.threshold').evaluateAll((gs) => gs.map((g) => g.getAttribute('data-value')))).toEqual([
      '0.02',
    ]);
    expect(await page.locator('#account-complaints g.threshold').evaluateAll((gs) => gs.map((g) => g.getAttribute('data-value')))).toEqual([
      '0.001',
      '0.005',
    ]);
    expect(await page.locator('#account-hard polyline.series').count()).toBe(1);
    expect(await page.locator('#status').textContent()).toMatch(/^Updated \d\d:\d\d:\d\d, every 30 s · runtime clock \d{4}-/);
    await shoot(page, 'desk-account.png');
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);

  it('campaign view: findings as the API reports them; legends, threshold lines, tooltips, full labels, a colour key', async () => {
    const { page, errors } = await open('/');
    await ready(page, 'account:');
    await page.locator('tr.campaign[data-campaign="spring-sale"]').click();
    await ready(page, 'campaign:spring-sale');
    expect(new URL(page.url()).searchParams.get('campaign')).toBe('spring-sale');

    const health = await getJson<Health>('/campaigns/spring-sale/health?hours=72');
    const patterns = await page.locator('.finding').evaluateAll((fs) => fs.map((f) => f.getAttribute('data-pattern')));
    expect(patterns).toEqual(health.findings.map((f) => f.pattern));
    expect(patterns).toContain('hard-bounce-rate');
    for (const finding of health.findings) expect(await page.locator('#findings').textContent()).toContain(finding.summary);
    // An estimated figure is shown with ≈ and ±, an exact one unmarked (sends are the sum of their providers'
    // counters: about 200 an hour over several providers may be exact or not); the hard bounces are exact.
    const figures = await page.locator('#figures .figure').allTextContents();
    expect(figures).toContain(
      health.estimates.sends ? `${health.estimates.sends.text}sends` : `${health.sends.toLocaleString('en-US')}sends`,
    );
    expect(figures).toContain(`${health.hardBounces}hard bounces`);
    expect(await page.locator('#estimated').count()).toBe(health.estimated ? 1 : 0);
    expect(await page.locator('#period').textContent()).toMatch(/^Read over .* UTC \(\d+ active hours\)$/);

    // Rates: one point per active hour, each with its figures on hover; the 2 % line drawn.
    const points = Number(await page.locator('#chart-hard').getAttribute('data-points'));
    expect(points).toBeGreaterThanOrEqual(3);
    expect(await page.locator('#chart-hard g.point').count()).toBe(points);
    expect(await page.locator('#chart-hard g.point title').first().textContent()).toMatch(
      /UTC: hard-bounce rate [\d.]+ % \(\d+ hard bounces? of [\d,]+ sends\)/,
    );
    expect(await page.locator('#chart-hard g.threshold').getAttribute('data-value')).toBe('0.02');
    expect(await page.locator('#chart-complaints g.threshold').count()).toBe(2);
    // Legends in their series' colours (no stylesheet rule greys them).
    const legendFill = (chart: string) =>
      page
        .locator(`${chart} g.legend text`)
        .first()
        .evaluate((text) => (globalThis as unknown as { getComputedStyle(e: unknown): { fill: string } }).getComputedStyle(text).fill);
    expect(await legendFill('#chart-hard')).toBe('rgb(198, 40, 40)');
    expect(await legendFill('#chart-complaints')).toBe('rgb(142, 36, 170)');
    // Bars: a colour key of the four outcomes, full labels, figures on hover.
    for (const chart of ['#chart-category', '#chart-provider', '#chart-list']) {
      expect(Number(await page.locator(chart).getAttribute('data-bars')), chart).toBeGreaterThan(0);
      expect(await page.locator(`${chart} g.legend text`).allTextContents(), chart).toEqual([
        'hard bounces',
        'soft bounces',
        'blocks',
        'complaints',
      ]);
    }
    const labels = await page.locator('#chart-list text.label').allTextContents();
    expect(labels).toContain('source purchased-list');
    expect(labels.some((label) => label.length > 22 && !label.endsWith('…'))).toBe(true);
    expect(await page.locator('#chart-list g.row[data-key="source purchased-list"] title').textContent()).toMatch(
      /^source purchased-list: \d+ hard bounces?.* of [\d,]+ sends \(hard-bounce rate [\d.]+ %\)$/,
    );
    // Complaints counted are complaints shown: the category "complaint" is not a row of zeros.
    expect(health.complaints).toBeGreaterThan(0);
    const complaintRow = page.locator('#chart-category g.row[data-key="complaint"]');
    expect(await complaintRow.locator('text.total').textContent()).toBe(String(health.complaints));
    expect(await complaintRow.locator('rect.bar[data-metric="complaints"]').count()).toBe(1);

    await shoot(page, 'desk-campaign.png');
    await page.screenshot({ path: join(ARTIFACTS, 'web-page.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);

  it('address search shows the record, its evidence and history; the release is made and kept in the history', async () => {
    const [email] = await suppressed();
    expect(email).toBeDefined();
    const { page, errors } = await open('/');
    await ready(page, 'account:');
    await page.locator('input[type="search"]').fill(email ?? '');
    await page.locator('input[type="search"]').press('Enter');
    await ready(page, `address:${email}`);
    expect(await page.locator('#address-status').textContent()).toBe('suppressed: do not mail');
    expect(await page.locator('#address-evidence').textContent()).toMatch(/^Evidence: 5\d\d /);
    expect(await page.locator('#address-history li').count()).toBeGreaterThan(0);
    expect(await page.locator('#address-record').textContent()).toContain('spring-sale');
    await shoot(page, 'desk-address.png');

    await page.locator('#release-reason').fill('confirmed by phone');
    await page.locator('#release-button').click();
    await page.locator(`body[data-released="${email}"]`).waitFor({ state: 'attached', timeout: 10_000 });
    expect(await page.locator('#address-status').textContent()).toBe('released: may be mailed');
    expect(await page.locator('#release-message').textContent()).toBe('Released: it may be mailed again.');
    expect(await page.locator('#address-history li').first().getAttribute('data-signal')).toBe('release');
    const record = await getJson<AddressRecord>(`/suppressions/${encodeURIComponent(email ?? '')}`);
    expect(record.status).toBe('released');
    expect(record.releasedBy).toBe(PAGE_ACTOR);
    await shoot(page, 'desk-released.png');

    // An address with no record is an answer, not an error in the console.
    await page.locator('input[type="search"]').fill('nobody@nowhere.example');
    await page.locator('input[type="search"]').press('Enter');
    await ready(page, 'address:nobody@nowhere.example');
    expect(await page.locator('#address-missing').textContent()).toContain('no record');
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);

  it('the release is refused without the token, with a wrong one, and from another origin', async () => {
    const [, email] = await suppressed();
    const token = await pageToken();
    const post = (headers: Record<string, string>) =>
      fetch(`${base}/page/release`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ email, reason: 'not me' }),
      });
    const refusals = await Promise.all([
      post({}),
      post({ [PAGE_TOKEN_HEADER]: 'x'.repeat(token.length) }),
      post({ [PAGE_TOKEN_HEADER]: token, origin: 'http://evil.example' }),
      post({ [PAGE_TOKEN_HEADER]: token, 'sec-fetch-site': 'cross-site' }),
      post({ [PAGE_TOKEN_HEADER]: token, origin: 'http://localhost:1' }),
    ]);
    expect(refusals.map((r) => r.status)).toEqual([403, 403, 403, 403, 403]);
    expect(((await refusals[0]?.json()) as { error: string }).error).toContain(PAGE_TOKEN_HEADER);

    // A page of another origin that knows the token: the browser's preflight fails, a no-cors post is refused.
    const other: Server = createServer((_, response) => {
      response.writeHead(200, { 'content-type': 'text/html' });
      response.end('<!doctype html><title>elsewhere</title>');
    });
    await new Promise<void>((done) => other.listen(0, '127.0.0.1', done));
    const page = await browser.newPage();
    try {
      await page.goto(`http://127.0.0.1:${(other.address() as AddressInfo).port}/`);
      const outcomes = await page.evaluate(
        async ({ url, token, email, header }) => {
          const body = JSON.stringify({ email, reason: 'from elsewhere' });
          const tried = async (init: RequestInit) =>
            fetch(url, init).then(
              (r) => `status ${r.status} (${r.type})`,
              (e: Error) => `failed: ${e.name}`,
            );
          return [
            await tried({ method: 'POST', headers: { 'content-type': 'application/json', [header]: token }, body }),
            await tried({ method: 'POST', mode: 'no-cors', body }),
          ];
        },
        { url: `${base}/page/release`, token, email, header: PAGE_TOKEN_HEADER },
      );
      expect(outcomes[0]).toBe('failed: TypeError');
      expect(outcomes[1]).toBe('status 0 (opaque)');
    } finally {
      await page.close();
      other.closeAllConnections(); // the browser keeps its connection alive
      await new Promise<void>((done) => other.close(() => done()));
    }
    expect((await getJson<AddressRecord>(`/suppressions/${encodeURIComponent(email ?? '')}`)).status).toBe('suppressed');

    // The same request from the page itself, with its token, is made.
    const made = await post({ [PAGE_TOKEN_HEADER]: token, origin: base, 'sec-fetch-site': 'same-origin' });
    expect(made.status).toBe(200);
  }, 60_000);

  it('reads on a 420 px screen: every view, no sideways scrolling', async () => {
    const small = { width: 420, height: 860 };
    const { page, errors } = await open('/', small);
    await ready(page, 'account:');
    expect(await overflow(page)).toBeLessThanOrEqual(0);
    await shoot(page, 'desk-420-account.png');
    await page.locator('tr.campaign[data-campaign="spring-sale"] a').click();
    await ready(page, 'campaign:spring-sale');
    expect(await overflow(page)).toBeLessThanOrEqual(0);
    await shoot(page, 'desk-420-campaign.png');
    const [email] = await suppressed();
    await page.locator('input[type="search"]').fill(email ?? '');
    await page.locator('input[type="search"]').press('Enter');
    await ready(page, `address:${email}`);
    expect(await overflow(page)).toBeLessThanOrEqual(0);
    await shoot(page, 'desk-420-address.png');
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);

  it('refreshes itself and says when; ?hours= and ?campaign= pick the window and the campaign; the icon is served', async () => {
    const { page, errors } = await open('/?campaign=autumn-news&hours=48&refresh=1');
    await ready(page, 'campaign:autumn-news');
    await page.locator('body[data-refreshes="3"]').waitFor({ state: 'attached', timeout: 15_000 });
    expect(await page.locator('#status').textContent()).toMatch(/^Updated \d\d:\d\d:\d\d, every 1 s · .* · window: last 48 h$/);
    expect(errors).toEqual([]);
    await page.close();
    const icon = await fetch(`${base}/favicon.ico`);
    expect(icon.status).toBe(200);
    expect(icon.headers.get('content-type')).toBe('image/svg+xml');
  }, 60_000);
});
