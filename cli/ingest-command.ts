import { createReadStream } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { PublishBatchCommand, SNSClient } from '@aws-sdk/client-sns';
import { jsonNestingReason, MAX_MESSAGE_BYTES, parseNotification } from '../shared/domain/index.js';
import { cannotRead, unreadable } from './input-file.js';
import { Progress } from './progress.js';
import type { CommandIo } from './suppression-commands.js';
import { clientConfigFor, DEFAULT_DATA_DIR, readRuntimeFile, whyNotRunning } from '../local/runtime-file.js';
import { terminalSafe } from './terminal-text.js';

const MAX_BATCH_BYTES = 250 * 1024;

export interface IngestOptions {
  readonly sources: readonly string[];
  /** A deployed stack's topic (default credentials chain and endpoints). */
  readonly topicArn?: string;
  readonly dataDir?: string;
  /** Publish lines that are not SES notifications too (the pipeline dead-letters them) and still exit 0. */
  readonly allowInvalid?: boolean;
}

/** One input item and where it came from (for messages about it). */
interface Item {
  readonly text: string;
  readonly where: string;
}

export type Verdict =
  | { readonly kind: 'publish'; readonly message: string }
  | { readonly kind: 'skip' }
  /** Not an SES notification: published only with --allow-invalid (the pipeline dead-letters it). */
  | { readonly kind: 'invalid'; readonly message: string; readonly reason: string }
  /** Cannot be read or published safely (nested too deep, too large for one message): never published. */
  | { readonly kind: 'unsafe'; readonly reason: string };

function isRecipientLine(value: unknown): boolean {
  return typeof value === 'object' && value !== null && 'recipient' in value && !('eventType' in value) && !('notificationType' in value);
}

/**
 * What to do with one input item, judged alone, decided by the pipeline's own
 * parser: an SES notification is published as it was read (unwrapped from an
 * SNS envelope if it is one); SNS's subscription messages are skipped;
 * anything else is not an SES notification and would only end in the DLQ.
 * Never throws: an item nested too deep to walk or too large for one message
 * is `unsafe`, and its value is never built.
 */
export function verdictOf(text: string): Verdict {
  const bytes = Buffer.byteLength(text);
  if (bytes > MAX_MESSAGE_BYTES) return { kind: 'unsafe', reason: `${bytes} bytes, more than one message holds (${MAX_MESSAGE_BYTES})` };
  const tooDeep = jsonNestingReason(text);
  if (tooDeep !== null) return { kind: 'unsafe', reason: tooDeep };
  const parsed = parseNotification(text);
  let value: unknown = null;
  try {
    value = JSON.parse(text) as unknown;
  } catch {
    // Not JSON: the parser's reason says so.
  }
  const envelope = value as { Type?: unknown; Message?: unknown } | null;
  if (!parsed.ok) {
    const reason = isRecipientLine(value) ? 'a recipient line (bounce classify reads those), not an SES notification' : parsed.error.reason;
    return { kind: 'invalid', message: text, reason };
  }
  if (parsed.value.kind === 'ignored' && envelope?.Type !== undefined && envelope.Type !== 'Notification') return { kind: 'skip' };
  const message = envelope?.Type === 'Notification' && typeof envelope.Message === 'string' ? envelope.Message : text;
  return { kind: 'publish', message };
}

async function* linesOf(input: NodeJS.ReadableStream, name: string): AsyncGenerator<Item> {
  let lineNumber = 0;
  for await (const line of createInterface({ input, crlfDelay: Infinity })) {
    lineNumber++;
    if (line.trim() !== '') yield { text: line, where: `${name}:${lineNumber}` };
  }
}

