import { createHash } from 'node:crypto';
import { appendFile, open, readFile, rename, rm, type FileHandle } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { ProcessBatch } from '../shared/app/classify-batch.js';
import { forwardRequest, readBody } from './http-forward.js';

/**
 * The local runtime's publish journal. fauxqs keeps its queues in memory only,
 * so a `kill -9` of the runtime would lose every queued notification. The
 * runtime therefore publishes through a small proxy in front of fauxqs's SNS:
 * once fauxqs has accepted a Publish or PublishBatch, the accepted messages
 * are appended to `journal.jsonl` and flushed to disk *before* the publisher
 * gets its answer. Messages the pipeline has finished with are listed in
 * `journal-done.txt` (by content hash). At start, every journalled message not
 * listed as done is queued again; processing is idempotent, so a message
 * processed just before a crash and queued again changes nothing.
 */
export const JOURNAL_FILE = 'journal.jsonl';
export const DONE_FILE = 'journal-done.txt';

/** A message's identity in the journal: its content (the same notification twice has the same effects). */
export const messageKey = (message: string): string => createHash('sha256').update(message).digest('hex').slice(0, 32);

/** The SES message inside a queued body: the SNS envelope's Message, or the body itself (raw delivery, replays). */
export function messageOfBody(body: string): string {
  try {
    const value = JSON.parse(body) as { Type?: unknown; Message?: unknown };
    if (value && value.Type === 'Notification' && typeof value.Message === 'string') return value.Message;
  } catch {
    // not JSON: the body is the message
  }
  return body;
}

interface PublishedEntry {
  readonly id: string;
  readonly message: string;
}

/** The messages of an SNS query-protocol Publish/PublishBatch request, with their entry ids (Publish: ''). */
function publishedMessages(form: URLSearchParams): PublishedEntry[] | null {
  const action = form.get('Action');
  if (action === 'Publish') {
    const message = form.get('Message');
    return message === null ? [] : [{ id: '', message }];
  }
  if (action !== 'PublishBatch') return null;
  const entries: PublishedEntry[] = [];
  for (let n = 1; ; n++) {
    const id = form.get(`PublishBatchRequestEntries.member.${n}.Id`);
    if (id === null) break;
    const message = form.get(`PublishBatchRequestEntries.member.${n}.Message`);
    if (message !== null) entries.push({ id, message });
  }
  return entries;
}

/** Entry ids the answer lists as failed (PublishBatch partial failures). */
function failedIds(responseBody: string): Set<string> {
  const failed = /<Failed>([\s\S]*?)<\/Failed>/.exec(responseBody)?.[1] ?? '';
  return new Set([...failed.matchAll(/<Id>([^<]*)<\/Id>/g)].map((m) => m[1] ?? ''));
}

export interface Journal {
  /** Where publishers send SNS requests (runtime.json's `endpoints.sns`). */
  readonly snsEndpoint: string;
  /** Wraps the classify use case: the records it finished with are marked done. */
  tracking(process: ProcessBatch): ProcessBatch;
  close(): Promise<void>;
}

/** Writes `text` to `path` through a temporary file, flushed, then renamed over it: a crash leaves the old or the new. */
export async function replaceDurably(path: string, text: string): Promise<void> {
  const handle = await open(`${path}.tmp`, 'w');
  try {
    await handle.writeFile(text);
    await handle.datasync();
  } finally {
    await handle.close();
  }
  await rename(`${path}.tmp`, path);
}

