import { readFileSync } from 'node:fs';
import { classifyRecipient } from '../shared/domain/index.js';

/*
 * Streams of SNS-wrapped SES bounce notifications for the speed benchmarks,
 * built from the example recipients (72 real-world diagnostics of the big
 * providers and the common MTAs), one recipient per notification.
 *
 * How often a diagnostic text repeats decides what a cache of verdicts by
 * text is worth, so the streams say it:
 * - `realistic`: what real servers make unique per message is unique per
 *   notification (Gmail's and Microsoft's session ids, queue ids, host names
 *   with numbers, the quoted recipient address); the rest of each text repeats.
 *   27 of the 72 texts carry such a token, so most of those are never seen twice.
 * - `distinct`: as realistic, and every other text gets a unique reference
 *   too: no diagnostic occurs twice, the cache never hits.
 * - `repeated`: the 72 texts as written, over and over: the cache's best case
 *   (an upper bound, not a real stream).
 * Each changed text is checked to get the same verdict as the written one.
 */
export type Repetition = 'realistic' | 'distinct' | 'repeated';

export interface BounceStream {
  readonly payloads: readonly string[];
  readonly distinctDiagnostics: number;
}

interface ExampleRecipient {
  readonly recipient: string;
  readonly status: string | null;
  readonly diagnosticCode: string;
  readonly bounceType: string;
  readonly bounceSubType: string;
}

const root = new URL('../', import.meta.url);
const examples = readFileSync(new URL('examples/recipients.jsonl', root), 'utf8')
  .trim()
  .split('\n')
  .map((line) => JSON.parse(line) as ExampleRecipient);
const template = JSON.parse(readFileSync(new URL('test/fixtures/corpus/notifications/event-bounce-permanent.json', root), 'utf8')) as {
  bounce: Record<string, unknown>;
  mail: Record<string, unknown>;
};

/** A token a server makes per message: 12+ word characters with at least two digits and two letters (not a `554-` reply prefix). */
const PER_MESSAGE_TOKEN = /(?<![\w.-])(?!\d{3}-)(?=(?:[\w.-]*\d){2})(?=(?:[\w.-]*[a-z]){2})[\w.-]{12,}/gi;

/** A small seeded generator, so every run builds the same streams. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The same token with the letters and digits of its parts that hold a digit redrawn (`outlook.com` stays). */
function redraw(token: string, next: () => number): string {
  return token.replace(/[a-z0-9]*\d[a-z0-9]*/gi, (part) => redrawPart(part, next));
}

function redrawPart(part: string, next: () => number): string {
  let result = '';
  for (const c of part) {
    if (c >= '0' && c <= '9') result += String(Math.floor(next() * 10));
    else if (c >= 'a' && c <= 'z') result += String.fromCharCode(97 + Math.floor(next() * 26));
    else if (c >= 'A' && c <= 'Z') result += String.fromCharCode(65 + Math.floor(next() * 26));
    else result += c;
  }
  return result;
}

function verdictOfExample(example: ExampleRecipient, recipient: string, diagnosticCode: string): string {
  const decision = classifyRecipient({ ...example, recipient, diagnosticCode }, false);
  return `${decision.rule} ${decision.category} ${decision.provider} ${String(decision.smtpCode)} ${String(decision.enhancedCode)}`;
}

/** A reference number in a text: at its end, or before its last ` (` (a trailing `(BL)` is a marker). */
function place(text: string, reference: string, beforeParenthesis: boolean): string {
  const at = text.lastIndexOf(' (');
  return beforeParenthesis && at > 0 ? `${text.slice(0, at)}${reference}${text.slice(at)}` : `${text}${reference}`;
}

export function bounceStream(count: number, repetition: Repetition): BounceStream {
  const next = random(repetition === 'realistic' ? 1 : 2);
  const payloads: string[] = [];
  const diagnostics = new Set<string>();
  const placeBeforeParenthesis = new Map<number, boolean>();
  const expectedVerdicts = examples.map((example) => verdictOfExample(example, example.recipient, example.diagnosticCode));
  for (let i = 0; i < count; i++) {
    const index = i % examples.length;
    const example = examples[index] as ExampleRecipient;
    const recipient = `u${i}.${example.recipient}`;
    let diagnosticCode = example.diagnosticCode;
    if (repetition !== 'repeated') {
      diagnosticCode = diagnosticCode
        .split(example.recipient)
        .join(recipient)
        .replace(PER_MESSAGE_TOKEN, (token) => redraw(token, next));
    }
    if (repetition === 'distinct' && diagnostics.has(diagnosticCode)) {
      const reference = ` (ref ${i})`;
      let beforeParenthesis = placeBeforeParenthesis.get(index);
      if (beforeParenthesis === undefined) {
        // The first placement that keeps the verdict (checked below like every changed text).
        const expected = verdictOfExample(example, recipient, diagnosticCode);
        beforeParenthesis = verdictOfExample(example, recipient, place(diagnosticCode, reference, false)) !== expected;
        placeBeforeParenthesis.set(index, beforeParenthesis);
      }
      diagnosticCode = place(diagnosticCode, reference, beforeParenthesis);
    }
    if (verdictOfExample(example, recipient, diagnosticCode) !== (expectedVerdicts[index] as string)) {
      throw new Error(`bench stream: the ${repetition} variant of example ${index} changes its verdict: ${diagnosticCode}`);
    }
    diagnostics.add(diagnosticCode);
    const message = {
      ...template,
      bounce: {
        ...template.bounce,
        feedbackId: `feedback-${i}`,
        bounceType: example.bounceType,
        bounceSubType: example.bounceSubType,
        bouncedRecipients: [{ emailAddress: recipient, action: 'failed', status: example.status, diagnosticCode }],
      },
      mail: { ...template.mail, messageId: `message-${i}`, destination: [recipient] },
    };
    payloads.push(JSON.stringify({ Type: 'Notification', MessageId: `sns-${i}`, Message: JSON.stringify(message) }));
  }
  return { payloads, distinctDiagnostics: diagnostics.size };
}