async function* itemsOf(source: string, io: CommandIo): AsyncGenerator<Item> {
  if (source === '-') {
    yield* linesOf(io.stdin, 'stdin');
    return;
  }
  if ((await stat(source)).isDirectory()) {
    for (const name of (await readdir(source)).sort()) if (/\.jsonl?$/.test(name)) yield* itemsOf(join(source, name), io);
    return;
  }
  if (source.endsWith('.json')) {
    const text = await readFile(source, 'utf8');
    // Too deep to walk: one item, which verdictOf reports (its items would be stringified below).
    if (jsonNestingReason(text) !== null) {
      yield { text, where: source };
      return;
    }
    try {
      const value = JSON.parse(text) as unknown;
      const items = Array.isArray(value) ? value : [value];
      for (const [i, item] of items.entries())
        yield { text: JSON.stringify(item), where: Array.isArray(value) ? `${source}[${i}]` : source };
    } catch {
      yield { text, where: source };
    }
    return;
  }
  yield* linesOf(createReadStream(source, { encoding: 'utf8' }), source);
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
const SHOWN_INVALID = 5;

/**
 * `bounce ingest FILE|DIR|-`: publish SES notifications (any shape, JSON or
 * JSON Lines) to the topic of the running local runtime, or to `--topic-arn`.
 */
export async function ingestCommand(options: IngestOptions, io: CommandIo): Promise<number> {
  // Every source is checked before anything is published: a typo in the second file does not leave the first half sent.
  for (const source of options.sources) {
    const why = await unreadable(source, { directories: true });
    if (why) {
      io.stderr.write(`bounce ingest: ${why}\n`);
      return 1;
    }
  }
  let sns: SNSClient;
  let topicArn: string;
  if (options.topicArn) {
    topicArn = options.topicArn;
    const region = /^arn:[^:]+:sns:([^:]+):/.exec(topicArn)?.[1];
    sns = new SNSClient(region ? { region } : {});
  } else {
    const dataDir = options.dataDir ?? DEFAULT_DATA_DIR;
    const runtime = await readRuntimeFile(dataDir);
    if (!runtime) {
      io.stderr.write(`bounce ingest: ${await whyNotRunning(dataDir)}; or pass --topic-arn ARN for a deployed stack\n`);
      return 1;
    }
    topicArn = runtime.topicArn;
    sns = new SNSClient(clientConfigFor(runtime, 'sns'));
  }
  let published = 0;
  let failed = 0;
  let skipped = 0;
  const invalid: Array<{ where: string; reason: string }> = [];
  const unsafe: Array<{ where: string; reason: string }> = [];
  let batch: Array<{ readonly message: string; readonly where: string }> = [];
  let batchBytes = 0;
  const progress = new Progress(io.stderr, 'ingest', { unit: 'published' });
  const flush = async () => {
    if (batch.length === 0) return;
    const sent = batch;
    const entries = sent.map(({ message }, i) => ({ Id: String(i), Message: message }));
    batch = [];
    batchBytes = 0;
    try {
      const result = await sns.send(new PublishBatchCommand({ TopicArn: topicArn, PublishBatchRequestEntries: entries }));
      published += result.Successful?.length ?? 0;
      failed += result.Failed?.length ?? 0;
      for (const failure of result.Failed ?? []) {
        const why = failure.Message ?? failure.Code ?? 'unknown error';
        io.stderr.write(`bounce ingest: ${terminalSafe(`${sent[Number(failure.Id)]?.where ?? '?'}: not published: ${why}`)}\n`);
      }
    } catch (error) {
      failed += entries.length;
      const where = sent.length === 1 ? sent[0]?.where : `${sent[0]?.where} to ${sent.at(-1)?.where}`;
      io.stderr.write(`bounce ingest: ${terminalSafe(`${where}: not published: ${(error as Error).message}`)}\n`);
    }
    progress.update(published);
  };
  const publish = async (message: string, where: string) => {
    const size = Buffer.byteLength(message);
    // SNS takes at most 10 messages and 256 KB per batch.
    if (batch.length === 10 || batchBytes + size > MAX_BATCH_BYTES) await flush();
    batch.push({ message, where });
    batchBytes += size;
  };
  try {
    for (const source of options.sources) {
      for await (const item of itemsOf(source, io)) {
        const verdict = verdictOf(item.text);
        if (verdict.kind === 'skip') skipped++;
        else if (verdict.kind === 'publish') await publish(verdict.message, item.where);
        else if (verdict.kind === 'unsafe') unsafe.push({ where: item.where, reason: verdict.reason });
        else {
          invalid.push({ where: item.where, reason: verdict.reason });
          if (options.allowInvalid) await publish(verdict.message, item.where);
        }
      }
    }
    await flush();
  } catch (error) {
    progress.end();
    const { path } = error as NodeJS.ErrnoException;
    const reason = path ? cannotRead(path, error) : `cannot read input: ${(error as Error).message}`;
    io.stderr.write(`bounce ingest: ${terminalSafe(reason)}\n`);
    sns.destroy();
    return 1;
  }
  progress.end();
  sns.destroy();
  const notifications = published - (options.allowInvalid ? invalid.length : 0);
  io.stderr.write(
    `ingest: ${published} published, ${failed} ` +
      `failed${skipped > 0 ? `, ${plural(skipped, 'SNS subscription message', 'SNS subscription messages')} skipped` : ''}\n`,
  );
  if (unsafe.length > 0) {
    for (const { where, reason } of unsafe.slice(0, SHOWN_INVALID)) io.stderr.write(`  ${terminalSafe(`${where}: ${reason}`)}\n`);
    if (unsafe.length > SHOWN_INVALID) io.stderr.write(`  … and ${unsafe.length - SHOWN_INVALID} more\n`);
    io.stderr.write(
      `ingest: ${plural(unsafe.length, 'line', 'lines')} could not be read safely: ` +
        `skipped, never published (not even with --allow-invalid)\n`,
    );
  }
  if (invalid.length > 0) {
    for (const { where, reason } of invalid.slice(0, SHOWN_INVALID)) io.stderr.write(`  ${terminalSafe(`${where}: ${reason}`)}\n`);
    if (invalid.length > SHOWN_INVALID) io.stderr.write(`  … and ${invalid.length - SHOWN_INVALID} more\n`);
    io.stderr.write(
      options.allowInvalid
        ? `ingest: ` +
            `${plural(invalid.length, 'line was not an SES notification', 'lines were not SES notifications')}` +
            `: published anyway (--allow-invalid); the pipeline puts them in the ` +
            `DLQ with the reason (see "bounce dlq")\n`
        : `ingest: ` +
            `${plural(invalid.length, 'line was not an SES notification', 'lines were not SES notifications')}` +
            `: not published (${notifications} notifications were); pass ` +
            `--allow-invalid to publish them anyway (they end in the DLQ)\n`,
    );
  }
  return failed > 0 || unsafe.length > 0 || (invalid.length > 0 && !options.allowInvalid) ? 1 : 0;
}
