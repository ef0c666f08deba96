import { ChangeMessageVisibilityBatchCommand, DeleteMessageBatchCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { SqsPoller } from '../../local/sqs-poller.js';

const sqs = mockClient(SQSClient);
beforeEach(() => sqs.reset());

const messages = Array.from({ length: 4 }, (_, i) => ({ MessageId: `m${i}`, ReceiptHandle: `r${i}`, Body: `{"n":${i}}` }));

describe('SqsPoller batch calls', () => {
  it('tries failed delete and visibility entries once more, then reports what still failed', async () => {
    sqs.on(ReceiveMessageCommand).resolvesOnce({ Messages: messages }).resolves({ Messages: [] });
    sqs
      .on(DeleteMessageBatchCommand)
      .resolvesOnce({ Successful: [{ Id: '0' }], Failed: [{ Id: '1', Code: 'InternalError', SenderFault: false }] })
      .resolvesOnce({ Failed: [{ Id: '1', Code: 'InternalError', SenderFault: false }] });
    sqs
      .on(ChangeMessageVisibilityBatchCommand)
      .resolvesOnce({ Failed: [{ Id: '0', Code: 'ReceiptHandleIsInvalid', SenderFault: true }] })
      .resolvesOnce({ Successful: [{ Id: '0' }] });
    const reports: unknown[] = [];
    const poller = new SqsPoller({
      sqs: new SQSClient({ region: 'us-east-1' }),
      queueUrl: 'https://sqs.example/q',
      process: async () => ({ failedIds: new Set(['m2', 'm3']) }),
      batchSize: 10,
      failedVisibilitySeconds: 5,
      onEntriesFailed: (report) => reports.push(report),
    });
    expect(await poller.pollOnce(0)).toBe(4);
    const deletes = sqs.commandCalls(DeleteMessageBatchCommand).map((call) => call.args[0].input.Entries?.map((e) => e.ReceiptHandle));
    expect(deletes).toEqual([['r0', 'r1'], ['r1']]);
    const visibility = sqs
      .commandCalls(ChangeMessageVisibilityBatchCommand)
      .map((call) => call.args[0].input.Entries?.map((e) => e.ReceiptHandle));
    expect(visibility).toEqual([['r2', 'r3'], ['r2']]);
    expect(reports).toEqual([{ call: 'DeleteMessageBatch', failed: 1, codes: ['InternalError'] }]);
  });

  it('reports a batch call that throws after its second try', async () => {
    sqs.on(ReceiveMessageCommand).resolvesOnce({ Messages: messages.slice(0, 2) });
    sqs.on(DeleteMessageBatchCommand).rejects(Object.assign(new Error('throttled'), { name: 'RequestThrottled' }));
    const reports: unknown[] = [];
    const poller = new SqsPoller({
      sqs: new SQSClient({ region: 'us-east-1' }),
      queueUrl: 'https://sqs.example/q',
      process: async () => ({ failedIds: new Set() }),
      onEntriesFailed: (report) => reports.push(report),
    });
    await poller.pollOnce(0);
    expect(sqs.commandCalls(DeleteMessageBatchCommand)).toHaveLength(2);
    expect(reports).toEqual([{ call: 'DeleteMessageBatch', failed: 2, codes: ['RequestThrottled'] }]);
  });

  it('gathers a stream into one batch across empty receives shorter than the idle gap, and closes after the gap', async () => {
    const at = (i: number) => ({ MessageId: `s${i}`, ReceiptHandle: `h${i}`, Body: '{}' });
    // Messages 0-2, two empty receives (a pause shorter than the gap), 3-4, then nothing.
    sqs
      .on(ReceiveMessageCommand)
      .resolvesOnce({ Messages: [at(0), at(1), at(2)] })
      .resolvesOnce({ Messages: [] })
      .resolvesOnce({ Messages: [] })
      .resolvesOnce({ Messages: [at(3), at(4)] })
      .resolves({ Messages: [] });
    sqs.on(DeleteMessageBatchCommand).resolves({});
    const batches: number[] = [];
    const options = {
      sqs: new SQSClient({ region: 'us-east-1' }),
      queueUrl: 'https://sqs.example/q',
      process: async (records: readonly unknown[]) => {
        batches.push(records.length);
        return { failedIds: new Set<string>() };
      },
      batchSize: 100,
      batchingWindowMs: 5000,
    };
    const started = Date.now();
    expect(await new SqsPoller({ ...options, idleGapMs: 200 }).pollOnce(0)).toBe(5);
    expect(batches).toEqual([5]);
    expect(Date.now() - started).toBeLessThan(4000); // closed by the gap, not the window

    // Without an idle gap the first empty receive closes the batch (the old behaviour: batches as small as the stream's gaps).
    sqs.reset();
    sqs
      .on(ReceiveMessageCommand)
      .resolvesOnce({ Messages: [at(0), at(1), at(2)] })
      .resolvesOnce({ Messages: [] })
      .resolvesOnce({ Messages: [at(3), at(4)] });
    sqs.on(DeleteMessageBatchCommand).resolves({});
    batches.length = 0;
    expect(await new SqsPoller(options).pollOnce(0)).toBe(3);
    expect(batches).toEqual([3]);
  });
});
