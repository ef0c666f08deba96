import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { startRuntime, type Runtime } from '../local/runtime.js';
import { clientConfigFor } from '../local/runtime-file.js';
import { textLogger } from '../local/text-logger.js';
import { listRetryStates } from '../shared/adapters/compose.js';
import { readOutbox } from '../local/outbox-file.js';
import type { SendResult } from '../shared/app/send.js';
import type { Estimate, HealthCount, RetryState } from '../shared/domain/index.js';
import { addressSummary, type AddressRecord } from './address-summary.js';
import { ApiClient } from './api-client.js';
import { demoCampaign, worldOf, type Recipient } from './demo-campaign.js';
import { Progress } from './progress.js';
import type { CommandIo } from './suppression-commands.js';

export interface DemoOptions {
  readonly recipients: number;
  /** Seed of the campaign's random choices and of its id and addresses (the same seed, the same campaign); default: a new one each run. */
  readonly seed?: number;
  /** How much faster than real time the demo's clock runs. @default DEMO_TIME_SCALE */
  readonly timeScale?: number;
  /** Stop waiting for retries after this many real seconds and report what is done. @default 300 */
  readonly maxSeconds?: number;
}

/** 14,400x: an hour of the demo's clock takes a quarter of a real second, so 72 h of retries take about 18 s. */
export const DEMO_TIME_SCALE = 14_400;
export const DEMO_RECIPIENTS = 300;
/** Sends in flight at once, as a sender would batch them. */
const SEND_CONCURRENCY = 24;
/** Events and timers queued before the next sends wait for the pipeline to catch up. */
const BACKLOG = 2 * SEND_CONCURRENCY;

interface Health {
  sends: number;
  deliveries: number;
  hardBounces: number;
  softBounces: number;
  blocks: number;
  complaints: number;
  alreadySuppressed: number;
  hardBounceRate: number;
  hardBounceRateLowerBound: number;
  complaintRate: number;
  verdict: string;
  findings: Array<{ verdict: string; summary: string; action: string }>;
  estimates?: Partial<Record<HealthCount, Estimate>>;
  evidenceNote?: string | null;
}

interface ListItem {
  email: string;
  status: string;
  reason: string;
  category: string | null;
}

const pct = (value: number) => `${(value * 100).toFixed(2)} %`;
const count = (n: number) => String(n).padStart(6);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Send the campaign through the runtime's send path, a few at a time, showing progress. */
async function sendCampaign(runtime: Runtime, recipients: readonly Recipient[], campaign: string, io: CommandIo): Promise<SendResult[]> {
  const progress = new Progress(io.stderr, 'demo', { unit: 'messages sent', total: recipients.length });
  const results: SendResult[] = [];
  for (let i = 0; i < recipients.length; i += SEND_CONCURRENCY) {
    // Back-pressure: a backlog of events would be classified late, and late on a fast clock is hours late.
    while ((await runtime.pendingWork()) > BACKLOG) await sleep(50);
    const chunk = recipients.slice(i, i + SEND_CONCURRENCY);
    results.push(
      ...(await Promise.all(
        chunk.map((r) =>
          runtime.send({
            to: r.email,
            from: 'News <news@mail.example.com>',
            content: { kind: 'simple', subject: 'November offers', text: 'Hello from the demo.' },
            tags: { campaign, batch: r.batch, source: r.source },
          }),
        ),
      )),
    );
    progress.update(results.length);
  }
  progress.end();
  return results;
}

/**
 * Wait until the story has played out: the world has answered every send, the
 * pipeline has processed every event and no retry timer is left. Shows the
 * timers pending and the demo's clock (in place on a terminal, else a line
 * every few seconds). Returns false when `maxSeconds` ran out first.
 */
