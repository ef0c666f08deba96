import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { check, lookup, release } from '../../shared/app/suppressions.js';
import { composeSuppressions } from '../../shared/adapters/compose.js';
import { bounceFor, complaintFor, sqsEvent } from '../support/batches.js';
import { startDynamo, type Dynamo } from '../support/emulators.js';
import { pipelineOn, type PipelineUnderTest } from '../support/pipeline.js';
import { TEST_ERASURE_KEY } from '../support/erasure-fakes.js';

let dynamo: Dynamo;
beforeAll(async () => {
  dynamo = await startDynamo();
});
afterAll(async () => {
  await dynamo?.stop();
});

type Item = Record<string, unknown>;

/** Two (or more) instances of the classify function on the same tables, as SQS/SNS duplicates reach them. */
async function instances(count: number): Promise<PipelineUnderTest[]> {
  const first = await pipelineOn(dynamo.client);
  const tables = { addressTable: first.addressTable, campaignTable: first.campaignTable };
  const others = await Promise.all(Array.from({ length: count - 1 }, () => pipelineOn(dynamo.client, { tables })));
  return [first, ...others];
}

/**
 * Every change of a record has exactly one history entry: the entries' event ids are the
 * record's applied events, and those that are events about the address (not a person's release
 * or suppression) number the record's count.
 */
async function expectStateAndHistoryAgree(pipeline: PipelineUnderTest, email: string): Promise<Item> {
  const items = await pipeline.addressItems(email);
  const state = items.find((item) => item.sk === 'STATE');
  const history = items.filter((item) => String(item.sk).startsWith('HIST#'));
  expect(state, email).toBeDefined();
  expect(history.map((h) => h.eventId).sort(), email).toEqual([...((state?.appliedEventIds as string[]) ?? [])].sort());
  expect(
    history.filter((h) => h.signal !== 'release' && h.signal !== 'manual-suppress'),
    email,
  ).toHaveLength(Number(state?.count));
  return state as Item;
}

const hardBounce = (i: number) =>
  JSON.stringify(
    bounceFor(`gone${i}@example.org`, { feedbackId: `hard-${i}`, status: '5.1.1', diagnosticCode: 'smtp; 550 5.1.1 user unknown' }),
  );

describe('concurrent instances on the same records', () => {
  it('keep state and history in agreement for every address, run after run', async () => {
    const bodies = Array.from({ length: 50 }, (_, i) => hardBounce(i));
    for (let round = 0; round < 3; round++) {
      const pipelines = await instances(3);
      // The same records, each instance in its own order, all at once.
      const results = await Promise.all(
        pipelines.map((pipeline, n) => pipeline.handler(sqsEvent(n % 2 === 0 ? bodies : [...bodies].reverse(), `r${round}-${n}`))),
      );
      for (const result of results) expect(result.batchItemFailures).toEqual([]);
      for (let i = 0; i < 50; i++) {
        const state = await expectStateAndHistoryAgree(pipelines[0] as PipelineUnderTest, `gone${i}@example.org`);
        expect(state).toMatchObject({ status: 'suppressed', reason: 'hard-bounce', count: 1 });
      }
    }
  }, 90_000); // 13 s alone; three rounds of three instances on dynalite crawl on a loaded 2-core machine

  it('the 4th and 5th soft bounce of one address processed at once leave one review recording both, with its history', async () => {
    for (let round = 0; round < 4; round++) {
      const [a, b] = (await instances(2)) as [PipelineUnderTest, PipelineUnderTest];
      const soft = (i: number) =>
        JSON.stringify(
          bounceFor('flaky@example.org', {
            feedbackId: `soft-${round}-${i}`,
            status: '4.2.2',
            diagnosticCode: 'smtp; 452 4.2.2 Mailbox full',
            at: `2026-11-20T0${i}:00:00.000Z`,
          }),
        );
      await a.handler(sqsEvent([soft(1), soft(2), soft(3)], `first-${round}`));
      await Promise.all([a.handler(sqsEvent([soft(4)], `x-${round}`)), b.handler(sqsEvent([soft(5)], `y-${round}`))]);
      const state = await expectStateAndHistoryAgree(a, 'flaky@example.org');
      // Both are past the threshold, so both are recorded; the earlier one crossed it and holds the evidence.
      expect(state).toMatchObject({ status: 'review', reason: 'soft-bounce-threshold', count: 2, feedbackId: `soft-${round}-4` });
    }
  });

  it('a redelivery after a crash between the record write and its history write restores the history', async () => {
    const [pipeline] = (await instances(1)) as [PipelineUnderTest];
    const body = hardBounce(99);
    // The crash: the record is written, its history entry is not (simulated by deleting it afterwards).
    await pipeline.handler(sqsEvent([body], 'crashed'));
    const { DeleteCommand } = await import('@aws-sdk/lib-dynamodb');
    const history = (await pipeline.addressItems('gone99@example.org')).filter((item) => String(item.sk).startsWith('HIST#'));
    expect(history).toHaveLength(1);
    await pipeline.doc.send(new DeleteCommand({ TableName: pipeline.addressTable, Key: { pk: history[0]?.pk, sk: history[0]?.sk } }));
    await pipeline.handler(sqsEvent([body], 'redelivered'));
    await expectStateAndHistoryAgree(pipeline, 'gone99@example.org');
  });
});

describe('a complaint that arrives after a release', () => {
  it('re-suppresses the address even when dated before the release, and history records it', async () => {
    const releaseAt = new Date('2026-11-20T12:00:00.000Z');
    const [pipeline] = (await instances(1)) as [PipelineUnderTest];
    const deps = composeSuppressions({
      dynamo: pipeline.doc,
      tables: { addressTable: pipeline.addressTable, campaignTable: pipeline.campaignTable },
      clock: () => releaseAt,
      erasureKey: TEST_ERASURE_KEY,
    });
    const email = 'kim@example.com';
    await pipeline.handler(
      sqsEvent([
        JSON.stringify(
          bounceFor(email, {
            feedbackId: 'hb',
            status: '5.1.1',
            diagnosticCode: 'smtp; 550 5.1.1 user unknown',
            at: '2026-11-20T09:00:00.000Z',
          }),
        ),
      ]),
    );
    await release(email, 'customer confirmed the address', 'ops', deps);
    expect((await check([email], deps))[0]).toMatchObject({ suppressed: false });

    // A backlog or a DLQ redrive: a complaint dated 30 minutes before the release, never applied.
    const complaint = JSON.stringify(complaintFor(email, { feedbackId: 'late-complaint', at: '2026-11-20T11:30:00.000Z' }));
    expect((await pipeline.handler(sqsEvent([complaint], 'late'))).batchItemFailures).toEqual([]);
    expect((await check([email], deps))[0]).toMatchObject({ suppressed: true });
    const view = await lookup(email, deps);
    expect(view).toMatchObject({ status: 'suppressed', reason: 'complaint' });
    // History is in event time, newest first; each entry says the status it found and left.
    expect(view.history.map((h) => [h.signal, h.fromStatus, h.toStatus])).toEqual([
      ['release', 'suppressed', 'released'],
      ['complaint', 'released', 'suppressed'],
      ['hard-bounce', null, 'suppressed'],
    ]);
    // Delivered again, it changes nothing more.
    await pipeline.handler(sqsEvent([complaint], 'again'));
    await expectStateAndHistoryAgree(pipeline, email);
  });
});
