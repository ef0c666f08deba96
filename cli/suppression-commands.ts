import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { isValidAddress, normaliseAddress } from '../shared/domain/index.js';
import { addressSummary, type AddressRecord } from './address-summary.js';
import type { ApiClient } from './api-client.js';
import { ApiError } from './api-client.js';
import { csvField, csvRow, csvText, parseCsvLine } from './csv.js';
import { cannotRead, unreadable } from './input-file.js';
import { Progress } from './progress.js';
import { terminalSafe } from './terminal-text.js';

export interface CommandIo {
  readonly stdin: Readable;
  readonly stdout: Writable;
  readonly stderr: Writable;
}

const CHECK_CHUNK = 1000;
/** Addresses' bytes per check request: well under the API's 256 KiB body limit, whatever their length. */
const CHECK_CHUNK_BYTES = 128 * 1024;
/** Bad lines named one by one on stderr; the rest are counted. */
const SHOWN_BAD_LINES = 5;
const IMPORT_CONCURRENCY = 8;

async function* lines(file: string, stdin: Readable): AsyncGenerator<string> {
  yield* createInterface({ input: file === '-' ? stdin : createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
}

/** The address in a line: the first CSV field that looks like one (so headers and extra columns pass). */
function addressIn(line: string): string | null {
  for (const field of parseCsvLine(line)) if (field.includes('@')) return field;
  return null;
}

/** Column names a CSV header of addresses uses; a first line without an `@` is a header only when it names one. */
const HEADER_FIELD = /^(e-?mails?|e-?mail[ _-]?address(es)?|address(es)?|recipients?|to|contacts?)$/i;

/** A first line that is a header (`email`, `address,reason`...), not a mistyped address. */
export function isHeaderLine(line: string): boolean {
  const fields = parseCsvLine(line);
  return !line.includes('@') && fields.some((field) => HEADER_FIELD.test(field));
}

/** False, having said why in one line, when the input file cannot be read. */
async function readable(file: string, io: CommandIo, what: string): Promise<boolean> {
  const why = await unreadable(file);
  if (why) io.stderr.write(`bounce ${what}: ${why}\n`);
  return why === null;
}

function reportApiError(error: unknown, io: CommandIo, what: string): number {
  // A file that fails while it is read (it was readable when the command started).
  const { syscall, path } = error as NodeJS.ErrnoException;
  if (syscall !== undefined && path !== undefined) {
    io.stderr.write(`bounce ${what}: ${cannotRead(path, error)}\n`);
    return 1;
  }
  const status = error instanceof ApiError ? ` (HTTP ${error.status})` : '';
  io.stderr.write(`bounce ${what}: ${terminalSafe((error as Error).message)}${status}\n`);
  return 1;
}

/** One call whose answer (an address's record) is printed as a summary, or as JSON with `json`; exit 1 on any API error. */
async function printAddress(
  api: ApiClient,
  what: string,
  method: string,
  email: string,
  io: CommandIo,
  json: boolean,
  body?: unknown,
): Promise<number> {
  try {
    const view = await api.request<AddressRecord>(method, `/suppressions/${encodeURIComponent(email)}`, body === undefined ? {} : { body });
    io.stdout.write(json ? `${JSON.stringify(view, null, 2)}\n` : addressSummary(view));
    return 0;
  } catch (error) {
    return reportApiError(error, io, what);
  }
}

/** `bounce lookup EMAIL [--json]`: everything known about one address. Exit 1 when it has no record. */
export const lookupCommand = (api: ApiClient, email: string, io: CommandIo, json = false): Promise<number> =>
  printAddress(api, 'lookup', 'GET', email, io, json);

interface CheckResult {
  email: string;
  suppressed: boolean;
  status: string | null;
  reason: string | null;
}

/**
 * `bounce check FILE`: one address per line, or CSV (the first field with an
 * `@`; a first line without one is a header). Writes CSV
 * `email,suppressed,status,reason` in input order; a line that is not a valid
 * address gets `invalid` and is not sent.
 */
export async function checkCommand(api: ApiClient, file: string, io: CommandIo): Promise<number> {
  if (!(await readable(file, io, 'check'))) return 1;
  io.stdout.write(`${csvRow(['email', 'suppressed', 'status', 'reason'])}\n`);
  let pending: Array<{ email: string; valid: boolean }> = [];
  let pendingBytes = 0;
  let checked = 0;
  const invalidLines: number[] = [];
  const progress = new Progress(io.stderr, 'check', { unit: 'checked' });
  const flush = async () => {
    const valid = pending.filter((p) => p.valid).map((p) => p.email);
    const results =
      valid.length === 0
        ? []
        : (await api.request<{ results: CheckResult[] }>('POST', '/suppressions/check', { body: { emails: valid } })).results;
    const byEmail = new Map(results.map((r) => [r.email, r]));
    for (const entry of pending) {
      const result = byEmail.get(entry.email);
      io.stdout.write(
        csvRow(entry.valid && result ? [result.email, result.suppressed, result.status, result.reason] : [entry.email, 'invalid', '', '']) +
          '\n',
      );
    }
    checked += pending.length;
    progress.update(checked);
    pending = [];
    pendingBytes = 0;
  };
  try {
    let first = true;
    let lineNumber = 0;
    for await (const line of lines(file, io.stdin)) {
      lineNumber++;
      if (line.trim() === '') continue;
      const raw = addressIn(line);
      const header = first && isHeaderLine(line);
      first = false;
      if (header) continue; // anything else without an @ is a mistyped address: it is reported `invalid`, never dropped
      const email = normaliseAddress(raw ?? parseCsvLine(line)[0] ?? '');
      const valid = isValidAddress(email);
      if (!valid) invalidLines.push(lineNumber);
      pending.push({ email, valid });
      pendingBytes += valid ? email.length : 0;
      if (pending.length >= CHECK_CHUNK || pendingBytes >= CHECK_CHUNK_BYTES) await flush();
    }
    await flush();
    progress.end();
    for (const n of invalidLines.slice(0, SHOWN_BAD_LINES))
      io.stderr.write(`  line ${n}: not a valid address (reported invalid, not checked)\n`);
    if (invalidLines.length > SHOWN_BAD_LINES) io.stderr.write(`  … and ${invalidLines.length - SHOWN_BAD_LINES} more\n`);
    io.stderr.write(`check: ${checked} checked${invalidLines.length > 0 ? `, ${invalidLines.length} invalid` : ''}\n`);
    return 0;
  } catch (error) {
    progress.end();
    return reportApiError(error, io, 'check');
  }
}

/** `bounce release EMAIL --reason TEXT [--json]`. */
export const releaseCommand = (api: ApiClient, email: string, reason: string, io: CommandIo, json = false): Promise<number> =>
  printAddress(api, 'release', 'DELETE', email, io, json, { reason });

interface ListItem {
  email: string;
  suppressed: boolean;
  status: string;
  reason: string;
  category: string | null;
  campaign: string | null;
  firstSeenAt: string;
  lastSeenAt: string;
}

export interface ExportOptions {
  /** `ses`: `email,BOUNCE|COMPLAINT` lines of suppressed addresses (SES import format); `full`: every column. */
  readonly format: 'ses' | 'full';
  readonly status?: string;
  readonly reason?: string;
  readonly campaign?: string;
  readonly since?: string;
}

/** `bounce export`: the list as CSV, page by page (streamed), progress on stderr. */
export async function exportCommand(api: ApiClient, options: ExportOptions, io: CommandIo): Promise<number> {
  const status = options.status ?? (options.format === 'ses' ? 'suppressed' : undefined);
  if (options.format === 'full')
    io.stdout.write(`${csvRow(['email', 'suppressed', 'status', 'reason', 'category', 'campaign', 'firstSeenAt', 'lastSeenAt'])}\n`);
  let nextToken: string | undefined;
  let exported = 0;
  const progress = new Progress(io.stderr, 'export', { unit: 'exported' });
  try {
    do {
      const page = await api.request<{ items: ListItem[]; nextToken?: string }>('GET', '/suppressions', {
        query: { status, reason: options.reason, campaign: options.campaign, since: options.since, limit: '1000', nextToken },
      });
      const rows = page.items.map((item) =>
        options.format === 'ses'
          ? csvRow([item.email, item.reason === 'complaint' ? 'COMPLAINT' : 'BOUNCE'])
          : [
              csvField(item.email),
              csvField(item.suppressed),
              csvField(item.status),
              csvField(item.reason),
              csvField(item.category),
              csvText(item.campaign),
              csvField(item.firstSeenAt),
              csvField(item.lastSeenAt),
            ].join(','),
      );
      if (rows.length > 0 && !io.stdout.write(`${rows.join('\n')}\n`)) await new Promise((resolve) => io.stdout.once('drain', resolve));
      exported += rows.length;
      progress.update(exported);
      nextToken = page.nextToken;
    } while (nextToken);
    progress.end();
    io.stderr.write(`export: ${exported} exported\n`);
    return 0;
  } catch (error) {
    progress.end();
    return reportApiError(error, io, 'export');
  }
}

/**
 * `bounce import FILE`: a CSV in the SES account-level suppression list
 * format (`email,BOUNCE|COMPLAINT`, header optional). Idempotent: addresses
 * already suppressed are left as they are.
 */
export async function importCommand(api: ApiClient, file: string, io: CommandIo): Promise<number> {
  if (!(await readable(file, io, 'import'))) return 1;
  const counts = { created: 0, existing: 0, invalid: 0, failed: 0 };
  let lineNumber = 0;
  const progress = new Progress(io.stderr, 'import', { unit: 'lines read' });
  const inFlight = new Set<Promise<void>>();
  const put = async (email: string, sesReason: 'BOUNCE' | 'COMPLAINT', line: number) => {
    try {
      const response = await api.call('PUT', `/suppressions/${encodeURIComponent(email)}`, {
        body: { reason: 'imported from an SES suppression list', sesReason },
      });
      if (response.status === 201) counts.created++;
      else counts.existing++;
    } catch (error) {
      counts.failed++;
      io.stderr.write(`line ${line}: ${terminalSafe((error as Error).message)}\n`);
    }
  };
  try {
    for await (const line of lines(file, io.stdin)) {
      lineNumber++;
      if (line.trim() === '') continue;
      const [rawEmail = '', rawReason = 'BOUNCE'] = parseCsvLine(line);
      if (lineNumber === 1 && isHeaderLine(line)) continue;
      const email = normaliseAddress(rawEmail);
      const reason = rawReason.toUpperCase();
      if (!isValidAddress(email) || (reason !== 'BOUNCE' && reason !== 'COMPLAINT')) {
        counts.invalid++;
        io.stderr.write(
          `line ${lineNumber}: skipped ` +
            `(${isValidAddress(email) ? `reason must be BOUNCE or COMPLAINT, not "${terminalSafe(rawReason)}"` : 'not a valid address'})\n`,
        );
        continue;
      }
      const task = put(email, reason, lineNumber).finally(() => inFlight.delete(task));
      inFlight.add(task);
      if (inFlight.size >= IMPORT_CONCURRENCY) await Promise.race(inFlight);
      progress.update(lineNumber);
    }
    await Promise.all(inFlight);
  } catch (error) {
    progress.end();
    return reportApiError(error, io, 'import');
  }
  progress.end();
  io.stderr.write(
    `import: ${counts.created} new, ${counts.existing} already on file, ${counts.invalid} invalid, ${counts.failed} failed\n`,
  );
  // Every row skipped as invalid is a file that is not an SES suppression list: nothing was imported, say so in the exit status.
  const allInvalid = counts.invalid > 0 && counts.created + counts.existing + counts.failed === 0;
  if (allInvalid) io.stderr.write('import: no line was an address with BOUNCE or COMPLAINT: nothing imported\n');
  return counts.failed > 0 || allInvalid ? 1 : 0;
}
