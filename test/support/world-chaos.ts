import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { WorldEntry, WorldResponse } from '../../local/mailbox-world.js';
import type { RuntimeFile } from '../../local/runtime-file.js';
import { parseWorldLog, WORLD_FILE, type PendingMessage } from '../../local/world-log.js';
import { retryStateFromItem } from '../../shared/adapters/outbound/retry-items.js';
import { RETRY_SK_PREFIX } from '../../shared/adapters/outbound/tables.js';
import type { RetryState } from '../../shared/domain/index.js';
import { seededRandom } from './chaos-stream.js';
import type { StartedRuntime } from './cli.js';
import { BUSY, DEAD, FULL } from './worlds.js';

/**
 * What a runtime's mailbox world saw, read from its own record (DIR/world.jsonl), and the
 * plan and checks of the world chaos run (`npm run chaos -- --world`, bench/chaos.ts).
 */

/** Retry states in these statuses have ended their story: nothing more will be sent for them. */
export const ENDED: readonly string[] = ['delivered', 'skipped', 'gave-up', 'published'];

/** A message the world accepted: recipient, campaign, retry link, when (runtime clock), the mailbox's answer, and its events. */
export interface AcceptedMessage {
  readonly to: string;
  readonly campaign: string | null;
  readonly retryOf: string | null;
  readonly attempt: string | null;
  readonly sentAt: string;
  readonly answer: string;
  readonly events: ReadonlyArray<{ readonly at: string; readonly event: Record<string, unknown> }>;
}

/** Every message the world accepted, by SES message id. */
export type Accepted = Map<string, AcceptedMessage>;

interface MailOfEvent {
  readonly timestamp?: string;
  readonly destination?: string[];
  readonly tags?: Record<string, string[]>;
}

/**
 * Adds the accepted lines of DIR/world.jsonl to `into`. A start compacts the file to what is still
 * pending, so read it before each restart (and as often as wanted: a torn last line is skipped).
 */
export function collectAccepted(dataDir: string, into: Accepted): void {
  const path = join(dataDir, WORLD_FILE);
  if (!existsSync(path)) return;
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    let entry: {
      accepted?: string;
      events?: Array<{ at: string; event: Record<string, unknown> & { eventType?: string; mail?: MailOfEvent } }>;
    };
    try {
      entry = JSON.parse(line) as typeof entry;
    } catch {
      continue;
    }
    const mail = entry.events?.[0]?.event.mail;
    if (!entry.accepted || !mail || into.has(entry.accepted)) continue;
    into.set(entry.accepted, {
      to: mail.destination?.[0] ?? '',
      campaign: mail.tags?.campaign?.[0] ?? null,
      retryOf: mail.tags?.['retry-of']?.[0] ?? null,
      attempt: mail.tags?.['retry-attempt']?.[0] ?? null,
      sentAt: mail.timestamp ?? '',
      answer: entry.events?.[1]?.event.eventType ?? '',
      events: entry.events ?? [],
    });
  }
}

