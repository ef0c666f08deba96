import type { AddressView } from '../shared/app/suppressions.js';
import { terminalLines } from './terminal-text.js';

const wasOf = (reason: string | null | undefined): string => (reason ? ` (was ${reason})` : '');

/** The API's address record (JSON of the look-up use case's view). */
export type AddressRecord = AddressView;

const SHOWN_HISTORY = 5;
const DIAGNOSTIC_WIDTH = 100;

const verdict = (record: AddressRecord): string => {
  if (record.status === 'suppressed') return `DO NOT MAIL: suppressed (${record.reason ?? 'no reason'})`;
  if (record.status === 'review') return `DO NOT MAIL (held for review: ${record.reason ?? 'no reason'})`;
  if (record.status === 'released') return `may be mailed: released${wasOf(record.suppressedReason ?? record.reason)}`;
  return 'may be mailed: not on the list (only soft bounces or history are known)';
};

const codes = (smtpCode: number | null, enhancedCode: string | null): string =>
  [smtpCode, enhancedCode].filter((c) => c !== null).join(' ');

/**
 * `bounce lookup`'s answer for a person: may I mail it, why, the evidence,
 * the soft-bounce window and the last few changes. `--json` prints the record as the API returns it.
 */
export function addressSummary(record: AddressRecord): string {
  // An erased address keeps only its verdict and dates: say so, or the empty record reads as an address we know little about.
  const lines = [`${record.email}: ${verdict(record)}${record.erasedAt ? '; its data was erased' : ''}`];
  const row = (label: string, value: string) => lines.push(`  ${label.padEnd(13)}${value}`);
  if (record.erasedAt) row('erased', `${record.erasedAt} (data-protection erasure: only the verdict, reason, category and dates are kept)`);
  if (record.category || record.rule) row('why', [record.category, record.rule ? `(rule ${record.rule})` : null].filter(Boolean).join(' '));
  const evidence = codes(record.smtpCode, record.enhancedCode);
  if (evidence || record.provider)
    row('evidence', [evidence, record.provider ? `from ${record.provider}` : null].filter(Boolean).join(' '));
  if (record.diagnostic) {
    const text = record.diagnostic.length > DIAGNOSTIC_WIDTH ? `${record.diagnostic.slice(0, DIAGNOSTIC_WIDTH - 1)}…` : record.diagnostic;
    row('diagnostic', `"${text}"`);
  }
  if (record.campaign) row('campaign', record.campaign);
  if (record.firstSeenAt)
    row(
      'seen',
      `${record.firstSeenAt} first, ${record.lastSeenAt ?? '?'} last ` +
        `(${record.count} event${record.count === 1 ? '' : 's'} about the address)`,
    );
  if (record.status === 'released')
    row(
      'released',
      `${record.releasedAt ?? '?'} by ${record.releasedBy ?? 'unknown'}${record.releaseReason ? `: ${record.releaseReason}` : ''}`,
    );
  row(
    'soft bounces',
    `${record.softBounces.count} in the 72-hour window` +
      (record.softBounces.windowEndsAt ? ` (the oldest leaves it at ${record.softBounces.windowEndsAt})` : ''),
  );
  if (record.history.length > 0) {
    const shown = record.history.slice(0, SHOWN_HISTORY);
    lines.push(`  history      newest first${record.history.length > shown.length ? `, ${shown.length} of ${record.history.length}` : ''}`);
    for (const entry of shown) {
      const evidenceOf = [entry.category, codes(entry.smtpCode, entry.enhancedCode)].filter(Boolean).join(' ');
      const who = entry.actor ? ` by ${entry.actor}` : '';
      // A retry's give-up note starts with its category, which the line shows already.
      const said = entry.category ? `${entry.category}: ` : null;
      const note = entry.note ? `: ${said && entry.note.startsWith(said) ? entry.note.slice(said.length) : entry.note}` : '';
      lines.push(
        `    ${entry.at}  ${entry.signal.padEnd(15)} ` +
          `${entry.fromStatus ?? '(new)'} → ${entry.toStatus} (${entry.reason}` +
          `)${evidenceOf ? `  ${evidenceOf}` : ''}${who}${note}`,
      );
    }
  }
  lines.push('  (--json for the full record)');
  return terminalLines(lines);
}
