import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PublishBatchCommand, SNSClient } from '@aws-sdk/client-sns';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, paginateScan } from '@aws-sdk/lib-dynamodb';
import { clientConfigFor, type RuntimeFile } from '../../local/runtime-file.js';
import { spawnRuntime, type RuntimeProcess } from './runtime-process.js';

type Item = Record<string, unknown>;

export interface DriveOptions {
  /** Published in this order (indices into `events`; an index may come twice). */
  readonly order: readonly number[];
  /** `BOUNCE_INJECT_FAULTS` for the runtime, if any. */
  readonly faults?: string;
  /** Kill -9 and restart the runtime when these shares of `order` are published (e.g. [1/3, 2/3]). */
  readonly killsAt?: readonly number[];
  /** Publishing pauses while more than this many messages wait on the notifications queue. */
  readonly maxBacklog?: number;
  /** Give up when nothing is processed for this long. */
  readonly stallSeconds?: number;
  readonly progress?: (line: string) => void;
}

export interface DriveResult {
  /** Every item of both tables at the end, with its table's name in `table`. */
  readonly items: Item[];
  /** When each event's first publication was acknowledged (ms since the epoch), by event index. */
  readonly publishedAt: ReadonlyMap<number, number>;
  /** From the first publication to the queue being empty, in seconds. */
  readonly seconds: number;
  /** VmHWM of each runtime process just before it was killed or stopped, in kB. */
  readonly peakRssKb: readonly number[];
  /** Messages left in the notifications DLQ at the end. */
  readonly deadLetters: number;
  /** What the runtimes wrote on stdout and stderr. */
  readonly output: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The process's peak resident set (VmHWM), in kB; 0 where /proc is not there. */
export function peakRssKb(pid: number | undefined): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0);
  } catch {
    return 0;
  }
}

/** The runtime's queues, seen through SQS's approximate counts. */
export function queueWatch(file: RuntimeFile) {
  const sqs = new SQSClient({ ...clientConfigFor(file, 'sqs'), useQueueUrlAsEndpoint: false });
  const count = async (queueUrl: string) => {
    const { Attributes = {} } = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: queueUrl,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'],
      }),
    );
    const visible = Number(Attributes.ApproximateNumberOfMessages ?? 0);
    return {
      visible,
      total:
        visible +
        Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0) +
        Number(Attributes.ApproximateNumberOfMessagesDelayed ?? 0),
    };
  };
  return {
    notifications: () => count(file.queues.notifications),
    deadLetters: async () => (await count(file.queues.notificationsDlq)).total,
    close: () => sqs.destroy(),
  };
}

async function scanAll(file: RuntimeFile): Promise<Item[]> {
  const client = new DynamoDBClient(clientConfigFor(file, 'dynamodb'));
  const doc = DynamoDBDocumentClient.from(client);
  const items: Item[] = [];
  try {
    for (const table of Object.values(file.tables)) {
      for await (const page of paginateScan({ client: doc }, { TableName: table, ConsistentRead: true })) {
        for (const item of page.Items ?? []) items.push({ table, ...item });
      }
    }
  } finally {
    client.destroy();
  }
  return items;
}

/**
 * Publishes `events` in `order` to a spawned `bounce start` (through its SNS
 * endpoint, the journalling proxy `bounce ingest` uses), PublishBatch of 10,
 * keeping the queue's backlog bounded so latency is the pipeline's and not
 * a queue of our own making; kills and restarts it where asked; waits until
 * the notifications queue is empty; then reads every item of both tables.
 */