/** Appends one line per accepted message and flushes it, one publish request (or rewrite) at a time. */
export class JournalFile {
  private queue: Promise<void> = Promise.resolve();
  private constructor(
    private handle: FileHandle,
    private readonly path: string,
  ) {}
  static async open(path: string): Promise<JournalFile> {
    return new JournalFile(await open(path, 'a'), path);
  }
  private serially(work: () => Promise<void>): Promise<void> {
    const next = this.queue.then(work);
    this.queue = next.catch(() => undefined);
    return next;
  }
  /** `flush` false: a line whose loss only repeats harmless work (it still survives a kill -9, not a power cut). */
  append(lines: string, flush = true): Promise<void> {
    return this.serially(async () => {
      await this.handle.appendFile(lines);
      if (flush) await this.handle.datasync();
    });
  }
  /**
   * Replaces the journal with `keep(its text)`, between two appends. The new file is written,
   * flushed and renamed over the old one through the handle later appends go to, so no append
   * can land in the file that was replaced.
   */
  rewrite(keep: (text: string) => Promise<string>): Promise<void> {
    return this.serially(async () => {
      const text = await keep(await readFile(this.path, 'utf8'));
      const fresh = await open(`${this.path}.tmp`, 'w');
      try {
        await fresh.writeFile(text); // later writes go on from its end
        await fresh.datasync();
        await rename(`${this.path}.tmp`, this.path);
      } catch (error) {
        await fresh.close();
        throw error;
      }
      const old = this.handle;
      this.handle = fresh;
      await old.close();
    });
  }
  close(): Promise<void> {
    return this.queue.then(() => this.handle.close());
  }
}

/** Done keys of a done list (empty when there is none). */
const readDone = async (path: string): Promise<Set<string>> =>
  new Set((await readFile(path, 'utf8').catch(() => '')).split('\n').filter(Boolean));

/** The journal's messages that are not done, by key (a message journalled twice once). */
function pendingMessages(journalText: string, done: ReadonlySet<string>): Map<string, string> {
  const pending = new Map<string, string>();
  for (const line of journalText.split('\n')) {
    if (line.trim() === '') continue;
    let entry: { key?: unknown; message?: unknown };
    try {
      entry = JSON.parse(line) as { key?: unknown; message?: unknown };
    } catch {
      continue; // a line torn by the crash was never acknowledged
    }
    if (typeof entry.key === 'string' && typeof entry.message === 'string' && !done.has(entry.key)) pending.set(entry.key, entry.message);
  }
  return pending;
}

const journalLines = (pending: ReadonlyMap<string, string>): string =>
  [...pending].map(([key, message]) => `${JSON.stringify({ key, message })}\n`).join('');

/** A done list being folded into the journal by a compaction (read at start too, should a crash cut one short). */
const COMPACTING_SUFFIX = '.compacting';

/**
 * Drops what is done from the journal while the runtime runs, so neither file grows without
 * bound. The done list is set aside first (records finished meanwhile start a new one), the
 * journal is rewritten to the messages not in it, then the set-aside list is removed. A done
 * line lost in between only means a harmless replay after a crash.
 */
