import { PassThrough } from 'node:stream';
import { PublishBatchCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import type { ApiClient } from '../../cli/api-client.js';
import { ApiError } from '../../cli/api-client.js';
import { ingestCommand, verdictOf } from '../../cli/ingest-command.js';
import { sendLines } from '../../cli/send-command.js';
import { checkCommand, importCommand } from '../../cli/suppression-commands.js';
import { parseSendLine } from '../../shared/adapters/inbound/send-request.js';
import { createSendMessage } from '../../shared/app/send.js';
import {
  isValidAddress,
  jsonNestingReason,
  MAX_JSON_DEPTH,
  MAX_MESSAGE_BYTES,
  normaliseAddress,
  unstorableAddressReason,
} from '../../shared/domain/index.js';
import { bounceFor } from '../support/batches.js';
import { fakeErasure } from '../support/erasure-fakes.js';
import { FakeAddresses, RecordingLogger } from '../support/fakes.js';
import { FakeMessages, FakePauses, FakeSender } from '../support/retry-fakes.js';

/**
 * Every line a command reads is judged alone: whatever a line holds (nesting
 * 100,000 deep, a megabyte, invalid UTF-8, NUL bytes, lone surrogates, numbers
 * where strings belong), the command survives it, names it, and the good
 * lines around it all go through. Like the pipeline's properties
 * (test/unit/properties.test.ts), over the CLI's inputs.
 */

const sns = mockClient(SNSClient);
beforeEach(() => sns.reset());

const noNewline = (text: string) => text.replace(/[\r\n]/g, ' ');
const deep = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;
const sesEvent = bounceFor('kim@example.org', { feedbackId: 'fb-1', status: '5.1.1', diagnosticCode: 'smtp; 550 5.1.1 unknown' });

/** A string leaf of a JSON value replaced by a number (`to: 5`, `mail.messageId: 12`); finite only, since JSON writes NaN as null, which an optional field may be. */
function withNumberFor(value: unknown, path: readonly string[], n: number): unknown {
  if (path.length === 0 || typeof value !== 'object' || value === null) return n;
  const [head, ...rest] = path as [string, ...string[]];
  return { ...(value as Record<string, unknown>), [head]: withNumberFor((value as Record<string, unknown>)[head], rest, n) };
}

const sendMessage = { to: 'kim@example.org', from: 'news@mail.example.com', subject: 'hi', text: 'x', tags: { campaign: 'c' } };

/** An address with a control character in it (what a UTF-8 file can carry), or a lone surrogate (only as a JSON escape). */
const controlAddress = fc
  .tuple(fc.constantFrom('\u0000', '\u0007', '\u001b', '\u007f', '\u0085'), fc.boolean())
  .map(([c, inDomain]) => (inDomain ? `n@ex${c}ample.org` : `n${c}x@example.org`));
const surrogateAddress = fc.constantFrom('n\ud800x@example.org', 'n\udfffx@example.org', 'n@ex\udc00ample.org');

/** Text lines that are no good to any command (never blank, never an address, never a message). */
const hostileText = fc.oneof(
  controlAddress,
  fc.oneof(controlAddress, surrogateAddress).map((to) => JSON.stringify({ ...sendMessage, to })),
  fc.integer({ min: MAX_JSON_DEPTH + 1, max: 120_000 }).map(deep),
  fc.integer({ min: MAX_JSON_DEPTH + 1, max: 120_000 }).map((n) => `{"eventType":"Bounce","x":${deep(n)}}`),
  fc
    .integer({ min: MAX_JSON_DEPTH + 1, max: 120_000 })
    .map((n) => JSON.stringify({ ...sendMessage, templateData: 0 }).replace('0', deep(n))),
  fc.integer({ min: MAX_MESSAGE_BYTES + 1, max: 1_200_000 }).map((n) => JSON.stringify({ eventType: 'Bounce', pad: 'x'.repeat(n) })),
  fc.string().map((s) => `${noNewline(s)}\u0000{"eventType":"Bounce"}\u0000`),
  fc
    .string()
    .map((s) => `{"to":"a\ud800b@example.org","from":"news@mail.example.com","subject":"${'\udc00'}","text":"${noNewline(s).length}"}`),
  fc.string().map((s) => `\ud800${noNewline(s)}\udfff`),
  fc
    .constantFrom(['mail', 'messageId'], ['mail', 'timestamp'], ['bounce', 'feedbackId'], ['eventType'], ['mail', 'destination'])
    .chain((path) => fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => JSON.stringify(withNumberFor(sesEvent, path, n)))),
  fc.constantFrom(['to'], ['from'], ['subject'], ['tags', 'campaign']).map((path) => JSON.stringify(withNumberFor(sendMessage, path, 5))),
  fc.string({ unit: 'binary', minLength: 1 }).map((s) => `#${noNewline(s)}`),
);

