import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { LoggerPort } from '../shared/app/ports.js';
import { forwardRequest, readBody } from './http-forward.js';
import { JournalFile, replaceDurably } from './journal.js';
import { MailboxWorld, type WorldEntry } from './mailbox-world.js';
import { openOutbox, outboxRows } from './outbox-file.js';
import { startLocalSes, type LocalSes, type StoredEmail } from './ses-server.js';
import { acceptedLine, publishedLine, readWorldLog, WORLD_FILE, worldLogText, type PendingMessage } from './world-log.js';

export { scaledClock } from './runtime-file.js';

export interface SesWorldOptions {
  readonly entries: readonly WorldEntry[];
  readonly timeScale: number;
  readonly clock: () => Date;
  /**
   * The client SES's events are published with, or how to get it when an event is published; null: not
   * yet (the runtime's journalling proxy starts after the world, and a kill -9 must not lose an event), so
   * publishing waits for it.
   */
  readonly sns: SNSClient | (() => SNSClient | null);
  /** Where SES's events go: the notification topic, as a configuration set's event destination would publish them. */
  readonly topicArn: string;
  readonly logger: LoggerPort;
  /** The data folder whose DIR/world.jsonl keeps what the world promised across restarts; none: in memory only. */
  readonly dataDir?: string;
  /** Messages accepted between two compactions of the world file. @default 10000 */
  readonly compactEvery?: number;
  /**
   * Where every accepted message is listed for `bounce outbox` (DIR/outbox.jsonl; `fresh`: start it empty),
   * with the tag that names a message's campaign; none: not listed.
   */
  readonly outbox?: { readonly dataDir: string; readonly fresh: boolean; readonly campaignTag: string };
}

export interface SesWorld {
  /** The local SES as senders see it (the world in front of aws-ses-v2-local). */
  readonly ses: LocalSes;
  /** Resolves once the events a previous run had promised and not published are published. */
  readonly resumed: Promise<void>;
  /** Wait until every message accepted so far has had its events published. */
  settle(): Promise<void>;
  stop(): Promise<void>;
}

/** The MessageIds of an SES answer: v1's XML, v2's JSON (bulk sends list one per entry). */
export function messageIdsOf(answer: string): string[] {
  return [...answer.matchAll(/<MessageId>([^<]+)<\/MessageId>|"MessageId"\s*:\s*"([^"]+)"/g)].map((m) => (m[1] ?? m[2]) as string);
}

/** The message tags of an SES send request: v1's `Tags.member.N` form fields, v2's `EmailTags` (or a bulk send's defaults). */
export function requestTags(contentType: string, body: string): Record<string, string> {
  const tags: Record<string, string> = {};
  if (contentType.includes('x-www-form-urlencoded')) {
    const form = new URLSearchParams(body);
    for (let n = 1; form.has(`Tags.member.${n}.Name`); n++)
      tags[form.get(`Tags.member.${n}.Name`) as string] = form.get(`Tags.member.${n}.Value`) ?? '';
    return tags;
  }
  try {
    const json = JSON.parse(body) as { EmailTags?: unknown; DefaultEmailTags?: unknown };
    const list = Array.isArray(json.EmailTags) ? json.EmailTags : Array.isArray(json.DefaultEmailTags) ? json.DefaultEmailTags : [];
    for (const tag of list as Array<{ Name?: unknown; Value?: unknown }>) {
      if (typeof tag?.Name === 'string' && typeof tag.Value === 'string') tags[tag.Name] = tag.Value;
    }
  } catch {
    // not JSON: no tags
  }
  return tags;
}

/**
 * The local SES and its mailbox world. Senders reach aws-ses-v2-local
 * through the world: when it accepts a message, the world decides the SES
 * events of it (Send, then Delivery, Bounce, Complaint or DeliveryDelay, each
 * recipient taking the next response of its list), with the request's tags
 * (the local SES does not keep them), and, with a data folder, writes them
 * and the recipients' positions in their response lists to DIR/world.jsonl,
 * flushed, *before* the sender gets SES's answer. The events are published
 * to the notification topic at their time on the runtime's clock. A start
 * resumes the positions and publishes what a previous run promised and did
 * not publish (a kill -9 included): every message SES answered gets its
 * events, and a response list goes on where it was.
 */
