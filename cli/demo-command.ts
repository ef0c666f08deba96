import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PublishBatchCommand, SNSClient } from '@aws-sdk/client-sns';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { startRuntime, type Runtime } from '../local/runtime.js';
import { ApiClient } from './api-client.js';
import { clientConfigFor, DEFAULT_DATA_DIR, readRuntimeFile, type RuntimeFile } from '../local/runtime-file.js';
import { textLogger } from '../local/text-logger.js';
import { Progress } from './progress.js';
import type { CommandIo } from './suppression-commands.js';

export interface DemoOptions {
  readonly recipients: number;
  readonly dataDir?: string;
  /** Seed of the campaign's random choices and of its id and addresses (the same seed, the same campaign); default: a new one each run. */
  readonly seed?: number;
}

/** mulberry32: a small seeded generator, so a demo can be reproduced. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PROVIDERS = [
  { weight: 0.35, domains: ['gmail.com'] },
  { weight: 0.2, domains: ['outlook.com', 'hotmail.com', 'live.com'] },
  { weight: 0.15, domains: ['yahoo.com', 'aol.com'] },
  { weight: 0.08, domains: ['icloud.com', 'me.com'] },
  { weight: 0.22, domains: ['contoso.example', 'fabrikam.example', 'northwind.example', 'adatum.example'] },
] as const;

type Outcome =
  | { kind: 'delivered' }
  | { kind: 'complaint' }
  | { kind: 'bounce'; type: 'Permanent' | 'Transient'; subType: string; status: string; diagnostic: string; repeats?: number };

/** Real-world wording for each kind of failure the demo produces. */
const BOUNCES = {
  gmailUnknown: {
    type: 'Permanent',
    subType: 'General',
    status: '5.1.1',
    diagnostic:
      'smtp; 550-5.1.1 The email account that you tried to reach does not exist. ' +
      "Please try double-checking the recipient's email address for typos or unnecessary spaces. - gsmtp",
  },
  outlookUnknown: {
    type: 'Permanent',
    subType: 'General',
    status: '5.5.0',
    diagnostic: 'smtp; 550 5.5.0 Requested action not taken: mailbox unavailable (S2017062302).',
  },
  yahooUnknown: {
    type: 'Permanent',
    subType: 'General',
    status: '5.0.0',
    diagnostic: "smtp; 554 delivery error: dd This user doesn't have a yahoo.com account - mta4012.mail.gq1.yahoo.com",
  },
  genericUnknown: {
    type: 'Permanent',
    subType: 'General',
    status: '5.1.1',
    diagnostic: 'smtp; 550 5.1.1 <user>: Recipient address rejected: User unknown in virtual mailbox table',
  },
  mailboxFullPermanent: { type: 'Permanent', subType: 'General', status: '5.2.2', diagnostic: 'smtp; 552 5.2.2 Mailbox full' },
  mailboxFull: { type: 'Transient', subType: 'MailboxFull', status: '4.2.2', diagnostic: 'smtp; 452 4.2.2 Mailbox full' },
  mailboxBusy: { type: 'Transient', subType: 'General', status: '4.2.0', diagnostic: 'smtp; 450 4.2.0 Mailbox temporarily unavailable' },
  gmailReputation: {
    type: 'Permanent',
    subType: 'General',
    status: '5.7.1',
    diagnostic:
      'smtp; 550-5.7.1 [192.0.2.10] Our system has detected that this message is likely suspicious ' +
      'due to the very low reputation of the sending domain. - gsmtp',
  },
  yahooDeferral: {
    type: 'Transient',
    subType: 'General',
    status: '4.7.0',
    diagnostic: 'smtp; 421 4.7.0 [TS01] Messages from 192.0.2.10 temporarily deferred due to user complaints - 4.16.55.1',
  },
  outlookBlockList: {
    type: 'Permanent',
    subType: 'General',
    status: '5.7.1',
    diagnostic:
      "smtp; 550 5.7.1 Unfortunately, messages from [192.0.2.10] weren't sent. " +
      'Please contact your Internet service provider since part of their network is on our block list (S3150).',
  },
  policyBlock: {
    type: 'Permanent',
    subType: 'General',
    status: '5.4.1',
    diagnostic: 'smtp; 550 5.4.1 Recipient address rejected: Access denied. AS(201806281)',
  },
  accountSuppressed: {
    type: 'Permanent',
    subType: 'OnAccountSuppressionList',
    status: '5.1.1',
    diagnostic: 'Amazon SES did not send the message to this address because it is on the suppression list for your account.',
  },
} as const satisfies Record<string, Omit<Extract<Outcome, { kind: 'bounce' }>, 'kind'>>;

