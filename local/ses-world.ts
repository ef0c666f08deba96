import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { OutboundRecord } from '../shared/app/retry-ports.js';
import type { LoggerPort } from '../shared/app/ports.js';
import { retryTags } from '../shared/domain/index.js';
import { MailboxWorld, type WorldEntry } from './mailbox-world.js';
import { startLocalSes, type LocalSes, type StoredEmail } from './ses-server.js';

export { scaledClock } from './runtime-file.js';

export interface SesWorldOptions {
  readonly entries: readonly WorldEntry[];
  readonly timeScale: number;
  readonly clock: () => Date;
  /**
   * The client SES's events are published with, or how to get it when an event is published (the
   * runtime's journalling proxy starts after the world, and a kill -9 must not lose an event).
   */
  readonly sns: SNSClient | (() => SNSClient);
  /** Where SES's events go: the notification topic, as a configuration set's event destination would publish them. */
  readonly topicArn: string;
  /** The send path's record of a message (for its tags and retry link), or null for a message sent some other way. */
  readonly outboundOf: (messageId: string) => Promise<Omit<OutboundRecord, 'content'> | null>;
  readonly logger: LoggerPort;
  /** How often the local SES's store is read for new messages (real ms). @default 100 */
  readonly pollMs?: number;
}

export interface SesWorld {
  readonly ses: LocalSes;
  /** Wait until every message accepted so far has had its events published. */
  settle(): Promise<void>;
  stop(): Promise<void>;
}

/** How long (real ms) a new message waits for the send path's record (written right after SES answers). */
const RECORD_WAIT_MS = 2000;

/**
 * The local SES and its mailbox world: aws-ses-v2-local accepts the mail;
 * every message it stores becomes the SES events the world decides (Send,
 * then Delivery, Bounce, Complaint or DeliveryDelay), published to the
 * notification topic at their time on the runtime's clock, with the
 * message's tags (read from the send path's record, since the local SES does
 * not keep tags).
 */
export async function startSesWorld(options: SesWorldOptions, port = 0): Promise<SesWorld> {
  const ses = await startLocalSes(port);
  const world = new MailboxWorld(options.entries);
  const seen = new Set<string>();
  // The local SES keeps one store per process: only mail accepted from now on belongs to this world.
  // Read only what is new: the newest second seen so far (messages of that second are read again, `seen` skips them).
  let since = Math.floor(Date.now() / 1000);
  const inFlight = new Set<Promise<void>>();
  // Pending waits and how to end each early: stop settles them, so nothing waits on a timer that will never fire.
  const timers = new Map<NodeJS.Timeout, () => void>();
  let stopped = false;

  const track = (work: Promise<void>) => {
    inFlight.add(work);
    void work.finally(() => inFlight.delete(work));
  };

  async function tagsOf(email: StoredEmail): Promise<Record<string, string>> {
    const deadline = Date.now() + RECORD_WAIT_MS;
    for (;;) {
      const record = await options.outboundOf(email.messageId);
      if (record) {
        const tags = Object.entries(record.tags).filter((entry): entry is [string, string] => entry[1] !== null);
        return { ...Object.fromEntries(tags), ...retryTags({ originalMessageId: record.originalMessageId, attempt: record.attempt }) };
      }
      if (Date.now() >= deadline || stopped) return {};
      await new Promise<void>((done) => setTimeout(done, 50).unref());
    }
  }

  async function publishAt(at: Date, event: Record<string, unknown>): Promise<void> {
    const wait = Math.max(0, (at.getTime() - options.clock().getTime()) / options.timeScale);
    if (wait > 0) {
      await new Promise<void>((done) => {
        const timer = setTimeout(() => {
          timers.delete(timer);
          done();
        }, wait);
        timer.unref(); // a pending SES event never keeps the process alive
        timers.set(timer, done);
      });
    }
    if (stopped) return; // stopped while waiting: the event is not published
    const sns = typeof options.sns === 'function' ? options.sns() : options.sns;
    await sns.send(new PublishCommand({ TopicArn: options.topicArn, Message: JSON.stringify(event) }));
  }

  async function playOut(email: StoredEmail): Promise<void> {
    const tags = await tagsOf(email);
    const events = world.eventsFor({
      messageId: email.messageId,
      from: email.from,
      to: email.destination.to,
      subject: email.subject,
      tags,
      sentAt: options.clock(),
    });
    for (const { at, event } of events) await publishAt(at, event);
  }

  async function poll(): Promise<void> {
    const emails = await ses.emails(since);
    for (const email of emails) {
      since = Math.max(since, email.at);
      if (seen.has(email.messageId)) continue;
      seen.add(email.messageId);
      track(
        playOut(email).catch((error: unknown) =>
          options.logger.error('Mailbox world failed to publish', { errorName: (error as Error).name }),
        ),
      );
    }
  }

  let polling: Promise<void> = Promise.resolve();
  const interval = setInterval(() => {
    polling = polling
      .then(poll)
      .catch((error: unknown) => options.logger.error('Local SES store unreadable', { errorName: (error as Error).name }));
  }, options.pollMs ?? 100);
  interval.unref();

  return {
    ses,
    settle: async () => {
      if (!stopped) await (polling = polling.then(poll));
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
    stop: async () => {
      stopped = true;
      clearInterval(interval);
      await polling.catch(() => undefined);
      for (const [timer, settle] of timers) {
        clearTimeout(timer);
        settle();
      }
      timers.clear();
      await Promise.allSettled([...inFlight]);
      await ses.close();
    },
  };
}