/** The bytes of a line: some hostile ones are not UTF-8 at all. */
const hostileLine = fc
  .oneof(
    { weight: 4, arbitrary: hostileText.map((text) => Buffer.from(text)) },
    {
      weight: 1,
      arbitrary: fc.uint8Array({ minLength: 1, maxLength: 40 }).map((bytes) => Buffer.concat([Buffer.from([0xff, 0xc3]), bytes])),
    },
  )
  .map((bytes) => Buffer.from(bytes.map((b) => (b === 0x0a || b === 0x0d ? 0x20 : b))));

/** Good lines with hostile lines at random places (at most 4: each command names the first 5 bad lines by number). */
const scenario = fc.record({
  goods: fc.integer({ min: 1, max: 12 }),
  bad: fc.array(fc.tuple(fc.nat(), hostileLine), { minLength: 1, maxLength: 4 }),
});

interface Placed {
  readonly input: Buffer;
  /** 1-based line numbers of the hostile lines. */
  readonly badLines: number[];
  readonly goodLines: number[];
}

function place(goodLine: (i: number) => string, goods: number, bad: ReadonlyArray<readonly [number, Buffer]>): Placed {
  const lines: Array<{ bytes: Buffer; bad: boolean }> = Array.from({ length: goods }, (_, i) => ({
    bytes: Buffer.from(goodLine(i)),
    bad: false,
  }));
  // After the first line: a first line without `@` may be read as a CSV header.
  for (const [at, bytes] of bad) lines.splice(1 + (at % lines.length), 0, { bytes, bad: true });
  const numbers = (wanted: boolean) => lines.flatMap((line, i) => (line.bad === wanted ? [i + 1] : []));
  return {
    input: Buffer.concat(lines.flatMap(({ bytes }) => [bytes, Buffer.from('\n')])),
    badLines: numbers(true),
    goodLines: numbers(false),
  };
}

function io(input: Buffer) {
  const stdin = new PassThrough();
  stdin.end(input);
  let out = '';
  let err = '';
  const stdout = new PassThrough().on('data', (chunk: Buffer) => (out += chunk.toString()));
  const stderr = new PassThrough().on('data', (chunk: Buffer) => (err += chunk.toString()));
  return { io: { stdin, stdout, stderr }, stdout: () => out, stderr: () => err };
}

/** The API's own rules for check and import (what it answers 400 and 413 to), over no records. */
function fakeApi(): ApiClient & { readonly created: string[] } {
  const created: string[] = [];
  const call = async (method: string, path: string, options: { body?: unknown } = {}) => {
    if (JSON.stringify(options.body ?? null).length > 256 * 1024) throw new ApiError(413, 'body too large', null);
    if (method === 'POST' && path === '/suppressions/check') {
      const emails = (options.body as { emails: string[] }).emails;
      if (emails.length > 1000 || emails.some((e) => unstorableAddressReason(normaliseAddress(e)) !== null))
        throw new ApiError(400, 'invalid body', null);
      return { status: 200, body: { results: emails.map((email) => ({ email, suppressed: false, status: null, reason: null })) } };
    }
    if (method === 'PUT') {
      const email = decodeURIComponent(path.replace('/suppressions/', ''));
      if (!isValidAddress(normaliseAddress(email))) throw new ApiError(400, 'not a valid email address', null);
      created.push(email);
      return { status: 201, body: {} };
    }
    throw new ApiError(404, `no route ${method} ${path}`, null);
  };
  return {
    created,
    call,
    request: async (m: string, p: string, o?: { body?: unknown }) => (await call(m, p, o)).body,
  } as unknown as ApiClient & {
    readonly created: string[];
  };
}