interface Recipient {
  readonly email: string;
  readonly domain: string;
  readonly batch: string;
  readonly source: string;
  readonly outcome: Outcome;
}

const STALE_BATCH = 'import-2019-legacy';

/** A campaign of `count` recipients with a realistic mix of outcomes (deterministic for a seed). */
export function generateCampaign(count: number, seed: number): Recipient[] {
  const rnd = random(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rnd() * items.length)] as T;
  const recipients: Recipient[] = [];
  for (let i = 0; i < count; i++) {
    let r = rnd();
    let provider: (typeof PROVIDERS)[number] = PROVIDERS[PROVIDERS.length - 1] as (typeof PROVIDERS)[number];
    for (const candidate of PROVIDERS) {
      if (r < candidate.weight) {
        provider = candidate;
        break;
      }
      r -= candidate.weight;
    }
    const domain = pick(provider.domains);
    const stale = rnd() < 0.1;
    const batch = stale ? STALE_BATCH : 'import-2026-11';
    const source = stale ? 'purchased-list' : pick(['webinar', 'newsletter-signup', 'newsletter-signup', 'trade-show']);
    const unknown =
      domain === 'gmail.com'
        ? BOUNCES.gmailUnknown
        : provider.domains.includes('outlook.com' as never)
          ? BOUNCES.outlookUnknown
          : domain === 'yahoo.com' || domain === 'aol.com'
            ? BOUNCES.yahooUnknown
            : BOUNCES.genericUnknown;
    const roll = rnd();
    let outcome: Outcome = { kind: 'delivered' };
    if (stale) {
      if (roll < 0.12) outcome = { kind: 'bounce', ...unknown };
      else if (roll < 0.15) outcome = { kind: 'bounce', ...BOUNCES.mailboxFullPermanent };
      else if (roll < 0.23) outcome = { kind: 'bounce', ...BOUNCES.mailboxFull, repeats: roll < 0.17 ? 4 : 1 };
    } else if (roll < 0.006) outcome = { kind: 'bounce', ...unknown };
    else if (roll < 0.011) outcome = { kind: 'bounce', ...BOUNCES.mailboxFull, repeats: roll < 0.007 ? 4 : 1 };
    else if (roll < 0.014) outcome = { kind: 'bounce', ...BOUNCES.mailboxBusy };
    else if (roll < 0.02) {
      if (domain === 'gmail.com') outcome = { kind: 'bounce', ...BOUNCES.gmailReputation };
      else if (domain === 'yahoo.com' || domain === 'aol.com') outcome = { kind: 'bounce', ...BOUNCES.yahooDeferral };
      else if (provider.domains.includes('outlook.com' as never)) outcome = { kind: 'bounce', ...BOUNCES.outlookBlockList };
    } else if (roll < 0.022 && domain.endsWith('.example')) outcome = { kind: 'bounce', ...BOUNCES.policyBlock };
    else if (roll < 0.025) outcome = { kind: 'bounce', ...BOUNCES.accountSuppressed };
    else if (roll < 0.0258) outcome = { kind: 'complaint' };
    recipients.push({
      // The seed is part of the address: another run (another seed) mails new addresses, as a new campaign would.
      email: `${pick(['alex', 'sam', 'kim', 'lee', 'jo', 'max', 'ana', 'li', 'noor', 'eli'])}.${seed.toString(36)}.${i}@${domain}`,
      domain,
      batch,
      source,
      outcome,
    });
  }
  return recipients;
}

