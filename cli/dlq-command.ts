import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  ListDeadLetterSourceQueuesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SQSClient,
  type Message,
} from '@aws-sdk/client-sqs';
import { DEAD_LETTERS_FILE, readDeadLetters } from '../local/dead-letters.js';
import { BOUNCE_COMMAND, clientConfigFor, DEFAULT_DATA_DIR, readRuntimeFile, whyNotRunning } from '../local/runtime-file.js';
import type { CommandIo } from './suppression-commands.js';
import { terminalSafe } from './terminal-text.js';

export type DlqAction = 'list' | 'replay' | 'purge';

export interface DlqOptions {
  readonly action: DlqAction;
  readonly json: boolean;
  /** Only the record with this id (its DLQ message id, or the id of the message it came from). */
  readonly id?: string;
  /** A deployed stack's DLQ (default credentials chain); else the local runtime's. */
  readonly queueUrl?: string;
  /** Where `replay` sends records; default: the DLQ's source queue (the runtime's notifications queue, or SQS's answer). */
  readonly toQueueUrl?: string;
  readonly dataDir?: string;
}

/** One dead-lettered record: the `bounce dlq --json` line (a contract for outside tools). */
export interface DeadLetter {
  /** The DLQ's message id (stable while the record stays there). */
  readonly id: string;
  /** The id of the notifications-queue message it came from, when the pipeline dead-lettered it. */
  readonly sourceId: string | null;
  readonly reason: string;
  readonly sentAt: string | null;
  /** The SQS body exactly as queued (what replay sends back). */
  readonly body: string;
  /** What was published: the SNS envelope's Message when the body is one, else the body. */
  readonly message: string;
}

function publishedMessage(body: string): string {
  try {
    const envelope = JSON.parse(body) as { Type?: unknown; Message?: unknown };
    return envelope.Type === 'Notification' && typeof envelope.Message === 'string' ? envelope.Message : body;
  } catch {
    return body;
  }
}

/** A record moved by the queue's redrive policy carries no reason of ours. */
const REDRIVEN = 'no reason recorded: moved by the redrive policy after repeated processing failures';
/** Seconds a listed record stays hidden while the command works (it is made visible again when done). */
const HOLD_SECONDS = 60;
/** Receives that come back empty before the queue counts as read (SQS may answer empty with messages left). */
const EMPTY_RECEIVES = 2;

interface Target {
  readonly sqs: SQSClient;
  readonly dlqUrl: string;
  readonly sourceUrl: (() => Promise<string>) | null;
}

const regionOfQueueUrl = (url: string): string | undefined => /^https:\/\/sqs\.([a-z0-9-]+)\.amazonaws\.com\//.exec(url)?.[1];

async function targetFor(options: DlqOptions, io: CommandIo): Promise<Target | null> {
  if (options.queueUrl) {
    const region = regionOfQueueUrl(options.queueUrl);
    // With an endpoint configured (an emulator), the queue URL's host may not resolve: send to the endpoint.
    const endpointConfigured = Boolean(process.env.AWS_ENDPOINT_URL_SQS ?? process.env.AWS_ENDPOINT_URL);
    const sqs = new SQSClient({ ...(region ? { region } : {}), ...(endpointConfigured ? { useQueueUrlAsEndpoint: false } : {}) });
    const dlqUrl = options.queueUrl;
    return {
      sqs,
      dlqUrl,
      sourceUrl: async () => {
        const { queueUrls = [] } = await sqs.send(new ListDeadLetterSourceQueuesCommand({ QueueUrl: dlqUrl }));
        if (queueUrls.length !== 1 || !queueUrls[0])
          throw new Error(`${dlqUrl} is the DLQ of ${queueUrls.length} queues: name the one to replay into with --to-queue-url`);
        return queueUrls[0];
      },
    };
  }
  const dataDir = options.dataDir ?? DEFAULT_DATA_DIR;
  const runtime = await readRuntimeFile(dataDir);
  if (!runtime) {
    const saved = await savedDeadLetters(dataDir);
    io.stderr.write(
      `bounce dlq: ${await whyNotRunning(dataDir)}; or pass --queue-url URL ` +
        `for a deployed stack's ` +
        'DLQ' +
        (saved.count > 0 ? ` (${saved.count} dead-lettered records are saved in ${saved.file} and come back at the next start)` : '') +
        '\n',
    );
    return null;
  }
  const sqs = new SQSClient({ ...clientConfigFor(runtime, 'sqs'), useQueueUrlAsEndpoint: false });
  return { sqs, dlqUrl: runtime.queues.notificationsDlq, sourceUrl: async () => runtime.queues.notifications };
}