/** Reference depth of a parsed JSON value, without recursion. */
function depthOf(value: unknown): number {
  let max = 0;
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [v, d] = stack.pop() as [unknown, number];
    if (typeof v !== 'object' || v === null) continue;
    max = Math.max(max, d + 1);
    for (const child of Object.values(v)) stack.push([child, d + 1]);
  }
  return max;
}

describe('the depth check every input line passes first', () => {
  it('agrees with the depth of the parsed value, brackets in strings aside', () => {
    const nested = fc.letrec((tie) => ({
      value: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        fc.json().map((text) => JSON.parse(text) as unknown),
        fc.array(tie('value'), { maxLength: 2 }),
        fc.dictionary(fc.string(), tie('value'), { maxKeys: 2 }),
      ),
    })).value;
    fc.assert(
      fc.property(nested, fc.integer({ min: 0, max: 80 }), (value, wraps) => {
        const text = `${'['.repeat(wraps)}${JSON.stringify(value)}${']'.repeat(wraps)}`;
        const depth = wraps + depthOf(value);
        expect(jsonNestingReason(text) === null).toBe(depth <= MAX_JSON_DEPTH);
      }),
      { numRuns: 500 },
    );
    expect(jsonNestingReason(JSON.stringify({ s: '['.repeat(100_000) }))).toBeNull();
    expect(jsonNestingReason(JSON.stringify({ s: `\\"${'['.repeat(100)}` }))).toBeNull();
  });
});

describe('each line judged alone', () => {
  it('ingest: a line never throws; a bad one has a reason; what is published fits one message and was the line', () => {
    fc.assert(
      fc.property(hostileLine, (bytes) => {
        const text = bytes.toString('utf8');
        const verdict = verdictOf(text);
        if (verdict.kind === 'invalid' || verdict.kind === 'unsafe') expect(verdict.reason.length).toBeGreaterThan(0);
        if (verdict.kind === 'publish') expect(Buffer.byteLength(verdict.message)).toBeLessThanOrEqual(MAX_MESSAGE_BYTES);
        expect(verdict.kind).not.toBe('publish'); // none of these is an SES notification
      }),
      { numRuns: 300 },
    );
    expect(verdictOf(deep(100_000))).toEqual({ kind: 'unsafe', reason: `JSON nested deeper than ${MAX_JSON_DEPTH} levels` });
  });

  it('send: a line never throws, and a bad one is refused with a reason', () => {
    fc.assert(
      fc.property(hostileLine, (bytes) => {
        const parsed = parseSendLine(bytes.toString('utf8'));
        if (!parsed.ok) expect(parsed.reason.length).toBeGreaterThan(0);
        else expect(isValidAddress(normaliseAddress(parsed.request.to))).toBe(false); // refused by the send path
      }),
      { numRuns: 300 },
    );
  });
});

