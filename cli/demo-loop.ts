import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { WorldEntry, WorldResponse } from '../local/mailbox-world.js';
import { clientConfigFor } from '../local/runtime-file.js';
import { startRuntime } from '../local/runtime.js';
import { silentLogger } from '../shared/app/ports.js';
import type { SendResult } from '../shared/app/send.js';
import { documentClient } from '../shared/adapters/compose.js';
import { generateCampaign } from './demo-command.js';
import type { CommandIo } from './suppression-commands.js';

type Recipient = ReturnType<typeof generateCampaign>[number];

/**
 * The mailbox behind each recipient of the demo campaign: delivered, dead,
 * complaining, blocked, or temporarily failing — once then delivered on the
 * retry, or (`repeats`) on every send of the 72-hour window.
 */
export function worldOf(recipients: readonly Recipient[]): WorldEntry[] {
  return recipients.flatMap((recipient): WorldEntry[] => {
    const { outcome } = recipient;
    if (outcome.kind === 'delivered') return [];
    if (outcome.kind === 'complaint') return [{ address: recipient.email, responses: [{ complaint: true }] }];
    const bounce: WorldResponse = {
      bounce: { bounceType: outcome.type, bounceSubType: outcome.subType, status: outcome.status, diagnosticCode: outcome.diagnostic },
    };
    if (outcome.type === 'Permanent') return [{ address: recipient.email, responses: [bounce] }];
    return [{ address: recipient.email, responses: (outcome.repeats ?? 1) > 1 ? [bounce] : [bounce, { deliver: true }] }];
  });
}

export interface DemoLoopOptions {
  readonly recipients: number;
  readonly seed?: number;
  /** @default 3600: 72 h of retries in about 72 s */
  readonly timeScale?: number;
  /** Give up waiting after this many real seconds. @default 600 */
  readonly maxSeconds?: number;
}

const OPEN = new Set(['scheduled', 'sending']);

/**
 * `bounce demo --loop`: the closed loop on a throwaway runtime. The demo
 * campaign goes through the send path into a mailbox world generated from it
 * (dead, full, busy, blocked and complaining mailboxes, a stale import
 * batch); the clock runs `timeScale` times faster; when no retry is left
 * pending, the report shows the sends, the retries made and what they
 * achieved, and the do-not-mail list.
 */
export async function demoLoopCommand(options: DemoLoopOptions, io: CommandIo): Promise<number> {
  const recipients = generateCampaign(options.recipients, options.seed ?? 2026);
  const timeScale = options.timeScale ?? 3600;
  const scratch = await mkdtemp(join(tmpdir(), 'bounce-demo-loop-'));
  const runtime = await startRuntime({
    port: 0,
    dataDir: scratch,
    memory: true,
    timeScale,
    world: worldOf(recipients),
    healthEverySeconds: 0,
    logger: silentLogger,
  });
  const dynamo = new DynamoDBClient(clientConfigFor(runtime.file, 'dynamodb'));
  const doc = documentClient(dynamo);
  const scanAll = async (prefix: string) => {
    const items: Record<string, unknown>[] = [];
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await doc.send(
        new ScanCommand({
          TableName: runtime.file.tables.addresses,
          FilterExpression: 'begins_with(sk, :p) OR begins_with(pk, :p)',
          ExpressionAttributeValues: { ':p': prefix },
          ExclusiveStartKey,
        }),
      );
      items.push(...(page.Items ?? []));
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return items;
  };
  try {
    const campaign = 'demo-loop';
    const started = Date.now();
    io.stderr.write(`campaign ${campaign}: ${recipients.length} recipients through the send path (clock ${timeScale}x)\n`);
    const results: SendResult[] = [];
    // A few sends at a time, as a sender would.
    for (let i = 0; i < recipients.length; i += 16) {
      const chunk = recipients.slice(i, i + 16);
      results.push(
        ...(await Promise.all(
          chunk.map((r) =>
            runtime.send({
              to: r.email,
              from: 'News <news@mail.example.com>',
              content: { kind: 'simple', subject: 'November offers', text: 'Hello from the demo.' },
              tags: { campaign, batch: r.batch, source: r.source },
            }),
          ),
        )),
      );
    }
    io.stderr.write(`sent ${results.filter((r) => r.status === 'sent').length}; waiting for bounces and retries…\n`);
    const deadline = Date.now() + (options.maxSeconds ?? 600) * 1000;
    let idle = 0;
    while (idle < 3) {
      await runtime.drain();
      const open = (await scanAll('RETRY#')).filter((item) => OPEN.has(String(item.status))).length;
      idle = open === 0 ? idle + 1 : 0;
      if (Date.now() > deadline) {
        io.stderr.write(`bounce demo: ${open} retries still pending after ${options.maxSeconds ?? 600} s; reporting what is done\n`);
        break;
      }
      if (open > 0) await new Promise((resolve) => setTimeout(resolve, 500));
    }

    const retryStates = await scanAll('RETRY#');
    const sent = await scanAll('MSG#');
    const retriesMade = sent.filter((m) => Number(m.attempt) > 0).length;
    const byStatus = new Map<string, number>();
    for (const state of retryStates) {
      const key = `${String(state.status)}${state.reason ? ` (${String(state.reason)})` : ''}`;
      byStatus.set(key, (byStatus.get(key) ?? 0) + 1);
    }
    const addresses = (await scanAll('STATE')).filter((item) => item.sk === 'STATE');
    const doNotMail = new Map<string, number>();
    for (const item of addresses) {
      const key = `${String(item.status)} / ${String(item.reason)}`;
      doNotMail.set(key, (doNotMail.get(key) ?? 0) + 1);
    }
    const refused = results.filter((r) => r.status === 'refused').length;
    const lines = [
      '',
      `Closed loop: ${recipients.length} recipients, ` +
        `${results.length - refused} sent, ${refused} refused, in ` +
        `${((Date.now() - started) / 1000).toFixed(1)} s real`,
      `  ` +
        `(${((Date.now() - started) / 1000 / 3600) * timeScale > 1 ? (((Date.now() - started) / 3600_000) * timeScale).toFixed(1) : '<1'}` +
        ` h on the demo clock)`,
      '',
      `Retries: ${retryStates.length} messages were decided "retry"; ${retriesMade} retries sent. Where they ended:`,
      ...[...byStatus.entries()].sort((a, b) => b[1] - a[1]).map(([why, n]) => `  ${String(n).padStart(6)}  ${why}`),
      '  (delivered: a retry got through; gave-up: retries exhausted, address held for review;',
      '   skipped: the address was suppressed or held before the attempt was due)',
      '',
      'Do-not-mail list (status / reason):',
      ...[...doNotMail.entries()].sort((a, b) => b[1] - a[1]).map(([why, n]) => `  ${String(n).padStart(6)}  ${why}`),
      '',
    ];
    io.stdout.write(lines.join('\n'));
    return 0;
  } catch (error) {
    io.stderr.write(`bounce demo: ${(error as Error).message}\n`);
    return 1;
  } finally {
    dynamo.destroy();
    await runtime.stop(2);
    await rm(scratch, { recursive: true, force: true });
  }
}
