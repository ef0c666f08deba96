import { SESClient } from '@aws-sdk/client-ses';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  composeApi,
  composeClassify,
  composeRetry,
  composeRetryScheduler,
  composeSend,
  composeSuppressions,
  type TableNames,
} from '../../shared/adapters/compose.js';
import { createRetryRunner } from '../../shared/app/retry-runner.js';
import { createSendMessage } from '../../shared/app/send.js';
import { bounceFor, complaintFor, sqsEvent } from '../support/batches.js';
import { startDynamo, type Dynamo } from '../support/emulators.js';
import { TEST_ERASURE_KEY } from '../support/erasure-fakes.js';
import { FakeAddresses, RecordingLogger } from '../support/fakes.js';
import { FakeOutbound, FakePauses, FakeRetryDue, FakeRetryStates, FakeSender, FakeTimerQueue } from '../support/retry-fakes.js';
import { pipelineOn } from '../support/pipeline.js';

const NOW = new Date();
const HARD = 'zed.erasable@example.org';
const COMPLAINED = 'amy.complained@example.org';

/**
 * Never called: the compiler refuses every composition that can act on an
 * address without the erasure store. If `erasureKey` (or `erasure`) became
 * optional again, each `@ts-expect-error` below would be unused and the
 * typecheck (`npm run typecheck`, part of `npm test`) would fail.
 */
export function compositionsWithoutTheKey(tables: TableNames, dynamo: Dynamo['client']): unknown[] {
  const ses = { ses: new SESClient({}), configurationSetName: 'set' };
  const sqs = new SQSClient({});
  const retryQueue = { sqs, queueUrl: 'q' };
  const deadLetters = { send: async () => {} };
  const ports = { addresses: new FakeAddresses(), pauses: new FakePauses(), sender: new FakeSender(), outbound: new FakeOutbound() };
  const logger = new RecordingLogger();
  return [
    // @ts-expect-error the send path needs the erasure key
    composeSend({ dynamo, tables, ses }),
    // @ts-expect-error the retry runner sends: it needs the erasure key
    composeRetry({ dynamo, tables, ses, retryQueue, retryDue: { sns: new SNSClient({}), topicArn: 't' }, deadLetters }),
    // @ts-expect-error classify writes addresses: it needs the erasure key
    composeClassify({ dynamo, tables, deadLetters }),
    // @ts-expect-error the retry scheduler writes addresses: it needs the erasure key
    composeRetryScheduler({ dynamo, tables, retryQueue }),
    // @ts-expect-error the API reads, suppresses, imports and erases addresses: it needs the erasure key
    composeApi({ dynamo, tables }),
    // @ts-expect-error check and import read addresses: they need the erasure key
    composeSuppressions({ dynamo, tables }),
    // @ts-expect-error the send use case needs the erasure store
    createSendMessage({ ...ports, logger }),
    // @ts-expect-error the retry use case sends: it needs the erasure store
    createRetryRunner({
      ...ports,
      logger,
      retries: new FakeRetryStates(),
      timers: new FakeTimerQueue(() => NOW),
      retryDue: new FakeRetryDue(),
    }),
  ];
}

const apiEvent = (method: string, path: string, query: Record<string, string> | null, body?: unknown) =>
  ({
    httpMethod: method,
    path,
    queryStringParameters: query,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? null : JSON.stringify(body),
    requestContext: { identity: { userArn: null } },
  }) as unknown as APIGatewayProxyEvent;

let dynamo: Dynamo;
beforeAll(async () => {
  dynamo = await startDynamo();
});
afterAll(async () => {
  await dynamo?.stop();
});

describe('the composed send path reads the tombstones of erased addresses', () => {
  it('refuses an erased hard-bounced and an erased complained address, plain or with a display name, and writes nothing', async () => {
    const pipeline = await pipelineOn(dynamo.client, { clock: () => NOW });
    const at = new Date(NOW.getTime() - 3600_000).toISOString();
    const wrap = (n: Record<string, unknown>) => JSON.stringify(n);
    await pipeline.handler(
      sqsEvent([
        wrap(bounceFor(HARD, { feedbackId: 'fb-hard', status: '5.1.1', diagnosticCode: 'smtp; 550 5.1.1 user unknown', at })),
        wrap(complaintFor(COMPLAINED, { feedbackId: 'fb-complaint', at })),
      ]),
    );
    const tables = { addressTable: pipeline.addressTable, campaignTable: pipeline.campaignTable };
    const api = composeApi({ dynamo: pipeline.doc, tables, clock: () => NOW, erasureKey: TEST_ERASURE_KEY });
    for (const email of [HARD, COMPLAINED]) {
      const erased = await api(apiEvent('DELETE', `/suppressions/${encodeURIComponent(email)}`, { erase: 'true' }, { reason: 'asked' }));
      expect(erased.statusCode, erased.body).toBe(200);
    }

    // SES is never reached: every request to it is counted (and would fail, nothing listens there).
    const sesClient = new SESClient({ region: 'us-east-1', endpoint: 'http://127.0.0.1:9', maxAttempts: 1 });
    let sesRequests = 0;
    sesClient.middlewareStack.add((next) => async (args) => (sesRequests++, next(args)), { step: 'initialize' });
    const send = composeSend({
      dynamo: pipeline.doc,
      tables,
      ses: { ses: sesClient, configurationSetName: 'set' },
      clock: () => NOW,
      erasureKey: TEST_ERASURE_KEY,
    });
    const content = { kind: 'simple' as const, subject: 'hi', text: 'x' };
    const tags = { campaign: 'r3', batch: null, source: null };
    for (const to of [HARD, 'Zed <Zed.Erasable@Example.org>', COMPLAINED, '"Amy" <amy.complained@example.org>']) {
      expect(await send({ to, from: 'news@mail.example.com', content, tags }, NOW), to).toMatchObject({
        status: 'refused',
        reason: 'address-suppressed',
      });
    }
    expect(sesRequests).toBe(0);
    const text = JSON.stringify(await pipeline.dump());
    expect(text).not.toContain('zed.erasable');
    expect(text).not.toContain('amy.complained');
    sesClient.destroy();
  });
});
