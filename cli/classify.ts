import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type * as Zod from 'zod';
import type { Readable, Writable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import {
  classifyRecipient,
  DEFAULT_TAG_NAMES,
  isValidAddress,
  normaliseAddress,
  parseNotification,
  recipientOutcomes,
  type Decision,
  type TagNames,
} from '../shared/domain/index.js';
import { cannotRead } from './input-file.js';
import { terminalSafe } from './terminal-text.js';

/** One output line per recipient decision: the `bounce classify` contract. */
export interface DecisionLine {
  readonly id: string | number | null;
  readonly eventType: string;
  readonly recipient: string;
  readonly addressValid: boolean;
  readonly category: string;
  readonly action: string;
  readonly suppress: boolean;
  readonly retryAfterSeconds: number | null;
  readonly rule: string;
  readonly provider: string;
  readonly smtpCode: number | null;
  readonly enhancedCode: string | null;
  readonly failureClass: string;
  readonly messageId: string | null;
  readonly campaign: string | null;
}

export type LineResult =
  { readonly ok: true; readonly decisions: DecisionLine[] } | { readonly ok: false; readonly id?: string | number; readonly error: string };

/** What a recipient line holds; the schema names what is wrong with one that does not. */
interface RecipientLine {
  readonly id?: string | number | undefined;
  readonly recipient: string;
  readonly status?: string | null | undefined;
  readonly diagnosticCode?: string | null | undefined;
  readonly bounceType?: string | null | undefined;
  readonly bounceSubType?: string | null | undefined;
}

const isOptionalText = (value: unknown): boolean => value === undefined || value === null || typeof value === 'string';

/** The check the schema below makes, by hand: the schema library is loaded only to explain a bad line. */
export function isValidRecipientLine(value: Record<string, unknown>): value is Record<string, unknown> & RecipientLine {
  const id = value.id;
  return (
    (id === undefined || typeof id === 'string' || (typeof id === 'number' && Number.isFinite(id))) &&
    typeof value.recipient === 'string' &&
    value.recipient.length > 0 &&
    isOptionalText(value.status) &&
    isOptionalText(value.diagnosticCode) &&
    isOptionalText(value.bounceType) &&
    isOptionalText(value.bounceSubType)
  );
}

/** The recipient line schema, built on first use (loading zod costs more than classifying thousands of lines). */
export function recipientLineSchema() {
  const { z } = createRequire(import.meta.url)('zod') as typeof Zod;
  return z.object({
    id: z.union([z.string(), z.number()]).optional(),
    recipient: z.string().min(1),
    status: z.string().nullish(),
    diagnosticCode: z.string().nullish(),
    bounceType: z.string().nullish(),
    bounceSubType: z.string().nullish(),
  });
}

function lineOf(
  id: string | number | null,
  eventType: string,
  recipient: string,
  addressValid: boolean,
  decision: Decision,
  messageId: string | null,
  campaign: string | null,
): DecisionLine {
  return {
    id,
    eventType,
    recipient,
    addressValid,
    category: decision.category,
    action: decision.action,
    suppress: decision.suppress,
    retryAfterSeconds: decision.retryAfterSeconds,
    rule: decision.rule,
    provider: decision.provider,
    smtpCode: decision.smtpCode,
    enhancedCode: decision.enhancedCode,
    failureClass: decision.failureClass,
    messageId,
    campaign,
  };
}

/** Whether JSON.stringify writes the string unchanged between quotes: no quote, backslash, control character or surrogate. */
function isPlainJsonString(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x20 || c === 0x22 || c === 0x5c || (c >= 0xd800 && c <= 0xdfff)) return false;
  }
  return true;
}

/** A value as JSON; null for null (DecisionLine has no optional fields). */
function json(value: string | number | boolean | null): string {
  if (typeof value === 'string') return isPlainJsonString(value) ? `"${value}"` : JSON.stringify(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return value === null ? 'null' : JSON.stringify(value);
}

/**
 * The JSON of strings from small sets (categories, actions, rules, providers,
 * codes, campaign names), kept: the same few values recur on every line.
 * Bounded in entries and in the length of what it keeps.
 */
const knownWords = new Map<string, string>();
const KNOWN_WORDS_LIMIT = 4096;
const KNOWN_WORD_MAX_LENGTH = 128;

function word(value: string | null): string {
  if (value === null) return 'null';
  let quoted = knownWords.get(value);
  if (quoted === undefined) {
    quoted = json(value);
    if (knownWords.size < KNOWN_WORDS_LIMIT && value.length <= KNOWN_WORD_MAX_LENGTH) knownWords.set(value, quoted);
  }
  return quoted;
}

/**
 * One decision line as JSON, keys in DecisionLine's order: the same text as
 * `JSON.stringify(line)` (a test checks it), about a quarter of its CPU time.
 */
export function decisionLineJson(line: DecisionLine): string {
  return (
    `{"id":${json(line.id)},"eventType":${word(line.eventType)},"recipient":${json(line.recipient)},` +
    `"addressValid":${json(line.addressValid)},"category":${word(line.category)},"action":${word(line.action)},` +
    `"suppress":${json(line.suppress)},"retryAfterSeconds":${json(line.retryAfterSeconds)},"rule":${word(line.rule)},` +
    `"provider":${word(line.provider)},"smtpCode":${json(line.smtpCode)},"enhancedCode":${word(line.enhancedCode)},` +
    `"failureClass":${word(line.failureClass)},"messageId":${json(line.messageId)},"campaign":${word(line.campaign)}}`
  );
}

function isRecipientLine(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    'recipient' in value &&
    !('eventType' in value) &&
    !('notificationType' in value) &&
    !('Type' in value)
  );
}

