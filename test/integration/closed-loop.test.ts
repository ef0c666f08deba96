import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateEmailTemplateCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorldEntry } from '../../local/mailbox-world.js';
import { BUSY, DEAD, STORY_WORLD } from '../support/worlds.js';
import { startRuntime, type Runtime } from '../../local/runtime.js';
import { silentLogger } from '../../shared/app/ports.js';
import { composeStores, documentClient } from '../../shared/adapters/compose.js';
import { DynamoRetryStateRepository } from '../../shared/adapters/outbound/dynamo-retry-stores.js';
import { DynamoPauseStore } from '../../shared/adapters/outbound/dynamo-health-stores.js';
import type { SendRequest } from '../../shared/app/send.js';
import { mkdtempSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { outboxCommand, sendCommand } from '../../cli/send-command.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const world: WorldEntry[] = [
  ...STORY_WORLD,
  { address: 'gone@example.org', responses: [DEAD] },
  { address: 'templated@example.org', responses: [BUSY, { deliver: true }] },
  { address: 'paused@example.org', responses: [BUSY, { deliver: true }] },
];

/** The local runtime's clock runs this much faster: 72 h of retries take about a minute. */
const TIME_SCALE = 3600;

let runtime: Runtime;
let dataDir: string;
let stores: ReturnType<typeof composeStores>;
let retries: DynamoRetryStateRepository;
let dynamo: DynamoDBClient;

const message = (to: string, campaign: string): SendRequest => ({
  to,
  from: 'news@mail.example.com',
  content: { kind: 'simple', subject: `${campaign} news`, text: 'Hello' },
  tags: { campaign, batch: 'import-1', source: null },
});

interface StoredMail {
  messageId: string;
  destination: { to: string[] };
  subject: string;
  body: { text?: string; html?: string };
}

async function mailTo(address: string): Promise<StoredMail[]> {
  const ses = runtime.file.endpoints.ses;
  const response = await fetch(`${ses}/store`);
  const { emails } = (await response.json()) as { emails: StoredMail[] };
  return emails.filter((e) => e.destination.to.includes(address));
}

async function sendsTo(address: string): Promise<number> {
  return (await mailTo(address)).length;
}