async function savedDeadLetters(dataDir: string): Promise<{ count: number; file: string }> {
  const saved = await readDeadLetters(dataDir).catch(() => []);
  if (saved !== null) return { count: saved.filter((message) => message.queue === 'dlq').length, file: join(dataDir, DEAD_LETTERS_FILE) };
  // A folder written before the dead-letter file kept the DLQ in the queue snapshot.
  const file = join(dataDir, 'queues.json');
  try {
    const queued = JSON.parse(await readFile(file, 'utf8')) as Array<{ queue?: string }>;
    return { count: queued.filter((message) => message.queue === 'dlq').length, file };
  } catch {
    return { count: 0, file };
  }
}

/** Every record on the DLQ, held invisible for HOLD_SECONDS so that each is read once. */
async function receiveAll(sqs: SQSClient, queueUrl: string): Promise<Message[]> {
  const all = new Map<string, Message>();
  let empty = 0;
  while (empty < EMPTY_RECEIVES) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 0,
        VisibilityTimeout: HOLD_SECONDS,
        MessageAttributeNames: ['All'],
        MessageSystemAttributeNames: ['SentTimestamp'],
      }),
    );
    empty = Messages.length === 0 ? empty + 1 : 0;
    for (const message of Messages) if (message.MessageId) all.set(message.MessageId, message);
  }
  return [...all.values()];
}

function deadLetterOf(message: Message): DeadLetter {
  const sent = Number(message.Attributes?.SentTimestamp);
  return {
    id: message.MessageId ?? '',
    sourceId: message.MessageAttributes?.sourceMessageId?.StringValue ?? null,
    reason: message.MessageAttributes?.reason?.StringValue ?? REDRIVEN,
    sentAt: Number.isFinite(sent) && sent > 0 ? new Date(sent).toISOString() : null,
    body: message.Body ?? '',
    message: publishedMessage(message.Body ?? ''),
  };
}

async function inBatches<T>(items: readonly T[], act: (batch: readonly T[]) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += 10) await act(items.slice(i, i + 10));
}

/** Make held records visible again at once (others may read them; a later command sees them). */
async function release(sqs: SQSClient, queueUrl: string, messages: readonly Message[]): Promise<void> {
  await inBatches(messages, async (batch) => {
    await sqs.send(
      new ChangeMessageVisibilityBatchCommand({
        QueueUrl: queueUrl,
        Entries: batch.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: 0 })),
      }),
    );
  });
}

async function remove(sqs: SQSClient, queueUrl: string, messages: readonly Message[]): Promise<void> {
  await inBatches(messages, async (batch) => {
    const { Failed = [] } = await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: batch.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
      }),
    );
    if (Failed.length > 0) throw new Error(`could not delete ${Failed.length} records: ${Failed[0]?.Message ?? Failed[0]?.Code}`);
  });
}

const PREVIEW = 100;

function describe(record: DeadLetter): string {
  const text = record.message;
  const body = text.length > PREVIEW ? `${text.slice(0, PREVIEW - 1)}…` : text;
  return [
    `${record.id}  dead-lettered ${record.sentAt ?? '(time unknown)'}${record.sourceId ? `  from message ${record.sourceId}` : ''}`,
    `  reason  ${record.reason}`,
    `  message ${body.replace(/\s+/g, ' ')}`,
  ]
    .map(terminalSafe)
    .join('\n');
}

