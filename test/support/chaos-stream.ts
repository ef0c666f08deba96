import { HARD_BOUNCE, sesEvents, type MailOf } from './stream.js';

/**
 * The chaos stream: a generated SES event stream of several campaigns and many
 * addresses, each address following one story (delivered, hard bounce,
 * complaint, soft bounces below and at the threshold, ...), with event times
 * that follow the story. `events` is in event-time order: the clean run's order.
 */
export interface ChaosStream {
  /** Configuration-set events, one recipient each, in event-time order. */
  readonly events: readonly string[];
  /** The pipeline's event id of each event (`<type>:<feedbackId or messageId>:<recipient>`). */
  readonly eventIds: readonly string[];
  readonly addresses: number;
  readonly campaigns: number;
  /** Addresses per story. */
  readonly stories: Readonly<Record<string, number>>;
  /** Addresses whose final record may depend on arrival order (see ORDER_DEPENDENT): compared with `compareRuns`'s looser rule. */
  readonly orderDependent: readonly string[];
}

/**
 * The one case where the final record depends on arrival order (docs/guarantees.md, Known limits: "Arrival
 * order"): a review (a policy block, or the soft bounce that crossed the threshold) and a newer
 * delivery. In order, the delivery clears the review; arriving first, it is not recorded and the
 * review stands. The stream holds such addresses, and the comparison checks only that the
 * difference is review against released, never a suppression. Printed by every chaos run.
 */
export const ORDER_DEPENDENT =
  'a review (policy block or soft-bounce threshold) and a delivery dated minutes after it: ' +
  'either run may hold in review an address the other released, never suppressed, never another reason';

/** A small seeded generator (mulberry32): the same seed gives the same stream. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const DOMAINS = ['gmail.com', 'yahoo.com', 'outlook.com', 'hotmail.com', 'icloud.com', 'gmx.de', 'example.org', 'corp.example'];

const SOFT_BOUNCE = {
  bounceType: 'Transient',
  bounceSubType: 'MailboxFull',
  status: '4.2.2',
  diagnosticCode: 'smtp; 452 4.2.2 Mailbox full',
} as const;
const TIMEOUT = {
  bounceType: 'Transient',
  bounceSubType: 'General',
  status: '4.4.7',
  diagnosticCode: 'smtp; 421 4.4.7 Connection timed out',
} as const;
const POLICY_BLOCK = {
  bounceType: 'Permanent',
  bounceSubType: 'General',
  status: '5.4.1',
  diagnosticCode: 'smtp; 550 5.4.1 Recipient address rejected: Access denied. AS(201806281)',
} as const;
const REPUTATION_BLOCK = {
  bounceType: 'Permanent',
  bounceSubType: 'General',
  status: '5.7.1',
  diagnosticCode: 'smtp; 550 5.7.1 Message rejected due to the sender reputation (listed on Spamhaus)',
} as const;
const ON_ACCOUNT_LIST = { bounceType: 'Permanent', bounceSubType: 'OnAccountSuppressionList', status: '5.1.1' } as const;

/**
 * Stories and their share of addresses. Most end with at most one event that suppresses the address;
 * three have two (a complaint then a hard bounce, two hard bounces, a hard bounce then SES's account list).
 */
const STORIES = [
  ['delivered', 0.44],
  ['delayed-then-delivered', 0.06],
  ['reputation-blocked', 0.05],
  ['timeouts', 0.03],
  ['rejected', 0.02],
  ['soft-below-threshold', 0.09],
  ['soft-threshold', 0.04],
  ['soft-past-threshold', 0.02],
  ['hard-bounce', 0.1],
  ['complaint', 0.04],
  ['complaint-then-hard-bounce', 0.02],
  ['ses-suppressed', 0.02],
  // Mailed again after its hard bounce (outside the send path): the second bounces hard, or SES refuses it.
  ['two-hard-bounces', 0.02],
  ['hard-bounce-then-account-list', 0.02],
  ['policy-block', 0.01],
  // A review, then a delivery minutes later: the one case that depends on arrival order.
  ['policy-block-then-delivered', 0.01],
  ['soft-threshold-then-delivered', 0.01],
] as const;
type Story = (typeof STORIES)[number][0];
/** Messages a story needs at least. */
const NEEDED: Partial<Record<Story, number>> = {
  'soft-threshold': 4,
  'soft-past-threshold': 5,
  'soft-threshold-then-delivered': 5,
  'policy-block-then-delivered': 2,
  'complaint-then-hard-bounce': 2,
  'two-hard-bounces': 2,
  'hard-bounce-then-account-list': 2,
};
const ORDER_DEPENDENT_STORIES: ReadonlySet<Story> = new Set(['policy-block-then-delivered', 'soft-threshold-then-delivered']);

