import { storedTotal } from '../support/counters.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { composeApi } from '../../shared/adapters/compose.js';
import { startDynamo, type Dynamo } from '../support/emulators.js';
import { pipelineOn } from '../support/pipeline.js';
import { sqsEvent } from '../support/batches.js';
import { TEST_ERASURE_KEY } from '../support/erasure-fakes.js';

let dynamo: Dynamo;
beforeAll(async () => {
  dynamo = await startDynamo();
});
afterAll(async () => {
  await dynamo?.stop();
});

const NOW = new Date('2026-11-20T12:00:00.000Z');

/** A permanent bounce of `recipients`, sent at `sentAt`, with these tags. */
function hardBounce(id: string, recipients: string[], options: { at?: string; tags?: Record<string, string[]> } = {}): string {
  const at = options.at ?? '2026-11-20T10:00:05.000Z';
  return JSON.stringify({
    eventType: 'Bounce',
    mail: {
      timestamp: at,
      messageId: `m-${id}`,
      source: 'news@mail.example.com',
      destination: recipients,
      tags: options.tags ?? { campaign: ['nov'] },
    },
    bounce: {
      feedbackId: `f-${id}`,
      bounceType: 'Permanent',
      bounceSubType: 'General',
      timestamp: at,
      bouncedRecipients: recipients.map((emailAddress) => ({
        emailAddress,
        action: 'failed',
        status: '5.1.1',
        diagnosticCode: 'smtp; 550 5.1.1 user unknown',
      })),
    },
  });
}

const apiEvent = (method: string, path: string, query: Record<string, string> | null = null, body?: unknown): APIGatewayProxyEvent =>
  ({
    httpMethod: method,
    path,
    queryStringParameters: query,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? null : typeof body === 'string' ? body : JSON.stringify(body),
    requestContext: { identity: { userArn: null } },
  }) as unknown as APIGatewayProxyEvent;