async function compactJournal(journal: JournalFile, donePath: string): Promise<void> {
  const setAside = `${donePath}${COMPACTING_SUFFIX}`;
  try {
    await rename(donePath, setAside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return; // nothing done yet
    throw error;
  }
  const done = await readDone(setAside);
  await journal.rewrite(async (text) => journalLines(pendingMessages(text, done)));
  await rm(setAside, { force: true });
}

/** Journalled messages between two compactions of the journal while the runtime runs. */
export const COMPACT_EVERY = 10_000;

export interface JournalOptions {
  /** Journalled messages between two compactions. */
  readonly compactEvery?: number;
  /** Runs before the records of a batch are marked done (with their bodies): what must be on disk first. */
  readonly beforeMarkingDone?: (bodies: readonly string[]) => Promise<void>;
}

/** Starts the journalling SNS proxy in front of `upstream` (fauxqs). */
export async function startJournal(dataDir: string, upstream: string, options: JournalOptions = {}): Promise<Journal> {
  const compactEvery = options.compactEvery ?? COMPACT_EVERY;
  const journal = await JournalFile.open(join(dataDir, JOURNAL_FILE));
  const donePath = join(dataDir, DONE_FILE);
  let sinceCompaction = 0;
  let compacting: Promise<void> = Promise.resolve();
  const target = new URL(upstream);
  const server: Server = createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      const upstreamResponse = await forwardRequest(target, req, body);
      const contentType = String(req.headers['content-type'] ?? '');
      const entries =
        upstreamResponse.status === 200 && contentType.includes('x-www-form-urlencoded')
          ? publishedMessages(new URLSearchParams(body.toString('utf8')))
          : null;
      if (entries && entries.length > 0) {
        const failed = failedIds(upstreamResponse.body.toString('utf8'));
        const accepted = entries.filter((entry) => !failed.has(entry.id));
        // On disk before the publisher hears "published".
        await journal.append(
          accepted.map((entry) => `${JSON.stringify({ key: messageKey(entry.message), message: entry.message })}\n`).join(''),
        );
        sinceCompaction += accepted.length;
        if (sinceCompaction >= compactEvery) {
          sinceCompaction = 0;
          // In the background; one that fails leaves both files as they were (at worst, harmless replays).
          compacting = compacting.then(() => compactJournal(journal, donePath)).catch(() => undefined);
        }
      }
      res.writeHead(upstreamResponse.status, upstreamResponse.headers);
      res.end(upstreamResponse.body);
    })().catch((error: unknown) => {
      // Not journalled: the publisher must not be told it was published.
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/xml' });
      const message = String((error as Error).message ?? error).replace(/[<&]/g, '');
      res.end(`<ErrorResponse><Error><Code>InternalError</Code><Message>${message}</Message></Error></ErrorResponse>`);
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const snsEndpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    snsEndpoint,
    tracking: (process) => async (records) => {
      const result = await process(records);
      const finished = records.filter((record) => !result.failedIds.has(record.id));
      if (finished.length === 0) return result;
      // A record the pipeline dead-lettered is done here: it must be safe in the DLQ's file first.
      await options.beforeMarkingDone?.(finished.map((record) => record.body));
      const done = finished.map((record) => messageKey(messageOfBody(record.body)));
      // Not flushed on purpose: a lost line only means a harmless replay after a crash.
      await appendFile(donePath, `${done.join('\n')}\n`);
      return result;
    },
    close: async () => {
      await new Promise<void>((done) => server.close(() => done()));
      await compacting;
      await journal.close();
    },
  };
}

/**
 * Queues again what was journalled and not done, then rewrites the journal to
 * just those messages (so it does not grow without bound) and clears the done
 * list. Returns how many messages were queued again.
 *
 * `deadLettered`: messages the previous run's DLQ held at its clean stop, which
 * this start puts back on the DLQ. The queue moved them there after their
 * failed deliveries, so the pipeline never marked them done; queued again, they
 * would fail into the DLQ once more, one copy per restart.
 */
export async function replayJournal(
  dataDir: string,
  enqueue: (message: string) => Promise<void>,
  deadLettered: readonly string[] = [],
): Promise<number> {
  const journalPath = join(dataDir, JOURNAL_FILE);
  const donePath = join(dataDir, DONE_FILE);
  const text = await readFile(journalPath, 'utf8').catch(() => '');
  const done = new Set([
    ...(await readDone(donePath)),
    ...(await readDone(`${donePath}${COMPACTING_SUFFIX}`)),
    ...deadLettered.map((body) => messageKey(messageOfBody(body))),
  ]);
  const pending = pendingMessages(text, done);
  for (const message of pending.values()) await enqueue(message);
  await replaceDurably(journalPath, journalLines(pending));
  await rm(donePath, { force: true });
  await rm(`${donePath}${COMPACTING_SUFFIX}`, { force: true });
  return pending.size;
}

/**
 * The runtime's journal step: replays what a crash left, then serves the
 * journalling proxy. `enqueue` puts one message back on the notifications queue.
 */
export async function startPublishJournal(
  dataDir: string,
  snsUpstream: string,
  enqueue: (message: string) => Promise<void>,
  stops: { add(action: () => Promise<void>): void },
  deadLettered: readonly string[] = [],
  options: JournalOptions = {},
): Promise<Journal> {
  await replayJournal(dataDir, enqueue, deadLettered);
  const journal = await startJournal(dataDir, snsUpstream, options);
  stops.add(() => journal.close());
  return journal;
}