interface Timed {
  readonly at: number;
  readonly seq: number;
  readonly body: string;
  readonly eventId: string;
}

/**
 * About `events` events (the last address may add a few), dated in the 20 hours
 * before `now`, over `campaigns` campaigns sent two hours apart.
 */
export function chaosStream(options: { events: number; seed: number; now: number; campaigns?: number }): ChaosStream {
  const random = seededRandom(options.seed);
  const campaignCount = options.campaigns ?? 8;
  const start = options.now - 20 * 3600_000;
  const latest = options.now - 60_000;
  const between = (low: number, high: number) => low + Math.floor(random() * (high - low + 1));
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const timed: Timed[] = [];
  const stories: Record<string, number> = {};
  let seq = 0;
  let addresses = 0;
  const orderDependent: string[] = [];
  const push = (at: number, body: string, eventId: string) => timed.push({ at: Math.min(at, latest), seq: seq++, body, eventId });
  const iso = (at: number) => new Date(Math.min(at, latest)).toISOString();

  while (timed.length < options.events) {
    const draw = random();
    let cumulative = 0;
    const story: Story = (STORIES.find(([, share]) => (cumulative += share) > draw) ?? STORIES[0])[0];
    stories[story] = (stories[story] ?? 0) + 1;
    const email = `user${addresses}.${options.seed}@${pick(DOMAINS)}`;
    addresses++;
    const needed = NEEDED[story] ?? 1;
    if (ORDER_DEPENDENT_STORIES.has(story)) orderDependent.push(email);
    const messageCount = Math.max(needed, between(1, 4));
    // Distinct campaigns in send order: the address's messages go out one after another.
    const campaigns = [...Array(campaignCount).keys()]
      .sort(() => random() - 0.5)
      .slice(0, messageCount)
      .sort((a, b) => a - b);
    let softBounces = 0;
    const sentTimes = campaigns.map((c) => start + c * 2 * 3600_000 + between(0, 90 * 60) * 1000);
    // An earlier message's bounce that comes back late (its server accepted it, then bounced it), minutes
    // from the last message's send: two events that suppress, close enough to arrive in either order.
    const lateBounceAt = (sentTimes.at(-1) ?? start) + between(-5 * 60, 5 * 60) * 1000;
    campaigns.forEach((c, m) => {
      const sentAt = sentTimes[m] ?? start;
      const messageId = `0100chaos-${options.seed}-${addresses}-${m}`;
      const mail: MailOf = {
        messageId,
        email,
        sentAt: iso(sentAt),
        tags: { campaign: [`chaos-${c}`], batch: [`batch-${addresses % 3}`], source: [pick(['signup', 'webinar', 'import'])] },
      };
      const fromEnd = messageCount - m; // 1 for the last message
      const send = () => push(sentAt, sesEvents.send(mail), `Send:${messageId}:${email}`);
      const deliver = (at: number) => push(at, sesEvents.delivery(mail, iso(at)), `Delivery:${messageId}:${email}`);
      const bounce = (at: number, reply: Parameters<typeof sesEvents.bounce>[3], n = 0) => {
        const feedbackId = `fb-${messageId}-${n}`;
        push(at, sesEvents.bounce(mail, iso(at), feedbackId, reply), `Bounce:${feedbackId}:${email}`);
      };
      const soon = () => sentAt + between(2, 120) * 1000;
      switch (story) {
        case 'rejected':
          if (fromEnd === 1) return void push(sentAt, sesEvents.reject(mail), `Reject:${messageId}:${email}`);
          break;
        case 'ses-suppressed':
          if (fromEnd === 1) return void (send(), bounce(sentAt + 1000, ON_ACCOUNT_LIST));
          break;
        case 'reputation-blocked':
          if (fromEnd === 1) return void (send(), bounce(soon(), REPUTATION_BLOCK));
          break;
        case 'timeouts':
          if (fromEnd === 1) return void (send(), bounce(sentAt + between(1, 4) * 3600_000, TIMEOUT));
          break;
        case 'hard-bounce':
          if (fromEnd === 1) return void (send(), bounce(soon(), HARD_BOUNCE));
          break;
        case 'two-hard-bounces':
          if (fromEnd <= 2) return void (send(), bounce(fromEnd === 2 ? lateBounceAt : soon(), HARD_BOUNCE));
          break;
        case 'hard-bounce-then-account-list':
          if (fromEnd === 2) return void (send(), bounce(lateBounceAt, HARD_BOUNCE));
          if (fromEnd === 1) return void (send(), bounce(sentAt + 1000, ON_ACCOUNT_LIST));
          break;
        case 'complaint':
        case 'complaint-then-hard-bounce':
          if (story === 'complaint-then-hard-bounce' && fromEnd === 1) return void (send(), bounce(soon(), HARD_BOUNCE));
          if (fromEnd === needed) {
            const deliveredAt = soon();
            send();
            deliver(deliveredAt);
            const feedbackId = `fb-${messageId}-complaint`;
            const at = deliveredAt + between(60, 3 * 3600) * 1000;
            return void push(at, sesEvents.complaint(mail, iso(at), feedbackId), `Complaint:${feedbackId}:${email}`);
          }
          break;
        case 'policy-block':
          if (fromEnd === 1) return void (send(), bounce(soon(), POLICY_BLOCK));
          break;
        case 'policy-block-then-delivered':
          if (fromEnd === 2) return void (send(), bounce(lateBounceAt - 10 * 60_000, POLICY_BLOCK));
          break;
        case 'soft-threshold-then-delivered':
          // Four soft bounces, the last reported minutes before the last message is delivered.
          if (fromEnd === 2) return void (send(), bounce(lateBounceAt - 10 * 60_000, SOFT_BOUNCE));
          if (fromEnd > 2) return void (send(), bounce(sentAt + between(60, 150) * 60_000, SOFT_BOUNCE));
          break;
        case 'soft-threshold':
        case 'soft-past-threshold':
          // The last four (five) messages bounce soft (SES reports them after hours of its own retries); nothing is delivered after.
          if (fromEnd <= needed) return void (send(), bounce(sentAt + between(60, 150) * 60_000, SOFT_BOUNCE));
          break;
        case 'soft-below-threshold':
          // At most three: one more would cross the threshold.
          if (fromEnd === 1 || (softBounces < 2 && random() < 0.4)) {
            softBounces++;
            return void (send(), bounce(sentAt + between(60, 150) * 60_000, SOFT_BOUNCE));
          }
          break;
        case 'delayed-then-delivered':
          if (fromEnd === 1) {
            const delayedAt = sentAt + between(5, 20) * 60_000;
            send();
            push(delayedAt, sesEvents.delay(mail, iso(delayedAt)), `DeliveryDelay:${messageId}@${iso(delayedAt)}:${email}`);
            return void deliver(delayedAt + between(10, 60) * 60_000);
          }
          break;
        case 'delivered':
          break;
      }
      send();
      deliver(soon());
    });
  }
  timed.sort((a, b) => a.at - b.at || a.seq - b.seq);
  return {
    events: timed.map((t) => t.body),
    eventIds: timed.map((t) => t.eventId),
    addresses,
    campaigns: campaignCount,
    stories,
    orderDependent,
  };
}

/**
 * The chaos run's publication order: every event twice, each copy moved
 * forward by a random distance (the first up to `window` places, the second
 * up to three windows), so events arrive out of order within windows and
 * every duplicate arrives separately. Returns event indices.
 */
export function chaosOrder(count: number, seed: number, window: number): number[] {
  const random = seededRandom(seed ^ 0x5eed);
  const keyed: Array<{ key: number; index: number }> = [];
  for (let i = 0; i < count; i++) {
    keyed.push({ key: i + random() * window, index: i });
    keyed.push({ key: i + random() * window * 3, index: i });
  }
  return keyed.sort((a, b) => a.key - b.key).map((k) => k.index);
}