/** Stdin, stdout and stderr for a CLI command, and what it printed. */
function commandIo() {
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  let out = '';
  stdout.on('data', (chunk) => (out += chunk));
  return {
    io: { stdin, stdout, stderr: new PassThrough() },
    stdin,
    lines: () =>
      out
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

async function waitFor(what: string, check: () => Promise<boolean>, seconds = 150): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

beforeAll(async () => {
  runtime = await startRuntime({
    port: 0,
    dataDir: (dataDir = mkdtempSync(join(tmpdir(), 'bounce-loop-'))),
    memory: true,
    timeScale: TIME_SCALE,
    world,
    healthEverySeconds: 0,
    logger: silentLogger,
  });
  dynamo = new DynamoDBClient({
    region: 'us-east-1',
    endpoint: runtime.file.endpoints.dynamodb,
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
  });
  stores = composeStores(dynamo, { addressTable: runtime.file.tables.addresses, campaignTable: runtime.file.tables.campaigns });
  retries = new DynamoRetryStateRepository(documentClient(dynamo), runtime.file.tables.addresses);
}, 60_000);

afterAll(async () => {
  dynamo?.destroy();
  await runtime?.stop(2);
});

describe('closed loop on the local runtime (send → SES → events → classify → retry → send again)', () => {
  it('runtime.json names the local SES and its viewer, and the viewer serves the sent-mail page', async () => {
    expect(runtime.file.endpoints.ses).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(runtime.file.sesViewerUrl).toBe(`${runtime.file.endpoints.ses}/`);
    expect(runtime.file.timeScale).toBe(TIME_SCALE);
    expect(runtime.file.tagNames).toEqual({ campaign: 'campaign', batch: 'batch', source: 'source' });
    const page = await fetch(runtime.file.sesViewerUrl ?? '');
    expect(page.status).toBe(200);
  });

  it('each mailbox behaviour ends with exactly the expected sends and state', async () => {
    // An address suppressed before the campaign: its earlier hard bounce.
    expect(await runtime.send(message('gone@example.org', 'autumn'))).toMatchObject({ status: 'sent' });
    await waitFor('gone@ suppressed', async () => (await stores.addresses.getState('gone@example.org'))?.status === 'suppressed');

    const results = [];
    for (const to of [
      'dead@example.org',
      'twice@example.org',
      'full@example.org',
      'busy@example.org',
      'angry@example.org',
      'gone@example.org',
    ]) {
      results.push(await runtime.send(message(to, 'spring')));
    }
    expect(results.map((r) => r.status)).toEqual(['sent', 'sent', 'sent', 'sent', 'sent', 'refused']);
    expect(results[5]).toEqual({ to: 'gone@example.org', status: 'refused', reason: 'address-suppressed' });
    const originals = new Map(results.flatMap((r) => (r.status === 'sent' ? [[r.to, r.messageId] as const] : [])));
    const retryOf = (to: string) => retries.get(to, originals.get(to) ?? '');

    await waitFor('twice@ delivered', async () => (await retryOf('twice@example.org'))?.status === 'delivered');
    await waitFor('full@ given up or held', async () => ['skipped', 'gave-up'].includes((await retryOf('full@example.org'))?.status ?? ''));
    await waitFor('busy@ given up', async () => (await retryOf('busy@example.org'))?.status === 'gave-up');
    await waitFor('angry@ suppressed', async () => (await stores.addresses.getState('angry@example.org'))?.status === 'suppressed');

    // Hard bounce: one send, suppressed, never retried.
    expect(await sendsTo('dead@example.org')).toBe(1);
    expect(await stores.addresses.getState('dead@example.org')).toMatchObject({ status: 'suppressed', reason: 'hard-bounce' });
    expect(await retryOf('dead@example.org')).toBeNull();
    // Two soft bounces then delivered: three sends, not suppressed.
    expect(await sendsTo('twice@example.org')).toBe(3);
    expect(await stores.addresses.getState('twice@example.org')).toBeNull();
    expect(await retryOf('twice@example.org')).toMatchObject({ attempt: 2, status: 'delivered' });
    // Mailbox full forever: retried until the soft-bounce window holds it for review; the due attempt is skipped.
    expect(await sendsTo('full@example.org')).toBe(4);
    expect(await stores.addresses.getState('full@example.org')).toMatchObject({ status: 'review', reason: 'soft-bounce-threshold' });
    expect(await retryOf('full@example.org')).toMatchObject({ attempt: 4, status: 'skipped', reason: 'address-in-review' });
    // A temporary server failure retried its category maximum (3), then review with the reason.
    expect(await sendsTo('busy@example.org')).toBe(4);
    expect(await stores.addresses.getState('busy@example.org')).toMatchObject({ status: 'review', reason: 'retries-exhausted' });
    // Complaint: suppressed and never sent again.
    expect(await runtime.send(message('angry@example.org', 'summer'))).toMatchObject({ status: 'refused', reason: 'address-suppressed' });
    expect(await sendsTo('angry@example.org')).toBe(1);
    // The address suppressed before the campaign: only its earlier send.
    expect(await sendsTo('gone@example.org')).toBe(1);
  }, 200_000);

  it('bounce send prints one contract line per message; bounce outbox lists every send with its original', async () => {
    const io = () => {
      const stdin = new PassThrough();
      const stdout = new PassThrough();
      let out = '';
      stdout.on('data', (chunk) => (out += chunk));
      return { io: { stdin, stdout, stderr: new PassThrough() }, out: () => out, stdin };
    };
    const send = io();
    send.stdin.end(
      [
        JSON.stringify({ to: 'Cli@Example.org', from: 'news@mail.example.com', subject: 'Hi', text: 'x', tags: { campaign: 'cli' } }),
        JSON.stringify({ to: 'dead@example.org', from: 'news@mail.example.com', subject: 'Hi', text: 'x', tags: { campaign: 'cli' } }),
        '{"to": "x@example.org"}',
      ].join('\n'),
    );
    expect(await sendCommand({ source: '-', dataDir }, send.io)).toBe(1);
    const lines = send
      .out()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines[0]).toEqual({ to: 'cli@example.org', status: 'sent', messageId: expect.stringMatching(/^ses-/) });
    expect(lines[1]).toEqual({ to: 'dead@example.org', status: 'refused', reason: 'address-suppressed' });
    expect(lines[2]).toMatchObject({ to: 'x@example.org', status: 'refused', reason: expect.stringMatching(/^line 3: /) });

    const outbox = io();
    expect(await outboxCommand({ dataDir, json: true }, outbox.io)).toBe(0);
    const rows = outbox
      .out()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(Object.keys(rows[0] ?? {})).toEqual(['messageId', 'to', 'attempt', 'originalMessageId', 'campaign', 'sentAt']);
    expect(rows.filter((r) => r.to === 'twice@example.org').map((r) => r.attempt)).toEqual([0, 1, 2]);
    const twice = rows.filter((r) => r.to === 'twice@example.org');
    expect(new Set(twice.map((r) => r.originalMessageId)).size).toBe(1);
    expect(twice[0]?.originalMessageId).toBe(twice[0]?.messageId);
    expect(rows.find((r) => r.to === 'cli@example.org')).toMatchObject({ attempt: 0, campaign: 'cli' });
  }, 60_000);

  it('a templated message goes through bounce send to the local SES (v2 template), and its retry renders the same template', async () => {
    const sesV2 = new SESv2Client({
      region: runtime.file.region,
      endpoint: runtime.file.endpoints.ses,
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    });
    try {
      await sesV2.send(
        new CreateEmailTemplateCommand({
          TemplateName: 'welcome',
          TemplateContent: { Subject: 'Welcome, {{name}}', Text: 'Hello {{name}}, your code is {{code}}.' },
        }),
      );
    } finally {
      sesV2.destroy();
    }
    const line = (template: string) =>
      JSON.stringify({
        to: 'templated@example.org',
        from: 'news@mail.example.com',
        template,
        templateData: { name: 'Kim', code: 'K-42' },
        tags: { campaign: 'templates' },
      });
    const send = commandIo();
    send.stdin.end([line('welcome'), line('no-such-template')].join('\n'));
    expect(await sendCommand({ source: '-', dataDir }, send.io)).toBe(0);
    const [sent, missing] = send.lines();
    expect(sent).toEqual({ to: 'templated@example.org', status: 'sent', messageId: expect.stringMatching(/^ses-/) });
    expect(missing).toEqual({ to: 'templated@example.org', status: 'refused', reason: 'ses-refused: NotFoundException' });

    // The world bounces the first send (server busy) and delivers the retry: the retry sends the stored template again.
    const original = String(sent?.messageId);
    await waitFor('templated@ delivered', async () => (await retries.get('templated@example.org', original))?.status === 'delivered');
    const mail = await mailTo('templated@example.org');
    expect(mail.map((m) => [m.subject, m.body.text])).toEqual([
      ['Welcome, Kim', 'Hello Kim, your code is K-42.'],
      ['Welcome, Kim', 'Hello Kim, your code is K-42.'],
    ]);
    expect(mail[0]?.messageId).toBe(original);
    expect(await retries.get('templated@example.org', original)).toMatchObject({
      attempt: 1,
      status: 'delivered',
      lastMessageId: mail[1]?.messageId,
    });
  }, 60_000);

  it('pause → retry due → resume: the attempt waits unsent while paused, then goes out once', async () => {
    const sent = await runtime.send(message('paused@example.org', 'waiting'));
    if (sent.status !== 'sent') throw new Error('not sent');
    // Paused before its bounce even comes back: the retry (15–60 min later) comes due while paused.
    const pauses = new DynamoPauseStore(documentClient(dynamo), runtime.file.tables.campaigns);
    await pauses.pause({ campaign: 'waiting', reason: 'test', actor: 'tester', pausedAt: runtime.clock().toISOString(), automatic: false });
    const state = () => retries.get('paused@example.org', sent.messageId);
    // Claimed at due time and put back to wait (schedule, claim, wait: version 3 at least).
    await waitFor(
      'the due attempt put back to wait',
      async () => {
        const s = await state();
        return s?.status === 'scheduled' && s.version >= 3;
      },
      30,
    );
    // Three hours of the runtime clock paused: rechecked, never sent, never ended.
    const pausedAt = runtime.clock().getTime();
    await waitFor('3 h paused', async () => runtime.clock().getTime() - pausedAt > 3 * 3600 * 1000);
    expect(await sendsTo('paused@example.org')).toBe(1);
    // Every 15 minutes of this clock (a quarter second here) the runner claims it, sees the pause and puts it
    // back: between the two writes it reads `sending`. Either way it is attempt 1, open, and unsent.
    const waiting = await state();
    expect(waiting).toMatchObject({ attempt: 1 });
    expect(['scheduled', 'sending']).toContain(waiting?.status);
    await pauses.resume('waiting');
    await waitFor('delivered after the resume', async () => (await state())?.status === 'delivered');
    const mail = await mailTo('paused@example.org');
    expect(mail).toHaveLength(2);
    expect(await state()).toMatchObject({ attempt: 1, status: 'delivered', lastMessageId: mail[1]?.messageId });
  }, 60_000);
});
