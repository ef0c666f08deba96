import { createReadStream } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { PublishBatchCommand, SNSClient } from '@aws-sdk/client-sns';
import type { CommandIo } from './suppression-commands.js';
import { clientConfigFor, DEFAULT_DATA_DIR, readRuntimeFile, runtimeFilePath } from '../local/runtime-file.js';

const MAX_BATCH_BYTES = 250 * 1024;

export interface IngestOptions {
  readonly sources: readonly string[];
  /** A deployed stack's topic (default credentials chain and endpoints). */
  readonly topicArn?: string;
  readonly dataDir?: string;
}

/**
 * What goes on the topic for one input item: the SES JSON, unwrapped from an
 * SNS envelope if it is one; null for SNS's own subscription messages.
 */
function messageOf(text: string): string | null {
  try {
    const value = JSON.parse(text) as { Type?: unknown; Message?: unknown };
    if (value && value.Type === 'Notification' && typeof value.Message === 'string') return value.Message;
    if (value && (value.Type === 'SubscriptionConfirmation' || value.Type === 'UnsubscribeConfirmation')) return null;
    return JSON.stringify(value);
  } catch {
    return text; // published as is: the pipeline sends it to the DLQ with its reason
  }
}

async function* itemsOf(source: string, io: CommandIo): AsyncGenerator<string> {
  if (source === '-') {
    for await (const line of createInterface({ input: io.stdin, crlfDelay: Infinity })) if (line.trim() !== '') yield line;
    return;
  }
  if ((await stat(source)).isDirectory()) {
    for (const name of (await readdir(source)).sort()) if (/\.jsonl?$/.test(name)) yield* itemsOf(join(source, name), io);
    return;
  }
  if (source.endsWith('.json')) {
    const text = await readFile(source, 'utf8');
    try {
      const value = JSON.parse(text) as unknown;
      for (const item of Array.isArray(value) ? value : [value]) yield JSON.stringify(item);
    } catch {
      yield text;
    }
    return;
  }
  for await (const line of createInterface({ input: createReadStream(source, { encoding: 'utf8' }), crlfDelay: Infinity }))
    if (line.trim() !== '') yield line;
}

/**
 * `bounce ingest FILE|DIR|-`: publish SES notifications (any shape, JSON or
 * JSON Lines) to the topic of the running local runtime, or to `--topic-arn`.
 */
export async function ingestCommand(options: IngestOptions, io: CommandIo): Promise<number> {
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
      io.stderr.write(
        `bounce ingest: no running runtime (${runtimeFilePath(dataDir)} not found): start one with "npm start", or pass --topic-arn\n`,
      );
      return 1;
    }
    topicArn = runtime.topicArn;
    sns = new SNSClient(clientConfigFor(runtime, 'sns'));
  }
  let published = 0;
  let failed = 0;
  let skipped = 0;
  let batch: string[] = [];
  let batchBytes = 0;
  const flush = async () => {
    if (batch.length === 0) return;
    const entries = batch.map((Message, i) => ({ Id: String(i), Message }));
    batch = [];
    batchBytes = 0;
    try {
      const result = await sns.send(new PublishBatchCommand({ TopicArn: topicArn, PublishBatchRequestEntries: entries }));
      published += result.Successful?.length ?? 0;
      failed += result.Failed?.length ?? 0;
      for (const failure of result.Failed ?? [])
        io.stderr.write(`bounce ingest: not published: ${failure.Message ?? failure.Code ?? 'unknown error'}\n`);
    } catch (error) {
      failed += entries.length;
      io.stderr.write(`bounce ingest: ${(error as Error).message}\n`);
    }
    if ((published + failed) % 1000 < 10) io.stderr.write(`published ${published}\n`);
  };
  try {
    for (const source of options.sources) {
      for await (const item of itemsOf(source, io)) {
        const message = messageOf(item);
        if (message === null) {
          skipped++;
          continue;
        }
        const size = Buffer.byteLength(message);
        // SNS takes at most 10 messages and 256 KB per batch.
        if (batch.length === 10 || batchBytes + size > MAX_BATCH_BYTES) await flush();
        batch.push(message);
        batchBytes += size;
      }
    }
    await flush();
  } catch (error) {
    io.stderr.write(`bounce ingest: cannot read input: ${(error as Error).message}\n`);
    sns.destroy();
    return 1;
  }
  sns.destroy();
  io.stderr.write(
    `ingest: ${published} published, ${failed} failed${skipped > 0 ? `, ${skipped} SNS subscription messages skipped` : ''}\n`,
  );
  return failed > 0 ? 1 : 0;
}