/** SES configuration-set events for one recipient, in the order SES would publish them. */
export function eventsFor(recipient: Recipient, campaign: string, index: number, now: Date): string[] {
  // Sends spread over the last 6 hours; a repeating soft bounce's earlier sends go back up to 2 days.
  const sendTime = (back: number) => new Date(now.getTime() - back).toISOString();
  const mail = (messageId: string, timestamp: string) => ({
    timestamp,
    messageId,
    source: 'News <news@mail.example.com>',
    sendingAccountId: '111122223333',
    destination: [recipient.email],
    tags: { campaign: [campaign], batch: [recipient.batch], source: [recipient.source] },
  });
  const later = (iso: string, seconds: number) => new Date(Date.parse(iso) + seconds * 1000).toISOString();
  const events: object[] = [];
  const attempts = recipient.outcome.kind === 'bounce' ? (recipient.outcome.repeats ?? 1) : 1;
  for (let attempt = 0; attempt < attempts; attempt++) {
    const sentAt = sendTime(attempt * 10 * 3600_000 + ((index * 7919) % (6 * 3600)) * 1000);
    const messageId = `demo-${campaign}-${index}-${attempt}`;
    events.push({ eventType: 'Send', mail: mail(messageId, sentAt), send: {} });
    const outcome = recipient.outcome;
    if (outcome.kind === 'bounce') {
      events.push({
        eventType: 'Bounce',
        mail: mail(messageId, sentAt),
        bounce: {
          feedbackId: `${messageId}-bounce`,
          bounceType: outcome.type,
          bounceSubType: outcome.subType,
          timestamp: later(sentAt, outcome.type === 'Transient' ? 3600 : 2),
          bouncedRecipients: [
            { emailAddress: recipient.email, action: 'failed', status: outcome.status, diagnosticCode: outcome.diagnostic },
          ],
        },
      });
    } else {
      events.push({
        eventType: 'Delivery',
        mail: mail(messageId, sentAt),
        delivery: { timestamp: later(sentAt, 2), recipients: [recipient.email], smtpResponse: '250 2.0.0 OK' },
      });
      if (outcome.kind === 'complaint') {
        events.push({
          eventType: 'Complaint',
          mail: mail(messageId, sentAt),
          complaint: {
            feedbackId: `${messageId}-complaint`,
            timestamp: later(sentAt, 1800),
            complainedRecipients: [{ emailAddress: recipient.email }],
            complaintFeedbackType: 'abuse',
          },
        });
      }
    }
  }
  return events.map((event) => JSON.stringify(event));
}

/** Wait until the queue is empty (and, on a throwaway runtime, drained), showing progress: in place on a terminal. */
async function waitUntilProcessed(runtime: RuntimeFile, io: CommandIo, local: Runtime | null, published: number): Promise<void> {
  const progress = new Progress(io.stderr, 'pipeline', { unit: 'SES events processed', total: published });
  const sqs = new SQSClient({ ...clientConfigFor(runtime, 'sqs'), useQueueUrlAsEndpoint: false });
  let drained = false;
  const draining = local?.drain().then(() => {
    drained = true;
  });
  try {
    let idle = 0;
    while (local ? !drained : idle < 3) {
      const { Attributes = {} } = await sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl: runtime.queues.notifications,
          AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
        }),
      );
      const waiting = Number(Attributes.ApproximateNumberOfMessages ?? 0) + Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0);
      idle = waiting === 0 ? idle + 1 : 0;
      progress.update(Math.max(0, published - waiting));
      await Promise.race([new Promise((resolve) => setTimeout(resolve, 1000)), ...(draining ? [draining] : [])]);
    }
    await draining;
  } finally {
    progress.end();
    sqs.destroy();
  }
}

interface ListItem {
  email: string;
  status: string;
  reason: string;
  category: string | null;
}

const pct = (value: number) => `${(value * 100).toFixed(2)} %`;

/**
 * `bounce demo`: publishes a realistic campaign to the running local runtime
 * (or to a throwaway one it starts), waits for the pipeline, then reports what
 * it decided, from the API.
 */
