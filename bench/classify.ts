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

/** Median rate over several interleaved rounds: steadier than one long run on a busy machine. */
function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

/** Units per second of wall time and per second of this process's CPU time (steadier on a shared machine). */
function rate(body: () => number, repeat: number): { wall: number; cpu: number } {
  const start = process.hrtime.bigint();
  const cpuStart = process.cpuUsage();
  let units = 0;
  for (let i = 0; i < repeat; i++) units += body();
  const cpu = process.cpuUsage(cpuStart);
  return { wall: units / (Number(process.hrtime.bigint() - start) / 1e9), cpu: units / ((cpu.user + cpu.system) / 1e6) };
}

export function benchClassify(): void {
  let sink = 0;
  const jsonOnly = () => {
    for (const payload of payloads) {
      const envelope = JSON.parse(payload) as { Message: string };
      sink += (JSON.parse(envelope.Message) as object) ? 1 : 0;
    }
    return payloads.length;
  };
  const parseAndClassify = () => {
    let decisions = 0;
    for (const payload of payloads) {
      const result = parseNotification(payload);
      if (result.ok && result.value.kind === 'event') decisions += recipientOutcomes(result.value.event).length;
    }
    return decisions;
  };
  const classifyOnly = () => {
    for (const r of recipients) sink += classifyRecipient(r).suppress ? 1 : 0;
    return recipients.length;
  };
  // Warm up every path, then alternate them so machine noise hits all alike.
  for (let i = 0; i < 50; i++) sink += jsonOnly() + parseAndClassify() + classifyOnly();
  const rounds = { json: [] as number[], full: [] as number[], fullCpu: [] as number[], classify: [] as number[], ratio: [] as number[] };
  for (let round = 0; round < 15; round++) {
    const json = rate(jsonOnly, 40);
    const full = rate(parseAndClassify, 40);
    rounds.json.push(json.cpu);
    rounds.full.push(full.wall);
    rounds.fullCpu.push(full.cpu);
    rounds.ratio.push(json.cpu / full.cpu);
    rounds.classify.push(rate(classifyOnly, 100).cpu);
  }
  const fmt = (value: number) => Math.round(value).toLocaleString('en-US');
  console.log('\nclassifier in process (one core, %d SNS-wrapped bounce notifications, median of 15 rounds)', payloads.length);
  console.log(
    '  parse + classify:        %s decisions/s wall, %s per CPU second (target >= 100,000)',
    fmt(median(rounds.full)),
    fmt(median(rounds.fullCpu)),
  );
  console.log('  classifyRecipient alone: %s decisions per CPU second', fmt(median(rounds.classify)));
  console.log('  JSON.parse alone:        %s payloads per CPU second', fmt(median(rounds.json)));
  console.log('  ratio (parse + classify) / JSON.parse: %s', median(rounds.ratio).toFixed(2));
  if (sink < 0) console.log(sink);
}