describe('bad input gets a clear outcome and never blocks the good part', () => {
  it('one unstorable recipient is rejected with a reason; the other recipients of its notification apply', async () => {
    const dead: Array<{ reason: string }> = [];
    const pipeline = await pipelineOn(dynamo.client, {
      clock: () => NOW,
      deadLetters: { send: async (_b, reason) => void dead.push({ reason }) },
    });
    const long = `${'x'.repeat(1100)}@example.com`;
    const response = await pipeline.handler(
      sqsEvent([
        hardBounce('1', ['good.one@example.com', long, 'nul\u0000byte@example.com', 'bell\u0007@example.com', 'good.two@example.com']),
      ]),
    );
    expect(response.batchItemFailures).toEqual([]);
    for (const good of ['good.one@example.com', 'good.two@example.com']) {
      expect((await pipeline.addressItems(good)).find((i) => i.sk === 'STATE')).toMatchObject({ status: 'suppressed' });
    }
    expect(dead.map((d) => d.reason)).toEqual([expect.stringMatching(/3 recipients? rejected/)]);
    expect(dead[0]?.reason).toMatch(/too long/);
    expect(dead[0]?.reason).toMatch(/control character/);
  });

  it('an empty campaign tag means (untagged); an over-long tag value is rejected with a reason', async () => {
    const dead: string[] = [];
    const pipeline = await pipelineOn(dynamo.client, {
      clock: () => NOW,
      deadLetters: { send: async (_b, reason) => void dead.push(reason) },
    });
    const response = await pipeline.handler(
      sqsEvent([
        hardBounce('e', ['empty.tag@example.com'], { tags: { campaign: [''] } }),
        hardBounce('l', ['long.tag@example.com'], { tags: { campaign: ['c'.repeat(1500)] } }),
      ]),
    );
    expect(response.batchItemFailures).toEqual([]);
    const dump = await pipeline.dump();
    expect(storedTotal(dump, 'hardBounces', 'COUNT#(untagged)')).toBe(1);
    // Marked active in its send hour and in the hour it was processed; no marker for the rejected tag.
    expect(new Set(dump.filter((i) => String(i.pk).startsWith('ACTIVE#')).map((i) => i.sk))).toEqual(new Set(['(untagged)']));
    expect((await pipeline.addressItems('long.tag@example.com')).length).toBe(0);
    expect(dead).toEqual([expect.stringMatching(/tag value longer than 256/)]);
  });

  it('implausible timestamps are rejected with a reason: a block dated 2999 never holds an address', async () => {
    const dead: string[] = [];
    const pipeline = await pipelineOn(dynamo.client, {
      clock: () => NOW,
      deadLetters: { send: async (_b, reason) => void dead.push(reason) },
    });
    const response = await pipeline.handler(
      sqsEvent([
        hardBounce('future', ['future@example.com'], { at: '2999-01-01T00:00:00.000Z' }),
        hardBounce('past', ['past@example.com'], { at: '2005-01-01T00:00:00.000Z' }),
        hardBounce('ok', ['fine@example.com']),
      ]),
    );
    expect(response.batchItemFailures).toEqual([]);
    expect(await pipeline.addressItems('future@example.com')).toEqual([]);
    expect(await pipeline.addressItems('past@example.com')).toEqual([]);
    expect((await pipeline.addressItems('fine@example.com')).length).toBeGreaterThan(0);
    expect(dead).toEqual([expect.stringMatching(/more than a day in the future/), expect.stringMatching(/before 2010/)]);
  });

  it('IDN domains are one address in Unicode and in Punycode', async () => {
    const pipeline = await pipelineOn(dynamo.client, { clock: () => NOW });
    await pipeline.handler(sqsEvent([hardBounce('idn', ['Kim@München.de'])]));
    expect((await pipeline.addressItems('kim@xn--mnchen-3ya.de')).find((i) => i.sk === 'STATE')).toMatchObject({ status: 'suppressed' });
    const api = composeApi({
      dynamo: pipeline.doc,
      tables: { addressTable: pipeline.addressTable, campaignTable: pipeline.campaignTable },
      clock: () => NOW,
      erasureKey: TEST_ERASURE_KEY,
    });
    for (const path of ['/suppressions/kim%40m%C3%BCnchen.de', '/suppressions/kim%40xn--mnchen-3ya.de']) {
      const answer = await api(apiEvent('GET', path));
      expect(answer.statusCode, path).toBe(200);
      expect(JSON.parse(answer.body)).toMatchObject({ email: 'kim@xn--mnchen-3ya.de', status: 'suppressed' });
    }
  });

  it('an address stored as suppressed is reachable by lookup, check and release', async () => {
    const pipeline = await pipelineOn(dynamo.client, { clock: () => NOW });
    await pipeline.handler(sqsEvent([hardBounce('dd', ['nick@@example.org'])]));
    expect((await pipeline.addressItems('nick@@example.org')).find((i) => i.sk === 'STATE')).toMatchObject({ status: 'suppressed' });
    const api = composeApi({
      dynamo: pipeline.doc,
      tables: { addressTable: pipeline.addressTable, campaignTable: pipeline.campaignTable },
      clock: () => NOW,
      erasureKey: TEST_ERASURE_KEY,
    });
    expect((await api(apiEvent('GET', '/suppressions/nick%40%40example.org'))).statusCode).toBe(200);
    const check = await api(apiEvent('POST', '/suppressions/check', null, { emails: ['nick@@example.org'] }));
    expect(check.statusCode).toBe(200);
    expect(JSON.parse(check.body).results[0]).toMatchObject({ email: 'nick@@example.org', suppressed: true });
    const release = await api(apiEvent('DELETE', '/suppressions/nick%40%40example.org', null, { reason: 'typo fixed at source' }));
    expect(release.statusCode).toBe(200);
    // Unstorable input is still refused with a clear 400.
    expect((await api(apiEvent('GET', `/suppressions/${'y'.repeat(400)}%40example.org`))).statusCode).toBe(400);
  });

  it('the API answers 400 for tampered tokens and over-long campaign ids, never 500', async () => {
    const pipeline = await pipelineOn(dynamo.client, { clock: () => NOW });
    const api = composeApi({
      dynamo: pipeline.doc,
      tables: { addressTable: pipeline.addressTable, campaignTable: pipeline.campaignTable },
      clock: () => NOW,
      erasureKey: TEST_ERASURE_KEY,
    });
    const answers = await Promise.all([
      api(apiEvent('GET', '/suppressions', { nextToken: 'A'.repeat(5000) })),
      api(apiEvent('GET', '/suppressions', { nextToken: '' })),
      api(apiEvent('GET', '/suppressions', { nextToken: 'eyJzIjowLCJjIjoiLi4uIn0' })),
      api(
        apiEvent('GET', '/suppressions', { nextToken: Buffer.from(JSON.stringify({ s: 0, c: 'x', since: '1999' })).toString('base64url') }),
      ),
      api(apiEvent('GET', '/suppressions', { campaign: 'c'.repeat(1500) })),
      api(apiEvent('GET', `/campaigns/${'c'.repeat(1500)}/health`)),
    ]);
    expect(answers.map((a) => a.statusCode)).toEqual([400, 400, 400, 400, 400, 400]);
    for (const answer of answers) expect(JSON.parse(answer.body).error).toEqual(expect.any(String));
  });
});
