import type { APIGatewayProxyEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { createApiHandler } from '../../shared/adapters/inbound/http-api.js';
import type { CampaignReader } from '../../shared/app/ports.js';
import { applySignal, NO_EVIDENCE, type AddressState } from '../../shared/domain/index.js';
import { FakeAddresses, RecordingLogger } from '../support/fakes.js';
import { hourlyFromTotals } from '../support/classify-fakes.js';

function event(
  method: string,
  path: string,
  options: { body?: unknown; query?: Record<string, string>; rawBody?: string; caller?: string } = {},
): APIGatewayProxyEvent {
  return {
    httpMethod: method,
    path,
    resource: path,
    headers: {},
    multiValueHeaders: {},
    queryStringParameters: options.query ?? null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    body: options.rawBody ?? (options.body === undefined ? null : JSON.stringify(options.body)),
    isBase64Encoded: false,
    requestContext: {
      identity: { userArn: options.caller ?? 'arn:aws:iam::111122223333:user/ops' },
    } as unknown as APIGatewayProxyEvent['requestContext'],
  };
}

const campaigns: CampaignReader = {
  activeHours: async (campaign, hours) => (campaign === 'nov' ? hours.slice(-1) : []),
  campaignsActiveIn: async () => ['nov'],
  totals: async () => ({
    errors: {},
    counts: {
      sends: 1000,
      deliveries: 950,
      hardBounces: 40,
      softBounces: 5,
      'blocks|reputation|gmail': 3,
      'blocks|reputation|yahoo': 2,
      blocks: 5,
    },
  }),
  hourlyTotals: async (campaign, fromHour, toHour) => hourlyFromTotals(campaigns, campaign, fromHour, toHour),
  period: async (campaign) => (campaign === 'nov' ? { campaign, firstHour: '2026-11-25T11', lastHour: '2026-11-25T12' } : null),
  catalogue: async () => ({ periods: [{ campaign: 'nov', firstHour: '2026-11-25T11', lastHour: '2026-11-25T12' }] }),
};

function setup() {
  const addresses = new FakeAddresses();
  const logger = new RecordingLogger();
  const handler = createApiHandler({ addresses, campaigns, clock: () => new Date('2026-11-25T12:00:00Z') }, logger);
  const seed = (email: string, kind: 'hard-bounce' | 'complaint' | 'policy-block', at = '2026-11-20T10:00:00.000Z') => {
    const transition = applySignal(email, null, {
      kind,
      eventId: `seed-${email}`,
      occurredAt: at,
      evidence: { ...NO_EVIDENCE, category: 'invalid-address', rule: 'code-bad-mailbox', smtpCode: 550, enhancedCode: '5.1.1' },
    });
    addresses.states.set(email, transition?.next as AddressState);
    if (transition) addresses.historyEntries.push(transition.history);
  };
  const call = async (...args: Parameters<typeof event>) => {
    const response = await handler(event(...args));
    return { status: response.statusCode, body: JSON.parse(response.body) as Record<string, unknown> };
  };
  return { addresses, logger, seed, call };
}

describe('suppression API routes', () => {
  it('GET /suppressions/{email} returns the record, soft-bounce window and history, normalising the address', async () => {
    const { seed, call } = setup();
    seed('kim@example.com', 'hard-bounce');
    const { status, body } = await call('GET', `/suppressions/${encodeURIComponent(' Kim@Example.COM')}`);
    expect(status).toBe(200);
    expect(body).toMatchObject({
      email: 'kim@example.com',
      suppressed: true,
      status: 'suppressed',
      reason: 'hard-bounce',
      category: 'invalid-address',
      smtpCode: 550,
      enhancedCode: '5.1.1',
      firstSeenAt: '2026-11-20T10:00:00.000Z',
      softBounces: { count: 0, windowEndsAt: null },
      history: [expect.objectContaining({ toStatus: 'suppressed', signal: 'hard-bounce' })],
    });
  });

  it('reports a review as "do not mail"', async () => {
    const { seed, call } = setup();
    seed('member@contoso.example', 'policy-block');
    expect((await call('GET', '/suppressions/member@contoso.example')).body).toMatchObject({
      suppressed: true,
      status: 'review',
      reason: 'policy-block-review',
    });
  });

  it('POST /suppressions/check answers per address, in order, with one batched read', async () => {
    const { seed, call } = setup();
    seed('a@example.com', 'hard-bounce');
    seed('c@example.com', 'complaint');
    const { status, body } = await call('POST', '/suppressions/check', {
      body: { emails: ['A@example.com', 'b@example.com', 'c@example.com'] },
    });
    expect(status).toBe(200);
    expect(body.results).toEqual([
      { email: 'a@example.com', suppressed: true, status: 'suppressed', reason: 'hard-bounce' },
      { email: 'b@example.com', suppressed: false, status: null, reason: null },
      { email: 'c@example.com', suppressed: true, status: 'suppressed', reason: 'complaint' },
    ]);
  });

  it('PUT suppresses by hand (201, then 200 unchanged) and DELETE releases with who and why (then 409)', async () => {
    const { call, logger } = setup();
    const created = await call('PUT', '/suppressions/new@example.com', { body: { reason: 'asked to be removed by phone' } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      status: 'suppressed',
      reason: 'manual',
      history: [expect.objectContaining({ note: 'asked to be removed by phone', actor: 'arn:aws:iam::111122223333:user/ops' })],
    });
    const again = await call('PUT', '/suppressions/new@example.com', { body: { reason: 'again' } });
    expect(again.status).toBe(200);
    expect(again.body.history).toHaveLength(1); // unchanged
    expect(again.body.count).toBe(0); // a person's suppression is an action, not an event about the address

    const released = await call('DELETE', '/suppressions/new@example.com', { body: { reason: 'customer confirmed the address' } });
    expect(released.status).toBe(200);
    expect(released.body).toMatchObject({
      status: 'released',
      suppressed: false,
      releasedBy: 'arn:aws:iam::111122223333:user/ops',
      releaseReason: 'customer confirmed the address',
      // The record reads as released; why it had been held stays visible.
      reason: null,
      suppressedReason: 'manual',
      count: 0,
    });
    expect((released.body.history as unknown[]).length).toBe(2);
    expect((await call('DELETE', '/suppressions/new@example.com', { body: { reason: 'twice' } })).status).toBe(409);
    // Logs carry masked addresses only.
    expect(JSON.stringify(logger.entries)).not.toContain('new@example.com');
    expect(JSON.stringify(logger.entries)).toContain('n***@example.com');
  });

  it('imports an SES COMPLAINT entry as a complaint', async () => {
    const { call } = setup();
    const { body } = await call('PUT', '/suppressions/angry@example.com', { body: { reason: 'import', sesReason: 'COMPLAINT' } });
    expect(body).toMatchObject({ status: 'suppressed', reason: 'complaint' });
  });

  it('GET /suppressions lists with filters and an opaque token', async () => {
    const { seed, call } = setup();
    for (let i = 0; i < 5; i++) seed(`u${i}@example.com`, i % 2 ? 'complaint' : 'hard-bounce', `2026-11-2${i}T00:00:00.000Z`);
    const first = await call('GET', '/suppressions', { query: { status: 'suppressed', limit: '2' } });
    expect(first.status).toBe(200);
    expect((first.body.items as { email: string }[]).map((i) => i.email)).toEqual(['u0@example.com', 'u1@example.com']);
    expect(typeof first.body.nextToken).toBe('string');
    const second = await call('GET', '/suppressions', {
      query: { status: 'suppressed', limit: '2', nextToken: first.body.nextToken as string },
    });
    expect((second.body.items as { email: string }[]).map((i) => i.email)).toEqual(['u2@example.com', 'u3@example.com']);
    // A token only goes with the filters it was made for.
    expect(
      (
        await call('GET', '/suppressions', {
          query: { status: 'suppressed', reason: 'complaint', nextToken: first.body.nextToken as string },
        })
      ).status,
    ).toBe(400);
    const complaints = await call('GET', '/suppressions', { query: { reason: 'complaint' } });
    expect((complaints.body.items as { email: string }[]).map((i) => i.email)).toEqual(['u1@example.com', 'u3@example.com']);
    const since = await call('GET', '/suppressions', { query: { since: '2026-11-23' } });
    expect((since.body.items as unknown[]).length).toBe(2);
    // Any offset names an instant: 01:00+01:00 is midnight UTC.
    const offset = await call('GET', '/suppressions', { query: { since: '2026-11-23T01:00:00+01:00' } });
    expect((offset.body.items as { email: string }[]).map((i) => i.email)).toEqual(['u3@example.com', 'u4@example.com']);
  });

  it('GET /campaigns/{id}/health reports figures and verdicts', async () => {
    const { call } = setup();
    const { status, body } = await call('GET', '/campaigns/nov/health');
    expect(status).toBe(200);
    expect(body).toMatchObject({ campaign: 'nov', activeHours: 1, sends: 1000, hardBounces: 40, verdict: 'danger' });
    expect((body.findings as { pattern: string }[]).map((f) => f.pattern)).toEqual(['hard-bounce-rate', 'reputation-across-providers']);
    expect((await call('GET', '/campaigns/quiet/health')).status).toBe(404);
  });

  it("GET /campaigns/{id}/health reads the campaign's own last 72 h of activity and says so; since/until are checked", async () => {
    const { call } = setup();
    const { body } = await call('GET', '/campaigns/nov/health');
    expect(body).toMatchObject({
      window: { fromHour: '2026-11-22T13', toHour: '2026-11-25T12', hours: 72, basis: 'last-activity' },
      period: { firstHour: '2026-11-25T11', lastHour: '2026-11-25T12' },
    });
    const asked = await call('GET', '/campaigns/nov/health', { query: { since: '2026-11-25T12:00Z' } });
    expect(asked.body).toMatchObject({ window: { fromHour: '2026-11-25T12', toHour: '2026-11-25T12', hours: 1, basis: 'requested' } });
    const bad = await call('GET', '/campaigns/nov/health', { query: { since: 'yesterday' } });
    expect(bad.status).toBe(400);
    expect(bad.body.details).toEqual([expect.stringMatching(/^query\.since: an ISO date or time/)]);
    const backwards = await call('GET', '/campaigns', { query: { since: '2026-11-25', until: '2026-11-24' } });
    expect(backwards.status).toBe(400);
    const token = await call('GET', '/campaigns', { query: { nextToken: 'not-a-token' } });
    expect(token.status).toBe(400);
  });

  it.each<[string, Parameters<typeof event>, number, RegExp]>([
    ['unstorable address', ['GET', `/suppressions/${'x'.repeat(400)}@example.com`], 400, /invalid email/],
    ['control character in an address', ['GET', '/suppressions/kim%00@example.com'], 400, /invalid email/],
    ['malformed but storable address: looked up', ['GET', '/suppressions/not-an-address'], 404, /no record/],
    ['bad percent-encoding', ['GET', '/suppressions/%E0%A4%A'], 400, /invalid email/],
    ['no record', ['GET', '/suppressions/nobody@example.com'], 404, /no record/],
    ['unknown query on a lookup', ['GET', '/suppressions/kim@example.com', { query: { verbose: '1' } }], 400, /invalid query/],
    ['bad JSON', ['POST', '/suppressions/check', { rawBody: '{"emails": [' }], 400, /not valid JSON/],
    ['no body', ['PUT', '/suppressions/kim@example.com'], 400, /JSON body is required/],
    [
      'too many emails',
      ['POST', '/suppressions/check', { body: { emails: Array.from({ length: 1001 }, (_, i) => `u${i}@example.com`) } }],
      400,
      /invalid body/,
    ],
    [
      'a malformed email in a check',
      ['POST', '/suppressions/check', { body: { emails: ['ok@example.com', 'no\u0001pe@example.com'] } }],
      400,
      /invalid body/,
    ],
    ['unknown body field', ['PUT', '/suppressions/kim@example.com', { body: { reason: 'x', extra: 1 } }], 400, /invalid body/],
    ['empty reason', ['DELETE', '/suppressions/kim@example.com', { body: { reason: '  ' } }], 400, /invalid body/],
    ['unknown list parameter', ['GET', '/suppressions', { query: { sort: 'asc' } }], 400, /invalid query/],
    ['bad status', ['GET', '/suppressions', { query: { status: 'gone' } }], 400, /invalid query/],
    ['bad limit', ['GET', '/suppressions', { query: { limit: '0' } }], 400, /invalid query/],
    ['bad since', ['GET', '/suppressions', { query: { since: 'last week' } }], 400, /invalid query/],
    ['bad token', ['GET', '/suppressions', { query: { nextToken: 'garbage' } }], 400, /invalid nextToken/],
    [
      'forged token',
      ['GET', '/suppressions', { query: { nextToken: Buffer.from(JSON.stringify({ s: -1, f: '["","","",""]' })).toString('base64url') } }],
      400,
      /invalid nextToken/,
    ],
    [
      'token with a foreign key',
      [
        'GET',
        '/suppressions',
        { query: { nextToken: Buffer.from(JSON.stringify({ s: 0, f: '["","","",""]', k: { pk: 1 } })).toString('base64url') } },
      ],
      400,
      /invalid nextToken/,
    ],
    ['bad percent-encoding in a campaign', ['GET', '/campaigns/%E0%A4%A/health'], 400, /invalid campaign/],
    ['release of an unknown address', ['DELETE', '/suppressions/nobody@example.com', { body: { reason: 'x' } }], 404, /no record/],
    ['unknown route', ['GET', '/nothing/here'], 404, /no such route/],
    ['wrong method', ['PATCH', '/suppressions/kim@example.com'], 405, /not allowed/],
    ['bad health hours', ['GET', '/campaigns/nov/health', { query: { hours: '9999' } }], 400, /invalid query/],
  ])('%s → %i', async (_name, args, status, error) => {
    const { call } = setup();
    const response = await call(...args);
    expect(response.status).toBe(status);
    expect(String(response.body.error)).toMatch(error);
    if (status === 400 && /invalid (body|query|email)/.test(String(response.body.error)))
      expect(response.body.details).toEqual(expect.any(Array));
  });

  it('answers 500 with nothing internal when a dependency fails, and logs it', async () => {
    const { call, addresses, logger } = setup();
    addresses.failFor.add('kim@example.com');
    const response = await call('GET', '/suppressions/kim@example.com');
    expect(response).toEqual({ status: 500, body: { error: 'internal error' } });
    expect(logger.entries.at(-1)).toMatchObject({
      level: 'error',
      extra: { resource: '/suppressions/{email}', errorMessage: 'DynamoDB is throttling' },
    });
  });
});
