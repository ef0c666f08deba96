import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, ApiError } from '../../cli/api-client.js';

let seen: IncomingMessage[] = [];
let respond: { status: number; body: unknown } = { status: 200, body: {} };
const server = createServer((request, response) => {
  seen.push(request);
  response.writeHead(respond.status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(respond.body));
});
let port = 0;

beforeAll(async () => {
  // 127.0.0.2 is loopback on Linux but not one of the names the client treats as the local runtime: it signs.
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.2', resolve));
  port = (server.address() as AddressInfo).port;
  Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret', AWS_REGION: 'eu-west-1' });
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('ApiClient', () => {
  it('signs requests to a deployed API with SigV4 and encodes the query as it signs it', async () => {
    seen = [];
    respond = { status: 200, body: { items: [] } };
    await new ApiClient(`http://127.0.0.2:${port}/v1`).request('GET', '/suppressions', {
      query: { campaign: 'nov offers', reason: undefined, nextToken: 'a*b' },
    });
    const request = seen[0];
    expect(request?.url).toBe('/v1/suppressions?campaign=nov%20offers&nextToken=a%2Ab');
    expect(request?.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/execute-api\/aws4_request, SignedHeaders=[a-z0-9;-]*host[a-z0-9;-]*, Signature=[0-9a-f]{64}$/,
    );
    expect(request?.headers['x-amz-date']).toMatch(/^\d{8}T\d{6}Z$/);
  });

  it('does not sign requests to the local runtime', async () => {
    const local = createServer((request, response) => {
      seen.push(request);
      response.end('{}');
    });
    await new Promise<void>((resolve) => local.listen(0, '127.0.0.1', resolve));
    seen = [];
    await new ApiClient(`http://127.0.0.1:${(local.address() as AddressInfo).port}`).request('GET', '/suppressions');
    await new Promise<void>((resolve) => local.close(() => resolve()));
    expect(seen[0]?.headers.authorization).toBeUndefined();
  });

  it('reports our {error, details} and API Gateway {message} errors with the status', async () => {
    respond = { status: 400, body: { error: 'invalid query', details: ['query.limit: too big'] } };
    await expect(new ApiClient(`http://127.0.0.2:${port}`).request('GET', '/suppressions')).rejects.toMatchObject({
      status: 400,
      message: 'invalid query (query.limit: too big)',
    });
    respond = { status: 403, body: { message: 'The security token included in the request is invalid.' } };
    const error = await new ApiClient(`http://127.0.0.2:${port}`).request('GET', '/suppressions').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).message).toBe('The security token included in the request is invalid.');
  });
});
