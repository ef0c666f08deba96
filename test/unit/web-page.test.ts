import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { PAGE_ACTOR, PAGE_TOKEN_HEADER, withWebPage } from '../../local/web-page.js';

const TOKEN = 'k'.repeat(43);
const HOST = '127.0.0.1:3000';
const NOW = new Date('2026-11-20T10:30:00.000Z');

function request(method: string, path: string, headers: Record<string, string> = {}, body: unknown = null): APIGatewayProxyEvent {
  const [pathname = '', query] = path.split('?');
  return {
    httpMethod: method,
    path: pathname,
    resource: pathname,
    headers: { host: HOST, ...headers },
    multiValueHeaders: {},
    queryStringParameters: query ? Object.fromEntries(new URLSearchParams(query)) : null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    body: body === null ? null : JSON.stringify(body),
    isBase64Encoded: false,
    requestContext: { identity: { caller: 'local' } } as unknown as APIGatewayProxyEvent['requestContext'],
  };
}

/** The page over an API that records what reached it and answers `answer`. */
function pageOver(answer: APIGatewayProxyResult = { statusCode: 200, body: '{"email":"a@b.example","status":"released"}' }) {
  const reached: APIGatewayProxyEvent[] = [];
  const handler = withWebPage(
    async (event) => {
      reached.push(event);
      return answer;
    },
    { clock: () => NOW, timeScale: 3600, token: TOKEN },
  );
  return { handler, reached };
}

const release = { email: 'a@b.example', reason: 'confirmed by phone' };

describe('the page routes of the local server', () => {
  it('serves the page with its token, a search box, never framed; and its icon', async () => {
    const { handler } = pageOver();
    const page = await handler(request('GET', '/'));
    expect(page.body).toContain(`<meta name="bounce-page-token" content="${TOKEN}">`);
    expect(page.body).toContain('<input type="search"');
    expect(page.headers?.['content-security-policy']).toContain("frame-ancestors 'none'");
    for (const path of ['/favicon.ico', '/favicon.svg']) {
      const icon = await handler(request('GET', path));
      expect(icon.statusCode).toBe(200);
      expect(icon.headers?.['content-type']).toBe('image/svg+xml');
    }
  });

  it('a new token at every start when none is given', async () => {
    const tokenOf = async () => {
      const html = (
        await withWebPage(async () => ({ statusCode: 404, body: '{}' }), { clock: () => NOW, timeScale: 1 })(request('GET', '/'))
      ).body;
      return /name="bounce-page-token" content="([^"]+)"/.exec(html)?.[1];
    };
    const [a, b] = [await tokenOf(), await tokenOf()];
    expect(a).toMatch(/^[\w-]{43}$/);
    expect(a).not.toBe(b);
  });

  it("tells the runtime's clock, not the browser's", async () => {
    const { handler } = pageOver();
    expect(JSON.parse((await handler(request('GET', '/page/status'))).body)).toEqual({ now: NOW.toISOString(), timeScale: 3600 });
  });

  it('refuses a release without the token, with a wrong one, or from another origin, before the API sees it', async () => {
    const { handler, reached } = pageOver();
    const refused: Array<Record<string, string>> = [
      {},
      { [PAGE_TOKEN_HEADER]: 'x'.repeat(43) },
      { [PAGE_TOKEN_HEADER]: 'short' },
      { [PAGE_TOKEN_HEADER]: TOKEN, origin: 'http://evil.example' },
      { [PAGE_TOKEN_HEADER]: TOKEN, origin: 'http://localhost:3000' },
      { [PAGE_TOKEN_HEADER]: TOKEN, origin: 'null' },
      { [PAGE_TOKEN_HEADER]: TOKEN, 'sec-fetch-site': 'cross-site' },
      { [PAGE_TOKEN_HEADER]: TOKEN, 'sec-fetch-site': 'same-site' },
    ];
    for (const headers of refused) {
      const answer = await handler(request('POST', '/page/release', headers, release));
      expect(answer.statusCode, JSON.stringify(headers)).toBe(403);
    }
    expect(reached).toEqual([]);
  });

  it("makes the page's release through the API's route, in the page's name", async () => {
    const { handler, reached } = pageOver();
    const headers = { [PAGE_TOKEN_HEADER]: TOKEN, origin: `http://${HOST}`, 'sec-fetch-site': 'same-origin' };
    expect((await handler(request('POST', '/page/release', headers, release))).statusCode).toBe(200);
    // curl with the token (no Origin, no Sec-Fetch-Site) may release too.
    expect((await handler(request('POST', '/page/release', { [PAGE_TOKEN_HEADER]: TOKEN }, release))).statusCode).toBe(200);
    expect(reached).toHaveLength(2);
    expect(reached[0]).toMatchObject({ httpMethod: 'DELETE', path: '/suppressions/a%40b.example', queryStringParameters: null });
    expect(JSON.parse(reached[0]?.body ?? '')).toEqual({ reason: 'confirmed by phone' });
    expect(reached[0]?.requestContext.identity.caller).toBe(PAGE_ACTOR);
  });

  it('answers an address with no record as an answer (200), through the lookup route', async () => {
    const { handler, reached } = pageOver({ statusCode: 404, body: '{"error":"no record for x@y.example"}' });
    const answer = await handler(request('GET', '/page/address?email=x%40y.example'));
    expect(answer.statusCode).toBe(200);
    expect(JSON.parse(answer.body)).toEqual({ record: null, status: 404, error: 'no record for x@y.example' });
    expect(reached[0]).toMatchObject({ httpMethod: 'GET', path: '/suppressions/x%40y.example' });
  });

  it('leaves the API its routes', async () => {
    const { handler, reached } = pageOver();
    await handler(request('GET', '/suppressions/a%40b.example'));
    expect(reached[0]?.requestContext.identity.caller).toBe('local');
    expect((await handler(request('GET', '/page/nothing'))).statusCode).toBe(404);
  });
});