export async function startSesWorld(options: SesWorldOptions, port = 0): Promise<SesWorld> {
  const upstream = await startLocalSes(0);
  const world = new MailboxWorld(options.entries);
  const path = options.dataDir ? join(options.dataDir, WORLD_FILE) : null;
  const saved = path ? await readWorldLog(path) : { positions: new Map<string, number>(), pending: new Map<string, PendingMessage>() };
  world.resume(saved.positions);
  const pending = saved.pending;
  let log: JournalFile | null = null;
  if (path) {
    await replaceDurably(path, worldLogText(world.positions(), pending));
    log = await JournalFile.open(path);
  }
  const outbox = options.outbox ? await openOutbox(options.outbox.dataDir, { fresh: options.outbox.fresh, now: options.clock() }) : null;
  const compactEvery = options.compactEvery ?? 10_000;
  let sinceCompaction = 0;
  const inFlight = new Set<Promise<void>>();
  // Pending waits and how to end each early: stop settles them, so nothing waits on a timer that will never fire.
  const timers = new Map<NodeJS.Timeout, () => void>();
  let stopped = false;

  const track = (work: Promise<void>) => {
    inFlight.add(work);
    void work.finally(() => inFlight.delete(work));
    return work;
  };

  const sleep = (ms: number) =>
    new Promise<void>((done) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        done();
      }, ms);
      timer.unref(); // a pending SES event never keeps the process alive
      timers.set(timer, done);
    });

  /** The publishing client, once there is one (null when stopped first). */
  async function publisher(): Promise<SNSClient | null> {
    for (;;) {
      if (stopped) return null;
      const sns = typeof options.sns === 'function' ? options.sns() : options.sns;
      if (sns) return sns;
      await sleep(50);
    }
  }

  /** Publishes a message's events in order, each at its time; a failed publish is tried again (the event was promised). */
  async function playOut(id: string, message: PendingMessage): Promise<void> {
    let failures = 0;
    while (message.next < message.events.length && !stopped) {
      const { at, event } = message.events[message.next] as PendingMessage['events'][number];
      const wait = Math.max(0, (at.getTime() - options.clock().getTime()) / options.timeScale);
      if (wait > 0) await sleep(wait);
      const sns = await publisher();
      if (!sns || stopped) return; // stopped while waiting: the event is published by the next start
      try {
        await sns.send(new PublishCommand({ TopicArn: options.topicArn, Message: JSON.stringify(event) }));
      } catch (error) {
        if (failures++ === 0) options.logger.error('Mailbox world failed to publish', { errorName: (error as Error).name });
        await sleep(Math.min(5000, 100 * 2 ** Math.min(failures, 6)));
        continue;
      }
      message.next++;
      if (message.next === message.events.length) pending.delete(id);
      // Not flushed: a lost mark only publishes the event again, and its processing is idempotent.
      await log?.append(publishedLine(id, message.next), false);
    }
  }

  /** A message the local SES accepted: its events decided and on disk, then played out. */
  async function accept(email: StoredEmail, tags: Record<string, string>): Promise<void> {
    const events = world.eventsFor({
      messageId: email.messageId,
      from: email.from,
      to: email.destination.to,
      subject: email.subject,
      tags,
      sentAt: options.clock(),
    });
    const positions = new Map(
      email.destination.to.flatMap((to) => {
        const n = world.position(to);
        return n === null ? [] : [[to.trim().toLowerCase(), n] as const];
      }),
    );
    await log?.append(acceptedLine(email.messageId, positions, events));
    if (outbox && options.outbox) {
      const rows = outboxRows(
        { messageId: email.messageId, to: email.destination.to, tags, sentAt: options.clock() },
        options.outbox.campaignTag,
      );
      // Not flushed: a lost line loses only a line of the outbox, never an event.
      await outbox.append(rows.map((row) => `${JSON.stringify(row)}\n`).join(''), false);
    }
    const message: PendingMessage = { events, next: 0 };
    pending.set(email.messageId, message);
    if (log && ++sinceCompaction >= compactEvery) {
      sinceCompaction = 0;
      const file = log;
      // Between two appends; one that fails leaves the file as it was (it only grows).
      void file.rewrite(async () => worldLogText(world.positions(), pending)).catch(() => undefined);
    }
    void track(playOut(email.messageId, message)).catch(() => undefined);
  }

  const target = new URL(upstream.url);
  const forward = (req: IncomingMessage, body: Buffer) => forwardRequest(target, req, body);

  const server: Server = createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      const since = Math.floor(Date.now() / 1000) - 1;
      const answer = await forward(req, body);
      const ids = req.method === 'POST' && answer.status >= 200 && answer.status < 300 ? messageIdsOf(answer.body.toString('utf8')) : [];
      if (ids.length > 0) {
        if (stopped) throw new Error('the local SES is stopping');
        const tags = requestTags(String(req.headers['content-type'] ?? ''), body.toString('utf8'));
        const accepted = (await upstream.emails(since)).filter((email) => ids.includes(email.messageId));
        for (const email of accepted) await accept(email, tags);
      }
      res.writeHead(answer.status, answer.headers);
      res.end(answer.body);
    })().catch((error: unknown) => {
      // Not on disk: the sender must not be told SES accepted it (its outcome is unknown, as after a timeout).
      options.logger.error('Mailbox world could not keep a message', { errorName: (error as Error).name });
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/xml' });
      res.end('<ErrorResponse><Error><Code>InternalFailure</Code><Message>not kept</Message></Error></ErrorResponse>');
    });
  });
  await new Promise<void>((done) => server.listen(port, '127.0.0.1', done));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  // What a previous run promised: published first thing (it waits for the publishing client).
  const resumed = Promise.allSettled([...pending].map(([id, message]) => track(playOut(id, message)))).then(() => undefined);

  return {
    ses: {
      url,
      emails: (since) => upstream.emails(since),
      close: async () => {
        await new Promise<void>((done) => {
          server.closeAllConnections();
          server.close(() => done());
        });
        await upstream.close();
      },
    },
    resumed,
    settle: async () => {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
    stop: async () => {
      stopped = true;
      for (const [timer, settle] of timers) {
        clearTimeout(timer);
        settle();
      }
      timers.clear();
      await Promise.allSettled([...inFlight]);
      await new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      });
      await upstream.close();
      await log?.close();
      await outbox?.close();
    },
  };
}