export async function drive(events: readonly string[], options: DriveOptions): Promise<DriveResult> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bounce-chaos-'));
  const env: Record<string, string> = { FAUXQS_LOGGER: 'false', ...(options.faults ? { BOUNCE_INJECT_FAULTS: options.faults } : {}) };
  const maxBacklog = options.maxBacklog ?? 300;
  const stallMs = (options.stallSeconds ?? 180) * 1000;
  const say = options.progress ?? (() => {});
  const publishedAt = new Map<number, number>();
  const peaks: number[] = [];
  let output = '';
  const order = options.order;
  const cuts = [...(options.killsAt ?? []).map((share) => Math.floor(order.length * share)), order.length];

  let runtime: RuntimeProcess = await spawnRuntime(dataDir, env);
  const started = Date.now();
  let position = 0;
  const run = async (): Promise<Omit<DriveResult, 'output'>> => {
    for (const [segment, cut] of cuts.entries()) {
      const sns = new SNSClient(clientConfigFor(runtime.file, 'sns'));
      const queues = queueWatch(runtime.file);
      let backlog = 0;
      let watching = true;
      let reported = Date.now();
      const watcher = (async () => {
        while (watching) {
          backlog = await queues.notifications().then(
            (q) => q.visible,
            () => backlog,
          );
          if (Date.now() - reported > 30_000) {
            say(`${position} of ${order.length} published, ${backlog} waiting on the queue`);
            reported = Date.now();
          }
          await sleep(100);
        }
      })();
      // Four publishers over the segment, 10 messages per PublishBatch.
      const publisher = async () => {
        while (position < cut) {
          while (backlog > maxBacklog) await sleep(50);
          const from = position;
          position = Math.min(cut, position + 10);
          const indices = order.slice(from, position);
          const entries = indices.map((index, i) => ({ Id: String(i), Message: events[index] as string }));
          const answer = await sns.send(new PublishBatchCommand({ TopicArn: runtime.file.topicArn, PublishBatchRequestEntries: entries }));
          if ((answer.Failed ?? []).length > 0) throw new Error(`publish failed: ${JSON.stringify(answer.Failed)}`);
          const now = Date.now();
          for (const index of indices) if (!publishedAt.has(index)) publishedAt.set(index, now);
        }
      };
      await Promise.all([publisher(), publisher(), publisher(), publisher()]);
      watching = false;
      await watcher;
      sns.destroy();
      if (segment < cuts.length - 1) {
        const { total } = await queues.notifications();
        queues.close();
        peaks.push(peakRssKb(runtime.child.pid));
        say(
          `kill -9 of the runtime (pid ${runtime.child.pid}) with ${total} messages on its queue, ${position} of ${order.length} published`,
        );
        runtime.child.kill('SIGKILL');
        await runtime.exited;
        output += runtime.output();
        runtime = await spawnRuntime(dataDir, env);
        say(`restarted (pid ${runtime.child.pid})`);
      } else queues.close();
    }

    // Wait for the queue to empty (twice in a row, a second apart), failing when it stops moving.
    const queues = queueWatch(runtime.file);
    let last = Number.NaN;
    let lastChange = Date.now();
    let empty = 0;
    let reported = 0;
    while (empty < 2) {
      const { total } = await queues.notifications();
      if (total !== last) {
        last = total;
        lastChange = Date.now();
      }
      if (Date.now() - lastChange > stallMs) throw new Error(`the notifications queue stopped moving at ${total} messages`);
      empty = total === 0 ? empty + 1 : 0;
      if (Date.now() - reported > 10_000) {
        say(`${total} messages left on the queue`);
        reported = Date.now();
      }
      await sleep(total === 0 ? 1000 : 250);
    }
    const seconds = (Date.now() - started) / 1000;
    const deadLetters = await queues.deadLetters();
    queues.close();
    peaks.push(peakRssKb(runtime.child.pid));
    const items = await scanAll(runtime.file);
    return { items, publishedAt, seconds, peakRssKb: peaks, deadLetters };
  };
  let result: Omit<DriveResult, 'output'>;
  try {
    result = await run();
  } finally {
    // A clean stop: the runtime logs what it injected, if it injected anything.
    if (runtime.child.exitCode === null && runtime.child.signalCode === null) runtime.child.kill('SIGTERM');
    await runtime.exited;
    output += runtime.output();
    rmSync(dataDir, { recursive: true, force: true });
  }
  return { ...result, output };
}
