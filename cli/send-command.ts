import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { localErasureKey } from '../local/erasure-key.js';
import { localSesClients } from '../local/local-ses.js';
import {
  clientConfigFor,
  DEFAULT_DATA_DIR,
  readRuntimeFile,
  runtimeClock,
  tagNamesOf,
  whyNotRunning,
  type RuntimeFile,
} from '../local/runtime-file.js';
import { composeSend, documentClient } from '../shared/adapters/compose.js';
import { readOutbox } from '../local/outbox-file.js';
import { parseSendLine } from '../shared/adapters/inbound/send-request.js';
import { newSendScope, SEND_INVOCATION, type SendMessage } from '../shared/app/send.js';
import { jsonNestingReason } from '../shared/domain/index.js';
import type { CommandIo } from './suppression-commands.js';
import { cannotRead, unreadable } from './input-file.js';
import { Progress } from './progress.js';
import { join } from 'node:path';
import { RequestMeter } from '../shared/adapters/request-meter.js';
import { emptyMeter, mergeMeters } from '../shared/app/cost.js';
import { readMeterFile, writeMeterFile } from '../local/meter-file.js';
import { terminalSafe } from './terminal-text.js';

/** What this command's send path requests, added to the runtime's meter (bounce cost reads both). */
const SEND_METER_FILE = 'meter-send.json';

export interface SendCommandOptions {
  /** A JSON Lines file, or `-` for stdin. */
  readonly source: string;
  readonly dataDir?: string;
}

const tablesOf = (file: RuntimeFile) => ({ addressTable: file.tables.addresses, campaignTable: file.tables.campaigns });

async function runtimeOr(dataDir: string, io: CommandIo, command: string): Promise<RuntimeFile | null> {
  const file = await readRuntimeFile(dataDir);
  if (!file) io.stderr.write(`bounce ${command}: ${terminalSafe(await whyNotRunning(dataDir))}\n`);
  return file;
}

/**
 * `bounce send FILE|-`: each JSON line through the running runtime's send
 * path; one JSON line out per line, `{"to", "status": "sent"|"refused"|"error",
 * "messageId"?, "reason"?}` (see sendLines).
 */
export async function sendCommand(options: SendCommandOptions, io: CommandIo): Promise<number> {
  const dataDir = options.dataDir ?? DEFAULT_DATA_DIR;
  const unreadableInput = await unreadable(options.source);
  if (unreadableInput) {
    io.stderr.write(`bounce send: ${unreadableInput}\n`);
    return 1;
  }
  const file = await runtimeOr(dataDir, io, 'send');
  if (!file) return 1;
  const dynamo = new DynamoDBClient(clientConfigFor(file, 'dynamodb'));
  const meter = new RequestMeter();
  meter.attach(dynamo);
  // The runtime's tag names: classify reads the campaign from the tag the runtime was started with.
  // A runtime with the embedded SES (it has a viewer) takes templates on the SES v2 API.
  const ses = localSesClients(clientConfigFor(file, 'ses'), {
    embedded: file.sesViewerUrl !== null,
    tagNames: tagNamesOf(file),
    meter,
  });
  // The runtime's clock, which a restart does not run backwards (it may start ahead of real time).
  const clock = runtimeClock(file);
  const send = composeSend({
    dynamo: documentClient(dynamo),
    tables: tablesOf(file),
    ses: ses.input,
    clock,
    // The runtime's own key: the send path reads the tombstones of erased addresses.
    erasureKey: () => localErasureKey(file.dataDir),
  });
  const input = options.source === '-' ? io.stdin : createReadStream(options.source, 'utf8');
  try {
    return await sendLines(input, (request, now, scope) => meter.call('send', 1, () => send(request, now, scope)), clock, io);
  } catch (error) {
    const { path } = error as NodeJS.ErrnoException;
    io.stderr.write(`bounce send: ${terminalSafe(path ? cannotRead(path, error) : (error as Error).message)}\n`);
    return 1;
  } finally {
    dynamo.destroy();
    ses.destroy();
    await saveSendMeter(dataDir, meter, io);
  }
}

/** The value of a line's "to" when the line is a JSON object with a string there (for the answer of a refused line). */
function toOf(line: string): string | null {
  if (jsonNestingReason(line) !== null) return null;
  try {
    const value = (JSON.parse(line) as { to?: unknown } | null)?.to;
    return typeof value === 'string' ? value : null;
  } catch {
    return null;
  }
}