async function waitForRetries(
  runtime: Runtime,
  io: CommandIo,
  maxSeconds: number,
  sentAt: Date,
): Promise<{ finished: boolean; clockHours: number }> {
  const tty = (io.stderr as { isTTY?: boolean }).isTTY === true;
  const everyMs = tty ? 250 : (Number(process.env.BOUNCE_PROGRESS_SECONDS) > 0 ? Number(process.env.BOUNCE_PROGRESS_SECONDS) : 5) * 1000;
  const deadline = Date.now() + maxSeconds * 1000;
  let shownAt = 0;
  let idle = 0;
  let pending = 0;
  const lineFor = (hours: number) =>
    `pipeline: ${pending} event${pending === 1 ? '' : 's'} and retry timers pending · demo clock +${hours} h`;
  // Three quiet looks in a row, a little apart: a message SES has just accepted shows in none of the counts yet.
  while (idle < 3) {
    pending = await runtime.pendingWork();
    idle = pending === 0 ? idle + 1 : 0;
    if (Date.now() - shownAt >= everyMs) {
      shownAt = Date.now();
      const line = lineFor(hoursSince(runtime, sentAt));
      io.stderr.write(tty ? `\r\x1b[2K${line}` : `${line}\n`);
    }
    if (Date.now() > deadline) break;
    await sleep(pending > 0 ? 200 : 100);
  }
  if (tty) io.stderr.write('\r\x1b[2K');
  // The clock the summary states, as a last progress line: the summary and the progress agree.
  const clockHours = hoursSince(runtime, sentAt);
  if (!tty) io.stderr.write(`${lineFor(clockHours)}\n`);
  return { finished: idle >= 3, clockHours };
}

/** Whole hours of the demo's clock since the campaign was sent. */
const hoursSince = (runtime: Runtime, sentAt: Date): number => Math.floor((runtime.clock().getTime() - sentAt.getTime()) / 3600_000);

/** Where each logical message that was retried ended, in words. */
function retryOutcome(state: RetryState): string {
  switch (state.status) {
    case 'delivered':
      return 'delivered: a retry got through';
    case 'gave-up':
      return `gave up, address held for review (${state.reason ?? 'retries exhausted'})`;
    case 'skipped':
      return `skipped: ${state.reason ?? 'no reason'} before the retry was due`;
    case 'published':
      return 'published as "retry due" (content not kept)';
    default:
      return `${state.status} (not finished when the demo stopped)`;
  }
}

/**
 * `bounce demo`: the closed loop on a throwaway runtime. The demo campaign
 * goes through the send path into the local SES and a mailbox world
 * generated from it (dead, full, busy, blocked and complaining mailboxes, a
 * stale import batch); its SES events go through the pipeline, soft bounces
 * are retried on a clock running `timeScale` times faster, and when no
 * retry is left the report shows the campaign's health, the retries made and
 * what they achieved, and the do-not-mail list.
 */