describe('each command survives every line, names the bad ones, and lets every good one through', () => {
  it('bounce ingest', async () => {
    sns.on(PublishBatchCommand).callsFake((input: { PublishBatchRequestEntries: Array<{ Id: string; Message: string }> }) => {
      const entries = input.PublishBatchRequestEntries;
      const bytes = entries.reduce((sum, e) => sum + Buffer.byteLength(e.Message), 0);
      if (entries.length > 10 || bytes > MAX_MESSAGE_BYTES) throw new Error('batch too large');
      return { Successful: entries.map((e) => ({ Id: e.Id, MessageId: `m-${e.Id}` })), Failed: [] };
    });
    await fc.assert(
      fc.asyncProperty(scenario, async ({ goods, bad }) => {
        const good = (i: number) =>
          JSON.stringify(bounceFor(`n${i}@example.org`, { feedbackId: `fb-${i}`, status: '5.1.1', diagnosticCode: 'smtp; 550 5.1.1' }));
        const { input, badLines } = place(good, goods, bad);
        const run = io(input);
        const status = await ingestCommand({ sources: ['-'], topicArn: 'arn:aws:sns:us-east-1:111122223333:t' }, run.io);
        expect(status).toBe(1);
        expect(run.stderr()).toContain(`ingest: ${goods} published, 0 failed`);
        for (const n of badLines) expect(run.stderr()).toContain(`stdin:${n}: `);
      }),
      { numRuns: 40 },
    );
  }, 120_000);

  it('bounce send', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async ({ goods, bad }) => {
        const addresses = new FakeAddresses();
        const sender = new FakeSender();
        const send = createSendMessage({
          addresses,
          pauses: new FakePauses(),
          sender,
          messages: new FakeMessages(),
          logger: new RecordingLogger(),
          erasure: fakeErasure(addresses),
        });
        const { input, badLines, goodLines } = place((i) => JSON.stringify({ ...sendMessage, to: `n${i}@example.org` }), goods, bad);
        const run = io(input);
        await sendLines(run.io.stdin, send, () => new Date('2026-11-20T12:00:00Z'), run.io);
        const answers = run
          .stdout()
          .trimEnd()
          .split('\n')
          .map((line) => JSON.parse(line) as { status: string; reason?: string });
        expect(answers).toHaveLength(goods + bad.length);
        expect(sender.sent).toHaveLength(goods);
        for (const n of goodLines) expect(answers[n - 1]?.status).toBe('sent');
        for (const n of badLines) {
          const answer = answers[n - 1];
          expect(answer?.status).toBe('refused');
          // Named by its line number, or refused by the send path as an invalid address.
          expect(answer?.reason?.startsWith(`line ${n}: `) || answer?.reason === 'invalid-address').toBe(true);
        }
      }),
      { numRuns: 60 },
    );
  }, 120_000);

  it('bounce send shares reads within groups of one invocation: a campaign pause is read once per 50 lines', async () => {
    const addresses = new FakeAddresses();
    const pauses = new FakePauses();
    let reads = 0;
    const isPaused = pauses.isPaused.bind(pauses);
    pauses.isPaused = (campaign: string) => (reads++, isPaused(campaign));
    const send = createSendMessage({
      addresses,
      pauses,
      sender: new FakeSender(),
      messages: new FakeMessages(),
      logger: new RecordingLogger(),
      erasure: fakeErasure(addresses),
    });
    const run = io(
      Buffer.from(Array.from({ length: 120 }, (_, i) => `${JSON.stringify({ ...sendMessage, to: `n${i}@example.org` })}\n`).join('')),
    );
    expect(await sendLines(run.io.stdin, send, () => new Date('2026-11-20T12:00:00Z'), run.io)).toBe(0);
    expect(reads).toBe(3);
  });

  it('bounce check', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async ({ goods, bad }) => {
        const { input, badLines, goodLines } = place((i) => `n${i}@example.org`, goods, bad);
        const run = io(input);
        expect(await checkCommand(fakeApi(), '-', run.io)).toBe(0);
        const rows = run.stdout().trimEnd().split('\n').slice(1);
        expect(rows).toHaveLength(goods + bad.length);
        for (const n of goodLines) expect(rows[n - 1]).toMatch(/^n\d+@example\.org,false,,$/);
        for (const n of badLines) {
          expect(rows[n - 1]).toMatch(/,invalid,,$/);
          expect(run.stderr()).toContain(`line ${n}: not a valid address`);
        }
      }),
      { numRuns: 60 },
    );
  }, 120_000);

  it('bounce import', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async ({ goods, bad }) => {
        const api = fakeApi();
        const { input, badLines } = place((i) => `n${i}@example.org,BOUNCE`, goods, bad);
        const run = io(input);
        expect(await importCommand(api, '-', run.io)).toBe(0);
        expect(api.created).toHaveLength(goods);
        expect(run.stderr()).toContain(`import: ${goods} new, 0 already on file, ${bad.length} invalid, 0 failed`);
        for (const n of badLines) expect(run.stderr()).toContain(`line ${n}: skipped`);
      }),
      { numRuns: 60 },
    );
  }, 120_000);
});
