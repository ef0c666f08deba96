import type { APIGatewayProxyEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { createApiHandler } from '../../shared/adapters/inbound/http-api.js';
import { withOutbox, type AddressEvent, type DecisionEvent, type DecisionOutbox } from '../../shared/app/decision-events.js';
import { bounceFor, sqsEvent } from '../support/batches.js';
import { classifyOverFakes, noCampaignReads } from '../support/classify-fakes.js';
import { FakeAddresses, RecordingLogger } from '../support/fakes.js';

const NOW = new Date('2026-11-25T12:00:00Z');
const ADDRESS = 'eve@example.com';

const request = (method: string, path: string, body: unknown): APIGatewayProxyEvent =>
  ({
    httpMethod: method,
    path,
    resource: path,
    headers: {},
    multiValueHeaders: {},
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    body: JSON.stringify(body),
    isBase64Encoded: false,
    requestContext: { identity: { userArn: 'arn:aws:iam::111122223333:user/ops' } },
  }) as unknown as APIGatewayProxyEvent;

/** A bus and an outbox that fail while `down` (the bus's error quotes the address, as an SDK error may quote input). */
function world() {
  const addresses = new FakeAddresses();
  const logger = new RecordingLogger();
  const published: DecisionEvent[] = [];
  const state = { down: false };
  const bus = {
    publish: async (events: readonly DecisionEvent[]) => {
      if (state.down) throw Object.assign(new Error(`refused ${JSON.stringify(events)}`), { name: 'InternalException' });
      published.push(...events);
    },
  };
  const outbox: DecisionOutbox = {
    keep: async () => {
      if (state.down) throw Object.assign(new Error(`cannot keep ${ADDRESS}`), { name: 'ProvisionedThroughputExceededException' });
    },
    pending: async () => [],
    remove: async () => {},
  };
  const events = withOutbox(bus, outbox, () => NOW, logger);
  const api = createApiHandler({ addresses, campaigns: noCampaignReads, clock: () => NOW, events }, logger);
  const { handler: classify } = classifyOverFakes({ addresses, logger, clock: () => NOW, events });
  return { addresses, logger, published, state, api, classify };
}

const hardBounce = (feedbackId: string) =>
  JSON.stringify(
    bounceFor(ADDRESS, { feedbackId, status: '5.1.1', diagnosticCode: 'smtp; 550 5.1.1 user unknown', at: '2026-11-25T11:00:00.000Z' }),
  );

describe('a release through the API when the bus and the outbox both fail', () => {
  it('answers 200 with the release (it is stored), leaves the record unpublished, logs without the address; the next reader publishes it', async () => {
    const w = world();
    await w.classify(sqsEvent([hardBounce('fb-1')]));
    w.state.down = true;
    const response = await w.api(request('DELETE', `/suppressions/${encodeURIComponent(ADDRESS)}`, { reason: 'checked by phone' }));
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body)).toMatchObject({
      email: ADDRESS,
      suppressed: false,
      status: 'released',
      releaseReason: 'checked by phone',
    });
    expect(w.addresses.states.get(ADDRESS)).toMatchObject({ status: 'released', version: 2, lastChangePublished: false });

    const errors = w.logger.entries.filter((entry) => entry.level === 'error');
    expect(errors.map((entry) => entry.extra)).toContainEqual({
      type: 'address.released',
      errorName: 'ProvisionedThroughputExceededException',
    });
    // Never the address in clear, not even from the errors that quote it; the failure's own line names no address at all.
    expect(JSON.stringify(w.logger.entries)).not.toContain(ADDRESS);
    expect(JSON.stringify(errors)).not.toContain('@');

    // Back up: the next event about the address publishes the release first, with its own id, then its own change.
    w.state.down = false;
    expect((await w.classify(sqsEvent([hardBounce('fb-2')]))).batchItemFailures).toEqual([]);
    expect(w.published.filter((e): e is AddressEvent => e.type.startsWith('address.')).map((e) => [e.id, e.type])).toEqual([
      [`address:${ADDRESS}:1`, 'address.suppressed'],
      [`address:${ADDRESS}:2`, 'address.released'],
      [`address:${ADDRESS}:3`, 'address.suppressed'],
    ]);
  });

  it('a suppression by hand likewise answers 201 and stays unpublished', async () => {
    const w = world();
    w.state.down = true;
    const response = await w.api(request('PUT', `/suppressions/${encodeURIComponent(ADDRESS)}`, { reason: 'asked to be removed' }));
    expect(response.statusCode).toBe(201);
    expect(w.addresses.states.get(ADDRESS)).toMatchObject({ status: 'suppressed', lastChangePublished: false });
    expect(JSON.stringify(w.logger.entries)).not.toContain(ADDRESS);
  });
});