/**
 * `bounce dlq [list|replay|purge]`: the records the pipeline could not
 * process, with the reason and the id of the message they came from; replay
 * sends them back to the notifications queue (after a fix), purge drops them.
 * Locally through the runtime's SQS; `--queue-url` for a deployed stack's DLQ.
 */
export async function dlqCommand(options: DlqOptions, io: CommandIo): Promise<number> {
  const target = await targetFor(options, io);
  if (!target) return 1;
  const { sqs, dlqUrl } = target;
  let held: Message[] = [];
  try {
    held = await receiveAll(sqs, dlqUrl);
    const chosen = options.id ? held.filter((m) => m.MessageId === options.id || deadLetterOf(m).sourceId === options.id) : held;
    if (options.id && chosen.length === 0) {
      await release(sqs, dlqUrl, held);
      io.stderr.write(`bounce dlq: no record with id ${terminalSafe(options.id)} on ${dlqUrl} (${held.length} records there)\n`);
      return 1;
    }
    const others = held.filter((m) => !chosen.includes(m));
    if (options.action === 'list') {
      const records = chosen.map(deadLetterOf);
      if (options.json) {
        for (const record of records) io.stdout.write(`${JSON.stringify(record)}\n`);
      } else {
        io.stdout.write(`${records.length} dead-lettered record${records.length === 1 ? '' : 's'} on ${dlqUrl}\n`);
        for (const record of records) io.stdout.write(`\n${describe(record)}\n`);
        // The same DLQ as this listing: its --queue-url, or its --data when not the default folder.
        const where = options.queueUrl
          ? ` --queue-url ${options.queueUrl}`
          : options.dataDir && options.dataDir !== DEFAULT_DATA_DIR
            ? ` --data ${options.dataDir}`
            : '';
        if (records.length > 0)
          io.stdout.write(
            `\nAfter a fix, send them back: ${BOUNCE_COMMAND} dlq replay [--id ID]${where}` +
              `    drop them: ${BOUNCE_COMMAND} dlq purge [--id ID]${where}\n`,
          );
      }
      await release(sqs, dlqUrl, held);
      return 0;
    }
    if (options.action === 'replay') {
      const sourceUrl = options.toQueueUrl ?? (await target.sourceUrl?.());
      if (!sourceUrl) throw new Error('no queue to replay into: pass --to-queue-url');
      let replayed = 0;
      await inBatches(chosen, async (batch) => {
        const { Successful = [], Failed = [] } = await sqs.send(
          new SendMessageBatchCommand({
            QueueUrl: sourceUrl,
            Entries: batch.map((m, i) => ({ Id: String(i), MessageBody: m.Body ?? '' })),
          }),
        );
        // Only what reached the queue leaves the DLQ.
        const sent = new Set(Successful.map((entry) => entry.Id));
        await remove(
          sqs,
          dlqUrl,
          batch.filter((_, i) => sent.has(String(i))),
        );
        await release(
          sqs,
          dlqUrl,
          batch.filter((_, i) => !sent.has(String(i))),
        );
        replayed += sent.size;
        for (const failure of Failed)
          io.stderr.write(`bounce dlq: not replayed: ${terminalSafe(String(failure.Message ?? failure.Code))}\n`);
      });
      await release(sqs, dlqUrl, others);
      io.stderr.write(`dlq: ${replayed} replayed to ${sourceUrl}, ${held.length - replayed} left on the DLQ\n`);
      return replayed === chosen.length ? 0 : 1;
    }
    await remove(sqs, dlqUrl, chosen);
    await release(sqs, dlqUrl, others);
    io.stderr.write(`dlq: ${chosen.length} purged, ${others.length} left on the DLQ\n`);
    return 0;
  } catch (error) {
    await release(sqs, dlqUrl, held).catch(() => undefined);
    io.stderr.write(`bounce dlq: ${terminalSafe((error as Error).message)}\n`);
    return 1;
  } finally {
    sqs.destroy();
  }
}