export async function demoCommand(options: DemoOptions, io: CommandIo): Promise<number> {
  const seed = options.seed ?? Math.floor(Math.random() * 2 ** 31);
  const campaign = `demo-${seed.toString(36)}`;
  const recipients = demoCampaign(options.recipients, seed);
  const timeScale = options.timeScale ?? DEMO_TIME_SCALE;
  const maxSeconds = options.maxSeconds ?? 300;
  const scratch = await mkdtemp(join(tmpdir(), 'bounce-demo-'));
  const started = Date.now();
  io.stderr.write(
    `campaign ${campaign}: ${recipients.length} recipients (--seed ${seed} repeats this campaign); ` +
      `a throwaway runtime, its clock ${timeScale.toLocaleString('en-US')}x faster\n`,
  );
  // Its health timer and logs would only interleave with the report (which reads the same health): errors only.
  const runtime = await startRuntime({
    port: 0,
    dataDir: scratch,
    memory: true,
    timeScale,
    world: worldOf(recipients),
    healthEverySeconds: 0,
    logger: textLogger(io.stderr, 'error'),
  });
  const dynamo = new DynamoDBClient(clientConfigFor(runtime.file, 'dynamodb'));
  const tables = { addressTable: runtime.file.tables.addresses, campaignTable: runtime.file.tables.campaigns };
  try {
    const sentAt = runtime.clock();
    const results = await sendCampaign(runtime, recipients, campaign, io);
    const refused = results.filter((r) => r.status === 'refused').length;
    io.stderr.write(`sent ${results.length - refused}; the world answers, the pipeline classifies, soft bounces are retried…\n`);
    const { finished, clockHours } = await waitForRetries(runtime, io, maxSeconds, sentAt);
    if (!finished) io.stderr.write(`bounce demo: retries still pending after ${maxSeconds} s; reporting what is done\n`);
    const seconds = (Date.now() - started) / 1000;

    const outbox = await readOutbox(scratch);
    const retriesSent = outbox.filter((m) => m.attempt > 0);
    const lastSend = outbox.reduce((latest, m) => (m.sentAt > latest ? m.sentAt : latest), sentAt.toISOString());
    const storyHours = (Date.parse(lastSend) - sentAt.getTime()) / 3600_000;
    const states = await listRetryStates(dynamo, tables);
    const outcomes = new Map<string, number>();
    for (const state of states) outcomes.set(retryOutcome(state), (outcomes.get(retryOutcome(state)) ?? 0) + 1);
    const deliveredByRetry = states.filter((s) => s.status === 'delivered').length;

    const api = new ApiClient(runtime.file.apiUrl);
    // The whole story, from the first send to the last retry, falls inside the health window.
    const hours = String(Math.min(24 * 14, Math.ceil((runtime.clock().getTime() - sentAt.getTime()) / 3600_000) + 1));
    const health = await api.request<Health>('GET', `/campaigns/${encodeURIComponent(campaign)}/health`, { query: { hours } });
    const listed: ListItem[] = [];
    for (const status of ['suppressed', 'review']) {
      let nextToken: string | undefined;
      do {
        const page = await api.request<{ items: ListItem[]; nextToken?: string }>('GET', '/suppressions', {
          query: { status, campaign, limit: '1000', nextToken },
        });
        listed.push(...page.items);
        nextToken = page.nextToken;
      } while (nextToken);
    }
    const byWhy = new Map<string, number>();
    for (const item of listed) {
      const why = `${item.status} / ${item.reason} / ${item.category ?? '-'}`;
      byWhy.set(why, (byWhy.get(why) ?? 0) + 1);
    }
    // One address whose story shows a retry, else a dead one: what `bounce lookup` says about it.
    const gaveUp = states.find((s) => s.status === 'gave-up')?.email;
    const example = gaveUp ?? listed.find((item) => item.reason === 'hard-bounce')?.email ?? listed[0]?.email;
    const exampleRecord = example
      ? await api.request<AddressRecord>('GET', `/suppressions/${encodeURIComponent(example)}`).catch(() => null)
      : null;

    // An estimated count (above 100 events in a counter-hour) as the API words it: ≈3,060 (±3 %).
    const shown = (name: HealthCount): string => health.estimates?.[name]?.text ?? String(health[name]);
    const lines = [
      '',
      `Campaign ${campaign}: ${recipients.length} recipients sent through the send path into a world of mailboxes`,
      `  ${results.length - refused} sent, ${refused} refused; ${retriesSent.length} retries sent; ` +
        `the last retry at +${Math.floor(storyHours)} h; the demo's clock ran +${clockHours} h in ${seconds.toFixed(1)} s`,
      '',
      'Figures (from the SES events of every send, retries included)',
      `  sends ${shown('sends')}, deliveries ${shown('deliveries')}, hard bounces ${shown('hardBounces')}, ` +
        `soft bounces ${shown('softBounces')},`,
      `  reputation/auth/content blocks ${shown('blocks')}, complaints ` +
        `${shown('complaints')}, not sent (SES suppression list) ${shown('alreadySuppressed')}`,
      `  hard-bounce rate ${pct(health.hardBounceRate)} (` +
        (health.evidenceNote ?? `at least ${pct(health.hardBounceRateLowerBound)} with 95 % confidence`) +
        `), complaint rate ${pct(health.complaintRate)}`,
      '',
      `Verdict: ${health.verdict.toUpperCase()}`,
      ...health.findings.flatMap((f) => [`  [${f.verdict}] ${f.summary}`, `          → ${f.action}`]),
      '',
      `Retries: ${states.length} messages soft-bounced and were sent again later (${retriesSent.length} retries); ` +
        `${deliveredByRetry} got through. Where each ended:`,
      ...[...outcomes.entries()].sort((a, b) => b[1] - a[1]).map(([why, n]) => `${count(n)}  ${why}`),
      '  (a dead address is never retried; a mailbox that stays full or busy is held for review, not suppressed)',
      '',
      'Do-not-mail list for this campaign (status / reason / category):',
      ...[...byWhy.entries()].sort((a, b) => b[1] - a[1]).map(([why, n]) => `${count(n)}  ${why}`),
      '',
      ...(exampleRecord
        ? [
            'One of them, as `bounce lookup` shows it:',
            ...addressSummary(exampleRecord)
              .trimEnd()
              .split('\n')
              .map((l) => `  ${l}`),
            '',
          ]
        : []),
      'This ran on a throwaway runtime, now stopped. To keep one: npm start, then bounce send (or ingest), lookup, outbox.',
      '',
    ];
    io.stdout.write(lines.join('\n'));
    return 0;
  } catch (error) {
    io.stderr.write(`bounce demo: ${(error as Error).message}\n`);
    return 1;
  } finally {
    dynamo.destroy();
    await runtime.stop(2);
    await rm(scratch, { recursive: true, force: true });
  }
}
