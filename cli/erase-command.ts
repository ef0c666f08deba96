import type { ApiClient } from './api-client.js';
import { ApiError } from './api-client.js';
import type { CommandIo } from './suppression-commands.js';
import { terminalSafe } from './terminal-text.js';

/** The reason sent when `--reason` is not given. */
export const DEFAULT_ERASURE_REASON = 'data-protection erasure request';

/** The API's answer to `DELETE /suppressions/{email}?erase=true`. */
export interface ErasureRecord {
  readonly email: string;
  readonly kept: boolean;
  readonly suppressed: boolean;
  readonly status: string | null;
  readonly reason: string | null;
  readonly category: string | null;
  readonly firstSeenAt: string | null;
  readonly lastSeenAt: string | null;
  readonly erasedAt: string;
  readonly deleted: Readonly<Record<'records' | 'history' | 'softBounces' | 'retries' | 'sentMessages' | 'deliveryDelays', number>>;
}

const count = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** What `bounce erase` prints: what was deleted, and what is kept (never more than the verdict and its dates). */
export function erasureSummary(record: ErasureRecord): string {
  const { deleted } = record;
  const lines = [
    `${record.email}: erased ${record.erasedAt}`,
    `  deleted      ${[
      count(deleted.records, 'record', 'records'),
      count(deleted.history, 'history entry', 'history entries'),
      count(deleted.softBounces, 'soft bounce', 'soft bounces'),
      count(deleted.retries, 'retry state', 'retry states'),
      count(deleted.sentMessages, 'sent message copy', 'sent message copies'),
      count(deleted.deliveryDelays, 'delivery delay', 'delivery delays'),
    ].join(', ')}`,
  ];
  if (!record.kept) {
    lines.push('  kept         nothing: the address was not held, so it may be mailed (it is unknown from now on)');
  } else {
    const verdict =
      record.status === 'suppressed' ? 'DO NOT MAIL: suppressed' : record.status === 'review' ? 'DO NOT MAIL: held for review' : 'released';
    const why = [record.reason, record.category].filter(Boolean).join(', ');
    lines.push(`  kept         ${verdict}${why ? ` (${why})` : ''}, seen ${record.firstSeenAt ?? '?'} to ${record.lastSeenAt ?? '?'}`);
    lines.push('               under a keyed hash of the address (the address itself is not kept)');
  }
  return `${lines.join('\n')}\n`;
}

/** `bounce erase EMAIL [--reason TEXT] [--json]`: data-protection erasure. Exit 1 on any API error (404: nothing known). */
export async function eraseCommand(
  api: ApiClient,
  email: string,
  reason: string | undefined,
  io: CommandIo,
  json = false,
): Promise<number> {
  try {
    const record = await api.request<ErasureRecord>('DELETE', `/suppressions/${encodeURIComponent(email)}`, {
      query: { erase: 'true' },
      body: { reason: reason ?? DEFAULT_ERASURE_REASON },
    });
    io.stdout.write(json ? `${JSON.stringify(record, null, 2)}\n` : erasureSummary(record));
    return 0;
  } catch (error) {
    const status = error instanceof ApiError ? ` (HTTP ${error.status})` : '';
    io.stderr.write(`bounce erase: ${terminalSafe((error as Error).message)}${status}\n`);
    return 1;
  }
}