export async function demoCommand(options: DemoOptions, io: CommandIo): Promise<number> {
  const dataDir = options.dataDir ?? DEFAULT_DATA_DIR;
  let runtime = await readRuntimeFile(dataDir);
  let local: Runtime | null = null;
  let scratch: string | null = null;
  if (!runtime) {
    scratch = await mkdtemp(join(tmpdir(), 'bounce-demo-'));
    io.stderr.write('No runtime running: starting a throwaway one in memory for this demo (npm start keeps one running).\n');
    // Its health timer and logs would only interleave with the report (which reads the same health): errors only.
    local = await startRuntime({ port: 0, dataDir: scratch, memory: true, healthEverySeconds: 0, logger: textLogger(io.stderr, 'error') });
    runtime = local.file;
  }
  const now = new Date();
  const seed = options.seed ?? Math.floor(Math.random() * 2 ** 31);
  const campaign = `demo-${seed.toString(36)}`;
  const recipients = generateCampaign(options.recipients, seed);
  const sns = new SNSClient(clientConfigFor(runtime, 'sns'));
  try {
    io.stderr.write(`campaign ${campaign}: ${recipients.length} recipients (--seed ${seed} repeats this campaign)\n`);
    const events = recipients.flatMap((recipient, index) => eventsFor(recipient, campaign, index, now));
    const publishing = new Progress(io.stderr, 'demo', { unit: 'SES events published', total: events.length });
    let published = 0;
    let batch: string[] = [];
    const flush = async () => {
      if (batch.length === 0) return;
      await sns.send(
        new PublishBatchCommand({
          TopicArn: runtime.topicArn,
          PublishBatchRequestEntries: batch.map((Message, i) => ({ Id: String(i), Message })),
        }),
      );
      published += batch.length;
      batch = [];
      publishing.update(published);
    };
    for (const event of events) {
      batch.push(event);
      if (batch.length === 10) await flush();
    }
    await flush();
    publishing.end();
    io.stderr.write(`published ${published} SES events; waiting for the pipeline…\n`);
    const started = Date.now();
    await waitUntilProcessed(runtime, io, local, published);
    const seconds = (Date.now() - started) / 1000;

    const api = new ApiClient(runtime.apiUrl);
    const health = await api.request<{
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
    }>('GET', `/campaigns/${encodeURIComponent(campaign)}/health`);
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
    for (const item of listed)
      byWhy.set(
        `${item.status} / ${item.reason} / ${item.category ?? '-'}`,
        (byWhy.get(`${item.status} / ${item.reason} / ${item.category ?? '-'}`) ?? 0) + 1,
      );
    const retries = recipients.filter((r) => r.outcome.kind === 'bounce' && r.outcome.type === 'Transient').length;
    const example = listed.find((item) => item.reason === 'hard-bounce')?.email ?? listed[0]?.email;
    const repeatSends = health.sends - recipients.length;

    const lines = [
      '',
      `Campaign ${campaign}: ${recipients.length} recipients, ${published} SES events processed in ${seconds.toFixed(1)} s`,
      `  ${recipients.length} recipients / ${health.sends} sends: ` +
        (repeatSends > 0
          ? `the ${repeatSends} extra sends are repeat mailings to addresses that had soft-bounced before.`
          : 'one send per recipient.'),
      '',
      'Figures',
      `  sends ${health.sends}, deliveries ${health.deliveries}, hard bounces ${health.hardBounces}, soft bounces ${health.softBounces},`,
      `  reputation/auth/content blocks ${health.blocks}, complaints ` +
        `${health.complaints}, not sent (SES suppression list) ${health.alreadySuppressed}`,
      `  hard-bounce rate ${pct(health.hardBounceRate)} (at least ` +
        `${pct(health.hardBounceRateLowerBound)} with 95 % confidence), ` +
        `complaint rate ${pct(health.complaintRate)}`,
      '',
      `Verdict: ${health.verdict.toUpperCase()}`,
      ...health.findings.flatMap((f) => [`  [${f.verdict}] ${f.summary}`, `          → ${f.action}`]),
      '',
      'Do-not-mail list for this campaign (status / reason / category):',
      ...[...byWhy.entries()].sort((a, b) => b[1] - a[1]).map(([why, n]) => `  ${String(n).padStart(6)}  ${why}`),
      '',
      `Soft bounces (${health.softBounces}) count temporary failures, one ` +
        `per failed send; retries (${retries}) are the recipients whose last ` +
        `failure was decided "retry" with a delay.`,
      '  An address that soft-bounced more than 3 times in 72 h is held in review instead of retried.',
      '',
      ...(example === undefined
        ? []
        : [
            'Look an address up:',
            ...(local
              ? [
                  '  (this demo ran on a throwaway runtime, now stopped: ' +
                    'run "npm start" in another terminal, then "npx bounce demo" again)',
                  `  npx bounce lookup ${example}`,
                ]
              : [`  npx bounce lookup ${example}`, `  curl ${runtime.apiUrl}/suppressions/${encodeURIComponent(example)}`]),
          ]),
      '',
    ];
    io.stdout.write(lines.join('\n'));
    return 0;
  } catch (error) {
    io.stderr.write(`bounce demo: ${(error as Error).message}\n`);
    return 1;
  } finally {
    sns.destroy();
    if (local) await local.stop();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  }
}