/** Every retry state in the runtime's address table. */
export async function retryStates(file: RuntimeFile): Promise<RetryState[]> {
  const client = new DynamoDBClient({
    region: file.region,
    endpoint: file.endpoints.dynamodb,
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
  });
  const dynamo = DynamoDBDocumentClient.from(client);
  try {
    const states: RetryState[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await dynamo.send(
        new ScanCommand({
          TableName: file.tables.addresses,
          FilterExpression: 'begins_with(sk, :retry)',
          ExpressionAttributeValues: { ':retry': RETRY_SK_PREFIX },
          ConsistentRead: true,
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      states.push(...(page.Items ?? []).map((item) => retryStateFromItem(item)));
      start = page.LastEvaluatedKey;
    } while (start);
    return states;
  } finally {
    client.destroy();
  }
}

/** A pending message of the world that is a retry attempt (its Send event carries the retry link). */
export const isRetryMessage = (message: PendingMessage): boolean =>
  Boolean((message.events[0]?.event.mail as MailOfEvent | undefined)?.tags?.['retry-of']);

/**
 * Freezes the runtime (SIGSTOP), reads what its world has on disk, and kills it (SIGKILL) only when
 * the world holds events it promised and has not published yet (of messages `which` picks); otherwise
 * lets it run a moment and tries again. The frozen file is exactly what the kill leaves. Returns how
 * many such messages were pending at the kill.
 */
export async function killWhileEventsPending(
  runtime: StartedRuntime,
  dataDir: string,
  minAccepted: number,
  which: (message: PendingMessage) => boolean = () => true,
  timeoutMs = 60_000,
): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    runtime.child.kill('SIGSTOP');
    const text = existsSync(join(dataDir, WORLD_FILE)) ? readFileSync(join(dataDir, WORLD_FILE), 'utf8') : '';
    const accepted = text.split('\n').filter((line) => line.startsWith('{"accepted"')).length;
    const pending = [...parseWorldLog(text).pending.values()].filter(which).length;
    if (pending > 0 && accepted >= minAccepted) {
      runtime.child.kill('SIGKILL');
      await new Promise((resolve) => runtime.child.once('close', resolve));
      return pending;
    }
    runtime.child.kill('SIGCONT');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error('the world never had such events pending');
}

// ---------------------------------------------------------------------------------------------
// The world chaos run's plan.

/** What a mailbox does with the mail it gets, each story a list of the world's responses. */
export const STORIES = {
  delivered: [{ deliver: true }],
  dead: [DEAD],
  complaint: [{ complaint: true }],
  'full-then-deliver': [FULL, FULL, { deliver: true }],
  full: [FULL],
  'busy-then-deliver': [BUSY, { deliver: true }],
  busy: [BUSY],
} as const satisfies Record<string, readonly WorldResponse[]>;
export type Story = keyof typeof STORIES;

/** Shares of the recipients (the rest are delivered). */
const SHARES: ReadonlyArray<readonly [Story, number]> = [
  ['dead', 0.08],
  ['complaint', 0.03],
  ['full-then-deliver', 0.12],
  ['full', 0.04],
  ['busy-then-deliver', 0.1],
  ['busy', 0.04],
];

/** The campaign paused while its retries are due, and resumed. */
export const PAUSED_CAMPAIGN = 'chaos-c2';
export const CAMPAIGNS = ['chaos-c1', PAUSED_CAMPAIGN, 'chaos-c3'] as const;
/** The follow-up campaign, sent at the end to addresses suppressed or erased before it, and a few that may be mailed. */
export const FOLLOW_UP = 'chaos-c4';

export interface Recipient {
  readonly address: string;
  readonly story: Story;
  readonly campaign: string;
}

export interface WorldPlan {
  readonly seed: number;
  readonly entries: readonly WorldEntry[];
  /** Every address of the world and its story. */
  readonly recipients: readonly Recipient[];
  /** Imported (SES's suppression-list CSV) before the first send; each is also a recipient of the first campaign. */
  readonly imported: readonly string[];
  /** Recipients whose first campaign suppresses them (dead, complaint): the erased ones and the follow-up's are picked from these. */
  readonly erased: readonly string[];
  /** Sent to the paused campaign while it is paused: each must be refused. */
  readonly whilePaused: readonly string[];
  /** The follow-up campaign's recipients: the imported, the erased, other suppressed ones, and delivered ones (the only ones mailed). */
  readonly followUp: readonly string[];
}

/** A message line of `bounce send`. */
export const sendLine = (to: string, campaign: string): string =>
  JSON.stringify({ to, from: 'news@mail.example.com', subject: `News of ${campaign}`, text: 'Hello', tags: { campaign } });

/** A world of `count` recipients over three campaigns, plus the addresses that must never be mailed (same seed, same plan). */
export function worldPlan(count: number, seed: number): WorldPlan {
  const random = seededRandom(seed);
  const few = Math.max(3, Math.round(count / 100));
  const recipients: Recipient[] = [];
  for (let i = 0; i < count; i++) {
    let roll = random();
    let story: Story = 'delivered';
    for (const [candidate, share] of SHARES) {
      if (roll < share) {
        story = candidate;
        break;
      }
      roll -= share;
    }
    const c = random();
    const campaign = (c < 0.4 ? CAMPAIGNS[0] : c < 0.7 ? CAMPAIGNS[1] : CAMPAIGNS[2]) as string;
    recipients.push({ address: `${story.replace(/-/g, '')}${i}.s${seed}@${campaign}.chaos.test`, story, campaign });
  }
  // Mailboxes that would take mail: suppressed by import, or sent to a paused campaign, they must get none.
  const imported = Array.from({ length: few }, (_, i) => `imported${i}.s${seed}@chaos.test`);
  const whilePaused = Array.from({ length: few }, (_, i) => `late${i}.s${seed}@${PAUSED_CAMPAIGN}.chaos.test`);
  for (const address of imported) recipients.push({ address, story: 'delivered', campaign: CAMPAIGNS[0] });
  for (const address of whilePaused) recipients.push({ address, story: 'delivered', campaign: PAUSED_CAMPAIGN });
  const suppressedByFirst = recipients.filter((r) => r.story === 'dead' || r.story === 'complaint').map((r) => r.address);
  const erased = suppressedByFirst.slice(0, few);
  const delivered = recipients.filter((r) => r.story === 'delivered' && !imported.includes(r.address) && !whilePaused.includes(r.address));
  const followUp = [...imported, ...erased, ...suppressedByFirst.slice(few, 3 * few), ...delivered.slice(0, few).map((r) => r.address)];
  return {
    seed,
    entries: recipients.map((r) => ({ address: r.address, responses: [...STORIES[r.story]] as WorldResponse[] })),
    recipients,
    imported,
    erased,
    whilePaused,
    followUp,
  };
}

// ---------------------------------------------------------------------------------------------
// The world chaos run's checks (each returns what it found wrong: empty is a pass).

/** Retry states not in an ended status (`scheduled`, `sending`, `sent`): stories that have not ended. */
export const openStories = (states: readonly RetryState[]): RetryState[] => states.filter((s) => !ENDED.includes(s.status));

/** Sends the world accepted more than once: an attempt of one original message, or one campaign's original send to one address. */
export function repeatedSends(accepted: Accepted): string[] {
  const seen = new Map<string, number>();
  for (const m of accepted.values()) {
    const key = m.retryOf === null ? `${m.campaign ?? '(untagged)'} to ${m.to}: original send` : `${m.retryOf}: attempt ${m.attempt}`;
    seen.set(key, (seen.get(key) ?? 0) + 1);
  }
  return [...seen].filter(([, n]) => n > 1).map(([key, n]) => `${key} accepted ${n} times`);
}

/** Mail accepted for an address at or after the instant from which it must get none (runtime clock, ISO). */
export function mailedWhenSuppressed(accepted: Accepted, doNotMail: ReadonlyMap<string, string>): string[] {
  return [...accepted.values()].flatMap((m) => {
    const since = doNotMail.get(m.to);
    return since !== undefined && m.sentAt >= since ? [`${m.to}: mailed at ${m.sentAt}, not to be mailed from ${since}`] : [];
  });
}

/**
 * Mail of `campaign` accepted while it was paused: after `from` plus `graceMs` (an attempt whose
 * pause check came just before the pause may still be on its way to SES) and before `to`.
 */
export function mailedWhilePaused(
  accepted: Accepted,
  pause: { readonly campaign: string; readonly from: string; readonly to: string },
  graceMs: number,
): string[] {
  const from = new Date(Date.parse(pause.from) + graceMs).toISOString();
  return [...accepted.values()].flatMap((m) =>
    m.campaign === pause.campaign && m.sentAt > from && m.sentAt < pause.to
      ? [`${m.to}: mailed at ${m.sentAt}, paused ${from} to ${pause.to}`]
      : [],
  );
}

/** Addresses whose final status or reason differs between the two runs (the world has no story whose end depends on arrival order). */
export function verdictDifferences(
  clean: ReadonlyMap<string, { readonly status: string; readonly reason: string }>,
  chaos: ReadonlyMap<string, { readonly status: string; readonly reason: string }>,
): string[] {
  const differences: string[] = [];
  for (const address of new Set([...clean.keys(), ...chaos.keys()])) {
    const [a, b] = [clean.get(address), chaos.get(address)];
    if (a?.status === b?.status && a?.reason === b?.reason) continue;
    const show = (v: typeof a) => (v ? `${v.status || '(none)'}/${v.reason || '-'}` : 'not checked');
    differences.push(`${address}: clean ${show(a)}, chaos ${show(b)}`);
  }
  return differences;
}