function idOf(value: unknown): string | number | undefined {
  if (typeof value !== 'object' || value === null || !('id' in value)) return undefined;
  const id = (value as { id: unknown }).id;
  return typeof id === 'string' || typeof id === 'number' ? id : undefined;
}

/** Classify one input value: an SES notification in any shape, or a recipient line. */
export function classifyValue(value: unknown, tagNames: TagNames = DEFAULT_TAG_NAMES): LineResult {
  const id = idOf(value);
  if (isRecipientLine(value)) {
    if (!isValidRecipientLine(value)) {
      const issue = recipientLineSchema().safeParse(value).error?.issues[0];
      return {
        ok: false,
        ...(id === undefined ? {} : { id }),
        error: `invalid recipient line: ${issue?.path.join('.') ?? ''} ${issue?.message ?? ''}`.trim(),
      };
    }
    const recipient = normaliseAddress(value.recipient);
    return {
      ok: true,
      decisions: [lineOf(id ?? null, 'Bounce', recipient, isValidAddress(recipient), classifyRecipient(value), null, null)],
    };
  }
  const parsed = parseNotification(value);
  if (!parsed.ok) return { ok: false, ...(id === undefined ? {} : { id }), error: parsed.error.reason };
  if (parsed.value.kind === 'ignored') return { ok: true, decisions: [] };
  return {
    ok: true,
    decisions: recipientOutcomes(parsed.value.event, tagNames).map((outcome) =>
      lineOf(
        id ?? null,
        outcome.eventType,
        outcome.recipient,
        outcome.addressValid,
        outcome.decision,
        outcome.messageId,
        outcome.tags.campaign,
      ),
    ),
  };
}

/** Classify one line of text; a line that is not JSON is an error result, never an exception. */
export function classifyText(text: string, tagNames: TagNames = DEFAULT_TAG_NAMES): LineResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, error: `not valid JSON (${(error as Error).message})` };
  }
  return classifyValue(value, tagNames);
}

export interface ClassifyIo {
  readonly stdin: Readable;
  readonly stdout: Writable;
  readonly stderr: Writable;
}

export interface ClassifyOptions {
  readonly files: readonly string[];
  readonly summary: boolean;
  readonly tagNames?: TagNames;
}

/** Characters per write to the output. */
const WRITE_SIZE = 1 << 16;

/** Buffered writer that respects back-pressure, so large inputs stream in bounded memory. */
class LineWriter {
  private buffer = '';
  constructor(private readonly out: Writable) {}
  /** Buffers the line; returns a promise only when the buffer was flushed and the stream asked to wait. */
  write(line: string): Promise<void> | undefined {
    // One string per write: appending is cheaper than joining an array of lines.
    this.buffer += `${line}\n`;
    return this.buffer.length >= WRITE_SIZE ? this.flush() : undefined;
  }
  async flush(): Promise<void> {
    if (this.buffer.length === 0) return;
    const chunk = this.buffer;
    this.buffer = '';
    if (!this.out.write(chunk)) await new Promise<void>((resolve) => this.out.once('drain', resolve));
  }
}

class Summary {
  readonly byCategory = new Map<string, number>();
  readonly byAction = new Map<string, number>();
  errors = 0;
  add(line: DecisionLine): void {
    this.byCategory.set(line.category, (this.byCategory.get(line.category) ?? 0) + 1);
    this.byAction.set(line.action, (this.byAction.get(line.action) ?? 0) + 1);
  }
  render(): string {
    const rows = (counts: Map<string, number>): string =>
      [...counts.entries()]
        .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
        .map(([name, count]) => `  ${name.padEnd(26)} ${count}`)
        .join('\n');
    const total = [...this.byAction.values()].reduce((a, b) => a + b, 0);
    return `decisions: ${total}, bad lines: ${this.errors}\nby category:\n${rows(this.byCategory)}\nby action:\n${rows(this.byAction)}\n`;
  }
}

