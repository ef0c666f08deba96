import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { RETRY_STATE_RETENTION_SECONDS, retryLinkOf } from '../shared/domain/index.js';
import { JournalFile, replaceDurably } from './journal.js';

/**
 * `DIR/outbox.jsonl`: every message the local SES accepted, one line per recipient, as `bounce outbox`
 * prints it. The deployed send path writes nothing per send (SES's events bring its tags back), so what
 * was sent is what SES accepted: the local SES's mailbox world writes this file, on its clock.
 */
export const OUTBOX_FILE = 'outbox.jsonl';

/** One recipient of one accepted message (`bounce outbox --json`, a contract: keep its fields). */
export interface OutboxRow {
  readonly messageId: string;
  readonly to: string;
  /** 0: the original send; n: the n-th retry of `originalMessageId`. */
  readonly attempt: number;
  readonly originalMessageId: string;
  readonly campaign: string | null;
  readonly sentAt: string;
}

/** The rows of one accepted message: its recipients, with the retry link and campaign its tags carry. */
export function outboxRows(
  message: {
    readonly messageId: string;
    readonly to: readonly string[];
    readonly tags: Readonly<Record<string, string>>;
    readonly sentAt: Date;
  },
  campaignTag: string,
): OutboxRow[] {
  const link = retryLinkOf(Object.fromEntries(Object.entries(message.tags).map(([name, value]) => [name, [value]])));
  const campaign = message.tags[campaignTag];
  return message.to.map((to) => ({
    messageId: message.messageId,
    to: to.trim().toLowerCase(),
    attempt: link?.attempt ?? 0,
    originalMessageId: link?.originalMessageId ?? message.messageId,
    campaign: campaign === undefined || campaign.trim() === '' ? null : campaign,
    sentAt: message.sentAt.toISOString(),
  }));
}

const isRow = (value: unknown): value is OutboxRow => {
  const row = value as Partial<OutboxRow> | null;
  return (
    typeof row?.messageId === 'string' && typeof row.to === 'string' && typeof row.attempt === 'number' && typeof row.sentAt === 'string'
  );
};

/** The rows of an outbox file, in file order (none when there is no file; a torn last line is skipped). */
async function rowsOf(path: string): Promise<OutboxRow[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const rows: OutboxRow[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      const row: unknown = JSON.parse(line);
      if (isRow(row)) rows.push(row);
    } catch {
      // a line cut by a kill -9: the message's events still went out, only its outbox line is lost
    }
  }
  return rows;
}

/** What the local SES accepted, oldest first (a retry after its original). */
export async function readOutbox(dataDir: string): Promise<OutboxRow[]> {
  const rows = await rowsOf(join(dataDir, OUTBOX_FILE));
  return rows.sort((a, b) => a.sentAt.localeCompare(b.sentAt) || a.attempt - b.attempt);
}

/**
 * Opens the outbox for appending. `fresh`: starts empty (a runtime in memory forgets what it sent with
 * its store); else rows older than a retry's lifetime on `now` are dropped, as the sent-message records
 * of the store expired.
 */
export async function openOutbox(dataDir: string, options: { readonly fresh: boolean; readonly now: Date }): Promise<JournalFile> {
  const path = join(dataDir, OUTBOX_FILE);
  const oldest = new Date(options.now.getTime() - RETRY_STATE_RETENTION_SECONDS * 1000).toISOString();
  const kept = options.fresh ? [] : (await rowsOf(path)).filter((row) => row.sentAt >= oldest);
  await replaceDurably(path, kept.map((row) => `${JSON.stringify(row)}\n`).join(''));
  return JournalFile.open(path);
}
