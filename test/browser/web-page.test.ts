import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateCampaign } from '../../cli/demo-campaign.js';
import { eventsFor } from '../support/demo-events.js';
import { ingestCommand } from '../../cli/ingest-command.js';
import { startRuntime, type Runtime } from '../../local/runtime.js';
import { silentLogger } from '../../shared/app/ports.js';
import { projectRoot } from '../support/corpus.js';

/** Debian's chromium (npm test's pretest installs it when missing and it can); CHROMIUM_PATH points elsewhere. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Where the screenshot goes: a CI artefact, and the picture in the README. */
const ARTIFACTS = join(projectRoot, 'test-artifacts');

/** Enough for the demo's findings; few enough to start in time on a busy machine. */
const RECIPIENTS = 800;

let runtime: Runtime;
let browser: BrowserContext;

beforeAll(async () => {
  if (!existsSync(CHROMIUM))
    throw new Error(
      `no Chromium at ${CHROMIUM}: install Chromium (Debian/Ubuntu: sudo apt-get install chromium) ` +
        'or set CHROMIUM_PATH to a Chromium binary (npm test installs it when it runs as root with apt-get)',
    );
  const dataDir = mkdtempSync(join(tmpdir(), 'bounce-page-'));
  runtime = await startRuntime({ port: 0, dataDir, memory: true, healthEverySeconds: 0, logger: silentLogger });
  // The demo's campaign: a stale purchased batch among good lists, spread over the last hours.
  const now = Date.now();
  const events = generateCampaign(RECIPIENTS, 7).flatMap((recipient, i) =>
    eventsFor(recipient, 'spring-sale', i, new Date(now - (3 - Math.floor((i * 4) / RECIPIENTS)) * 3600_000)),
  );
  const file = join(dataDir, 'campaign.jsonl');
  writeFileSync(file, `${events.join('\n')}\n`);
  const sink = new PassThrough();
  sink.resume();
  expect(await ingestCommand({ sources: [file], dataDir }, { stdin: new PassThrough(), stdout: sink, stderr: sink })).toBe(0);
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
});

describe('the local web page', () => {
  it('shows the campaign list, its findings and its charts', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${runtime.file.apiUrl}/`);
    // The page marks itself ready (with the campaign it shows) once everything is drawn.
    await page.locator('body[data-ready]').waitFor({ state: 'attached', timeout: 20_000 });
    expect(errors).toEqual([]);
    expect(await page.locator('body').getAttribute('data-ready')).toBe('spring-sale');

    const rows = await page.locator('tr.campaign').allTextContents();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toContain('spring-sale');

    const patterns = await Promise.all((await page.locator('.finding').all()).map((finding) => finding.getAttribute('data-pattern')));
    // Exactly the findings the API reports, the hard-bounce one among them.
    const health = (await (await fetch(`${runtime.file.apiUrl}/campaigns/spring-sale/health?hours=72`)).json()) as {
      findings: Array<{ pattern: string; summary: string }>;
      hardBounces: number;
      estimated: boolean;
      estimates: Record<string, { text: string } | undefined>;
    };
    // About 200 sends an hour: estimates, shown with ≈ and ±; the hard bounces (under 100 an hour) exact, unmarked.
    expect(health.estimated).toBe(true);
    const figures = await page.locator('#figures .figure').allTextContents();
    expect(figures).toContain(`${health.estimates.sends?.text}sends`);
    expect(health.estimates.sends?.text).toMatch(/^≈[\d,]+ \(±\d %\)$/);
    expect(health.estimates.hardBounces).toBeUndefined();
    expect(figures).toContain(`${health.hardBounces}hard bounces`);
    expect(await page.locator('#estimated').count()).toBe(1);
    expect(patterns).toEqual(health.findings.map((f) => f.pattern));
    expect(patterns).toContain('hard-bounce-rate');
    for (const finding of health.findings) expect(await page.locator('#findings').textContent()).toContain(finding.summary);

    // Rates over time: one point per active hour, both series drawn.
    const points = Number(await page.locator('#chart-rates').getAttribute('data-points'));
    expect(points).toBeGreaterThanOrEqual(3);
    expect(await page.locator('#chart-rates polyline.series').count()).toBe(2);
    expect(await page.locator('#chart-rates circle').count()).toBe(points * 2);
    // Bars by category, provider and batch/source, with the stale batch among them.
    for (const chart of ['#chart-category', '#chart-provider', '#chart-list']) {
      expect(Number(await page.locator(chart).getAttribute('data-bars')), chart).toBeGreaterThan(0);
      expect(await page.locator(`${chart} rect.bar`).count(), chart).toBeGreaterThan(0);
    }
    expect(await page.locator('#chart-list').textContent()).toContain('source purchased-list');

    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'web-page.png'), fullPage: true });
    await page.close();
  }, 60_000);
});
