import { readFileSync } from 'node:fs';
import { classifyRecipient, parseNotification, recipientOutcomes } from '../shared/domain/index.js';

interface CorpusLine {
  recipient: string;
  status: string | null;
  diagnosticCode: string;
  bounceType: string;
  bounceSubType: string;
}

const root = new URL('../', import.meta.url);
const recipients = readFileSync(new URL('examples/recipients.jsonl', root), 'utf8')
  .trim()
  .split('\n')
  .map((line) => JSON.parse(line) as CorpusLine);
const template = JSON.parse(readFileSync(new URL('test/fixtures/corpus/notifications/event-bounce-permanent.json', root), 'utf8')) as {
  bounce: Record<string, unknown>;
  mail: Record<string, unknown>;
};

/** Each corpus line as the full SNS-wrapped notification the queue would carry. */
const payloads = recipients.map((r, i) => {
  const notification = {
    ...template,
    bounce: {
      ...template.bounce,
      feedbackId: `feedback-${i}`,
      bounceType: r.bounceType,
      bounceSubType: r.bounceSubType,
      bouncedRecipients: [{ emailAddress: r.recipient, action: 'failed', status: r.status, diagnosticCode: r.diagnosticCode }],
    },
    mail: { ...template.mail, destination: [r.recipient] },
  };
  return JSON.stringify({ Type: 'Notification', MessageId: `sns-${i}`, Message: JSON.stringify(notification) });
});

function time(label: string, rounds: number, body: () => number): { label: string; seconds: number; units: number } {
  body(); // warm-up
  const start = process.hrtime.bigint();
  let units = 0;
  for (let i = 0; i < rounds; i++) units += body();
  return { label, seconds: Number(process.hrtime.bigint() - start) / 1e9, units };
}

export function benchClassify(): void {
  const rounds = 400;
  let sink = 0;
  const jsonOnly = time('JSON.parse only', rounds, () => {
    for (const payload of payloads) {
      const envelope = JSON.parse(payload) as { Message: string };
      sink += (JSON.parse(envelope.Message) as object) ? 1 : 0;
    }
    return payloads.length;
  });
  const full = time('parse + classify', rounds, () => {
    let decisions = 0;
    for (const payload of payloads) {
      const result = parseNotification(payload);
      if (result.ok && result.value.kind === 'event') decisions += recipientOutcomes(result.value.event).length;
    }
    return decisions;
  });
  const classifyOnly = time('classifyRecipient only', rounds * 5, () => {
    for (const r of recipients) sink += classifyRecipient(r).suppress ? 1 : 0;
    return recipients.length;
  });
  const rate = (t: { seconds: number; units: number }) => Math.round(t.units / t.seconds);
  console.log('classifier (one core, corpus of %d SNS-wrapped bounce notifications)', payloads.length);
  console.log('  parse + classify:        %s decisions/s', rate(full).toLocaleString('en-US'));
  console.log('  classifyRecipient alone: %s decisions/s', rate(classifyOnly).toLocaleString('en-US'));
  console.log('  JSON.parse alone:        %s payloads/s', rate(jsonOnly).toLocaleString('en-US'));
  console.log('  ratio (parse + classify) / JSON.parse: %s (target < 3)', (full.seconds / jsonOnly.seconds).toFixed(2));
  if (sink < 0) console.log(sink);
}
