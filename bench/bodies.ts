import { documentClient } from '../shared/adapters/compose.js';
import { ensureTables } from '../shared/adapters/outbound/create-tables.js';
import { DynamoMessageStore } from '../shared/adapters/outbound/dynamo-retry-stores.js';
import { dynamoItemBytes, writeUnits } from '../shared/adapters/outbound/item-size.js';
import { outboundKey } from '../shared/adapters/outbound/tables.js';
import { silentLogger } from '../shared/app/ports.js';
import type { MessageContent } from '../shared/app/retry-ports.js';
import { createSendMessage } from '../shared/app/send.js';
import { RETRY_STATE_RETENTION_SECONDS } from '../shared/domain/index.js';
import { meterDynamo } from '../test/support/dynamo-meter.js';
import { startDynamo } from '../test/support/emulators.js';
import { fakeErasure } from '../test/support/erasure-fakes.js';
import { FakeAddresses } from '../test/support/fakes.js';
import { FakePauses, FakeSender } from '../test/support/retry-fakes.js';

const SENDS = 1000;
const WRITE_UNIT_DOLLARS = 0.625 / 1e6; // us-east-1 on-demand, per write request unit
const READ_UNIT_DOLLARS = 0.125 / 1e6;
const NOW = new Date('2026-11-20T12:00:00.000Z');

/** About 19 KB of campaign HTML, distinct per `seed` (the example body). */
const body = (seed: string): MessageContent => ({
  kind: 'simple',
  subject: 'Spring offers',
  html: `<html><body><p>${seed}</p>${'<p>Spring offers for you: see the shop this week.</p>'.repeat(355)}</body></html>`,
});

/** The message item the send path wrote before bodies were stored apart: the whole content in it. */
function itemBefore(messageId: string, content: MessageContent): Record<string, unknown> {
  return {
    ...outboundKey(messageId),
    messageId,
    to: 'reader000@example.org',
    from: 'news@mail.example.com',
    tags: { campaign: 'spring', batch: 'b1', source: 'web' },
    content,
    attempt: 0,
    originalMessageId: messageId,
    sentAt: NOW.toISOString(),
    expiresAt: Math.floor(NOW.getTime() / 1000) + RETRY_STATE_RETENTION_SECONDS,
  };
}

/**
 * The send path's writes per send, counted from the item sizes of the real adapter's puts on dynalite
 * (ceil(bytes / 1 KB) write units each): before (the whole content in every message item) and now (one
 * item per distinct message and container, nothing per send: the send names it in a tag), for 1,000
 * sends of one 19 KB body by 1 and 10 containers, and 1,000 sends of 1,000 distinct bodies (the worst case).
 */
export async function benchBodies(): Promise<void> {
  const dynamo = await startDynamo();
  const meter = meterDynamo(dynamo.client);
  const doc = documentClient(dynamo.client);
  const messageId = '0100019a9f8e7d6c-1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d-000000';
  const before = itemBefore(messageId, body('spring'));

  console.log('\nsend path: the stored message per send (1,000 sends, 19 KB HTML body; write units from item sizes):');
  console.log(
    `  before: one ${dynamoItemBytes(before).toLocaleString('en-US')}-byte item per send,` +
      ` ${writeUnits(before)} write units (issue: 19,325 bytes, 19 WCU)`,
  );
  console.log('  case                        body writes  per-send writes  write units  per send  body reads');
  let run = 0;
  const rows: [string, number, number][] = [];
  for (const [label, containers, distinct] of [
    ['one body, 1 container', 1, false],
    ['one body, 10 containers', 10, false],
    ['1,000 distinct bodies', 1, true],
  ] as const) {
    const tables = { addressTable: `bench-bodies-${++run}`, campaignTable: `bench-bodies-campaigns-${run}` };
    await ensureTables(dynamo.client, tables);
    meter.clear();
    const sends = Array.from({ length: containers }, () => {
      const addresses = new FakeAddresses();
      return createSendMessage({
        addresses,
        erasure: fakeErasure(addresses),
        pauses: new FakePauses(),
        sender: new FakeSender(),
        messages: new DynamoMessageStore(doc, tables.addressTable, () => NOW),
        logger: silentLogger,
      });
    });
    for (let i = 0; i < SENDS; i++) {
      const send = sends[i % containers];
      if (!send) throw new Error('no container');
      const content = body(distinct ? `reader ${i}` : 'spring');
      const result = await send(
        { to: `reader${i}@example.org`, from: 'news@mail.example.com', content, tags: { campaign: 'spring', batch: 'b1', source: 'web' } },
        NOW,
      );
      if (result.status !== 'sent' || !result.retriable) throw new Error('bench send not kept');
    }
    const units = (prefix: string) =>
      meter.puts.filter((p) => p.pk.startsWith(prefix)).reduce((sum, p) => sum + Math.max(1, Math.ceil(p.bytes / 1024)), 0);
    const bodyWrites = meter.puts.filter((p) => p.pk.startsWith('BODY#')).length;
    const perSendWrites = meter.puts.filter((p) => !p.pk.startsWith('BODY#')).length;
    const total = units('BODY#') + units('MSG#');
    const reads = meter.gets.get('BODY#') ?? 0;
    rows.push([label, total / SENDS, reads / SENDS]);
    console.log(
      `  ${label.padEnd(26)}  ${String(bodyWrites).padStart(11)}  ${String(perSendWrites).padStart(15)}` +
        `  ${String(total).padStart(11)}  ${(total / SENDS).toFixed(3).padStart(8)}  ${String(reads).padStart(10)}`,
    );
  }
  const perMonth = (unitsPerSend: number, readsPerSend = 0) =>
    (30 * 1e6 * (unitsPerSend * WRITE_UNIT_DOLLARS + readsPerSend * 2.5 * READ_UNIT_DOLLARS)).toFixed(0);
  console.log(
    `  target: one write per distinct body per container, none per send (before: ${writeUnits(before)} write units a send).` +
      ` Writes at 1 M sends a day: before $${perMonth(writeUnits(before))} a month,` +
      ` after $${perMonth(rows[0]?.[1] ?? 0, rows[0]?.[2])} (one campaign body),` +
      ` $${perMonth(rows[2]?.[1] ?? 0, rows[2]?.[2])} (every body distinct;` +
      ' each first send of a body also reads its expiry, 2.5 read units)',
  );
  await dynamo.stop();
}