/**
 * Each line judged and sent alone: a line that is not a message is refused
 * with its line number, and a send whose outcome is unknown (SES or the store
 * failed) is answered `error` with its line number; the next lines still go.
 * Exit 0 when every line was sent or refused by the send path, 1 otherwise.
 * Only a failure to read the input itself throws.
 */
export async function sendLines(input: NodeJS.ReadableStream, send: SendMessage, clock: () => Date, io: CommandIo): Promise<number> {
  let lineNumber = 0;
  let invalid = 0;
  // Counts for the progress lines and the summary on stderr (stdout keeps one JSON line per message).
  const counts = { sent: 0, refused: 0, error: 0, notMessages: 0 };
  const progress = new Progress(io.stderr, 'send', { unit: 'messages' });
  // Lines go in groups of one send-function invocation, which share its reads (see SendScope).
  let scope = newSendScope();
  let inScope = 0;
  try {
    for await (const line of createInterface({ input, crlfDelay: Infinity })) {
      lineNumber++;
      if (line.trim() === '') continue;
      const parsed = parseSendLine(line);
      if (!parsed.ok) {
        invalid++;
        counts.refused++;
        counts.notMessages++;
        io.stdout.write(`${JSON.stringify({ to: toOf(line), status: 'refused', reason: `line ${lineNumber}: ${parsed.reason}` })}\n`);
        progress.update(counts.sent + counts.refused + counts.error);
        continue;
      }
      let answer: Record<string, unknown>;
      try {
        if (inScope === SEND_INVOCATION.maxMessages) [scope, inScope] = [newSendScope(), 0];
        inScope++;
        const result = await send(parsed.request, clock(), scope);
        answer =
          result.status === 'sent'
            ? { to: result.to, status: result.status, messageId: result.messageId }
            : { to: result.to, status: result.status, reason: result.reason };
        counts[result.status]++;
      } catch (error) {
        invalid++;
        counts.error++;
        answer = { to: parsed.request.to, status: 'error', reason: `line ${lineNumber}: outcome unknown: ${(error as Error).name}` };
      }
      io.stdout.write(`${JSON.stringify(answer)}\n`);
      progress.update(counts.sent + counts.refused + counts.error);
    }
  } finally {
    progress.end();
  }
  const notMessages = counts.notMessages > 0 ? ` (${counts.notMessages} not a message)` : '';
  io.stderr.write(`send: ${counts.sent} sent, ${counts.refused} refused${notMessages}, ${counts.error} errors\n`);
  return invalid === 0 ? 0 : 1;
}

/** Added to DIR/meter-send.json (read, added, renamed in place: sends that overlap may lose a count). */
async function saveSendMeter(dataDir: string, meter: RequestMeter, io: CommandIo): Promise<void> {
  const path = join(dataDir, SEND_METER_FILE);
  try {
    const saved = (await readMeterFile(path)) ?? emptyMeter(new Date().toISOString());
    await writeMeterFile(path, mergeMeters(saved, meter.snapshot()));
  } catch (error) {
    io.stderr.write(`bounce send: meter not saved: ${(error as Error).message}\n`);
  }
}

/** `bounce outbox [--json]`: what the local SES accepted, retries included, oldest first. */
export async function outboxCommand(options: { readonly dataDir?: string; readonly json: boolean }, io: CommandIo): Promise<number> {
  const dataDir = options.dataDir ?? DEFAULT_DATA_DIR;
  const file = await runtimeOr(dataDir, io, 'outbox');
  if (!file) return 1;
  try {
    const rows = await readOutbox(dataDir);
    if (options.json) {
      for (const row of rows) io.stdout.write(`${JSON.stringify(row)}\n`);
      return 0;
    }
    io.stdout.write(`${['sentAt'.padEnd(24), 'attempt', 'to'.padEnd(32), 'campaign'.padEnd(16), 'messageId (original)'].join('  ')}\n`);
    for (const row of rows) {
      const original = row.attempt === 0 ? '' : ` (${row.originalMessageId})`;
      io.stdout.write(
        terminalSafe(
          [
            row.sentAt.padEnd(24),
            String(row.attempt).padStart(7),
            row.to.padEnd(32),
            (row.campaign ?? '-').padEnd(16),
            `${row.messageId}${original}`,
          ].join('  '),
        ).concat('\n'),
      );
    }
    io.stdout.write(`${rows.length} message${rows.length === 1 ? '' : 's'} sent (${rows.filter((r) => r.attempt > 0).length} retries)\n`);
    return 0;
  } catch (error) {
    io.stderr.write(`bounce outbox: ${terminalSafe((error as Error).message)}\n`);
    return 1;
  }
}