/**
 * Splits text into lines as `readline` does with `crlfDelay: Infinity`: at
 * `\n`, `\r\n` and a lone `\r`; a last line without a break is a line, an
 * empty rest after the last break is not. Whole chunks in, whole lines out,
 * so a large input costs one await per chunk rather than one per line.
 */
export class LineSplitter {
  private rest = '';

  /** The lines a chunk completes (a `\r` at its end waits: a `\n` may follow in the next chunk). */
  push(chunk: string): string[] {
    // readline forgets a pending `\r` at an empty chunk: a `\n` after it is a line break of its own.
    if (chunk === '' && this.rest.endsWith('\r')) {
      const line = this.rest.slice(0, -1);
      this.rest = '';
      return [line];
    }
    const text = this.rest + chunk;
    const lines: string[] = [];
    let from = 0;
    if (!text.includes('\r')) {
      for (let newline = text.indexOf('\n'); newline !== -1; newline = text.indexOf('\n', from)) {
        lines.push(text.slice(from, newline));
        from = newline + 1;
      }
    } else {
      for (let i = 0; i < text.length; i++) {
        const c = text.charCodeAt(i);
        if (c === 10) {
          lines.push(text.slice(from, i));
          from = i + 1;
        } else if (c === 13) {
          if (i === text.length - 1) break;
          lines.push(text.slice(from, i));
          if (text.charCodeAt(i + 1) === 10) i++;
          from = i + 1;
        }
      }
    }
    this.rest = text.slice(from);
    return lines;
  }

  /** The last line, when the input did not end with a break. */
  end(): string[] {
    const rest = this.rest;
    this.rest = '';
    if (rest === '') return [];
    return [rest.endsWith('\r') ? rest.slice(0, -1) : rest];
  }
}

/** Bytes per read of an input file. */
const READ_SIZE = 1 << 16;

/** Lines of one input in batches (one per chunk read), in order. */
async function* lineBatchesOf(source: string, stdin: Readable): AsyncGenerator<readonly string[]> {
  if (source !== '-' && source.endsWith('.json')) {
    // A `.json` file holds one document (possibly pretty-printed) or an array of them.
    const text = await readFile(source, 'utf8');
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      yield [text.replace(/\s*\n\s*/g, ' ')]; // reported as one bad line, like any other
      return;
    }
    yield (Array.isArray(value) ? value : [value]).map((item) => JSON.stringify(item));
    return;
  }
  // Buffers of 64 KiB, decoded here: larger reads allocate each chunk afresh (it showed as system time).
  const input = source === '-' ? stdin : createReadStream(source, { highWaterMark: READ_SIZE });
  const splitter = new LineSplitter();
  const decoder = new StringDecoder('utf8');
  for await (const chunk of input as AsyncIterable<string | Buffer>) {
    const lines = splitter.push(typeof chunk === 'string' ? chunk : decoder.write(chunk));
    if (lines.length > 0) yield lines;
  }
  const last = splitter.push(decoder.end());
  last.push(...splitter.end());
  if (last.length > 0) yield last;
}

/**
 * `bounce classify [FILE...]`: JSON Lines in (files or stdin), one decision
 * line per recipient out, in input order. Returns the exit code: 0 when all
 * input was read (bad lines included), 1 when a file could not be read.
 */
export async function runClassify(options: ClassifyOptions, io: ClassifyIo): Promise<number> {
  const writer = new LineWriter(io.stdout);
  const summary = new Summary();
  let exitCode = 0;
  const sources = options.files.length > 0 ? options.files : ['-'];
  for (const source of sources) {
    let lineNumber = 0;
    try {
      for await (const batch of lineBatchesOf(source, io.stdin)) {
        for (const text of batch) {
          lineNumber++;
          if (text.trim() === '') continue;
          const result = classifyText(text, options.tagNames);
          if (result.ok) {
            for (const decision of result.decisions) {
              if (options.summary) summary.add(decision);
              const flushed = writer.write(decisionLineJson(decision));
              if (flushed) await flushed;
            }
            continue;
          }
          summary.errors++;
          const where = source === '-' ? {} : { file: source };
          await writer.write(
            JSON.stringify({ line: lineNumber, ...where, ...(result.id === undefined ? {} : { id: result.id }), error: result.error }),
          );
          io.stderr.write(`bounce classify: ${terminalSafe(`${source === '-' ? 'stdin' : source}:${lineNumber}: ${result.error}`)}\n`);
        }
      }
    } catch (error) {
      io.stderr.write(`bounce classify: ${terminalSafe(cannotRead(source, error))}\n`);
      exitCode = 1;
    }
  }
  await writer.flush();
  if (options.summary) io.stderr.write(summary.render());
  return exitCode;
}
