import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { MessageAttributeValue } from '@aws-sdk/client-sqs';
import { messageKey, replaceDurably } from './journal.js';

/** A message on one of the local runtime's embedded queues, as saved on disk. */
export interface QueuedMessage {
  /** `retryDlq`: the retry timer queue's DLQ (bodies that were not timers). */
  readonly queue: 'notifications' | 'dlq' | 'retryDlq';
  readonly body: string;
  readonly attributes?: Record<string, MessageAttributeValue>;
}

export type DeadLetterQueue = 'dlq' | 'retryDlq';

export const DEAD_LETTERS_FILE = 'dead-letters.json';

/** Reads what an embedded queue holds (ready, delayed and in flight) without touching it. */
export type InspectDeadLetters = (queue: DeadLetterQueue) => ReadonlyArray<Omit<QueuedMessage, 'queue'>>;

/** The dead letters saved in `dataDir`, or null when the folder has no such file (a first start, or an older runtime's folder). */
export async function readDeadLetters(dataDir: string): Promise<QueuedMessage[] | null> {
  let text: string;
  try {
    text = await readFile(join(dataDir, DEAD_LETTERS_FILE), 'utf8');
  } catch {
    return null;
  }
  let saved: unknown;
  try {
    saved = JSON.parse(text);
  } catch (error) {
    throw new Error(`${join(dataDir, DEAD_LETTERS_FILE)} is not JSON (${(error as Error).message}); move it aside to start without it`);
  }
  if (!Array.isArray(saved)) throw new Error(`${join(dataDir, DEAD_LETTERS_FILE)} is not a list of queued messages`);
  return saved.filter(
    (m): m is QueuedMessage =>
      typeof m === 'object' &&
      m !== null &&
      typeof (m as QueuedMessage).body === 'string' &&
      ['dlq', 'retryDlq'].includes((m as QueuedMessage).queue),
  );
}

/**
 * The local runtime's dead-letter queues, kept on disk while it runs. The embedded
 * queues live in memory, and a record the pipeline dead-letters itself (a malformed
 * one) is marked done in the publish journal, so before this file a `kill -9` lost it.
 *
 * The file is brought up to date before the records of a batch are marked done, and
 * every second for what changes the queues without a batch (the redrive policy, a
 * `bounce dlq purge` or `replay`). It only loses a record on proof: a record that left
 * the queue stays in the file until it is seen processed (a replay) or a clean stop
 * writes the queues as they are (a purge). So a crash can bring back a record that was
 * purged, or replayed and not yet processed, but never loses one.
 */
export class DeadLetterFile {
  private kept: Map<string, QueuedMessage>;
  private writing: Promise<void> = Promise.resolve();
  /** Body hashes by body: the queues hand back the same strings each time, so a large DLQ is not hashed again per batch. */
  private hashes = new Map<string, string>();

  constructor(
    private readonly dataDir: string,
    private readonly inspect: InspectDeadLetters,
    saved: readonly QueuedMessage[],
    /** Whether `saved` was read from this file (else from an older runtime's snapshot: the first save must write). */
    private onDisk: boolean,
  ) {
    this.kept = new Map(saved.map((m) => [this.keyOf(m), m]));
  }

  private hashOf(body: string): string {
    let hash = this.hashes.get(body);
    if (hash === undefined) {
      hash = messageKey(body);
      this.hashes.set(body, hash);
    }
    return hash;
  }

  private keyOf(message: QueuedMessage): string {
    return `${message.queue}:${this.hashOf(message.body)}`;
  }

  private current(): Map<string, QueuedMessage> {
    const messages = (['dlq', 'retryDlq'] as const).flatMap((queue) => this.inspect(queue).map((m) => ({ queue, ...m })));
    return new Map(messages.map((m) => [this.keyOf(m), m]));
  }

  /** Saves what the dead-letter queues hold now, keeping records that left them unless `processedBodies` shows them done. */
  update(processedBodies: readonly string[] = []): Promise<void> {
    return this.serially(async () => {
      const now = this.current();
      const left = [...this.kept].filter(([key]) => !now.has(key));
      // Hashing the batch's bodies is only needed when some record left the queues (a purge or replay is rare).
      const processed = left.length === 0 ? null : new Set(processedBodies.map((body) => messageKey(body)));
      const next = new Map(now);
      for (const [key, message] of left) if (!processed?.has(this.hashOf(message.body))) next.set(key, message);
      await this.save(next);
    });
  }

  /** A clean stop: the file becomes exactly what the queues hold (purges become final). */
  replaceWithCurrent(): Promise<void> {
    return this.serially(() => this.save(this.current()));
  }

  private async save(next: Map<string, QueuedMessage>): Promise<void> {
    if (this.onDisk && next.size === this.kept.size && [...next.keys()].every((key) => this.kept.has(key))) return;
    await replaceDurably(join(this.dataDir, DEAD_LETTERS_FILE), JSON.stringify([...next.values()]));
    this.kept = next;
    this.onDisk = true;
    // Forget the hashes of bodies no longer kept, so the memo does not grow with every record ever dead-lettered.
    if (this.hashes.size > 2 * next.size + 100) this.hashes = new Map([...next.values()].map((m) => [m.body, this.hashOf(m.body)]));
  }

  private serially(work: () => Promise<void>): Promise<void> {
    const next = this.writing.then(work);
    this.writing = next.catch(() => undefined);
    return next;
  }
}
