import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { z } from 'zod';
import { FAVICON_SVG, pageHtml } from './web-page-html.js';

type Handler = (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult>;

/** The header that carries the page's release token. */
export const PAGE_TOKEN_HEADER = 'x-bounce-page-token';

/** Who the history names for a release made on the page. */
export const PAGE_ACTOR = 'local page';

export interface WebPageOptions {
  /** The runtime's clock: the page reads its windows against it, not the browser's. */
  readonly clock: () => Date;
  readonly timeScale: number;
  /** The release token; default: 32 random bytes, new at every start (only the page itself carries it). */
  readonly token?: string;
}

const ReleaseBody = z.object({ email: z.string().min(1).max(1000), reason: z.string().max(500) }).strict();

const json = (statusCode: number, body: unknown): APIGatewayProxyResult => ({
  statusCode,
  headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
  body: JSON.stringify(body),
});

/** A header as the local server passes it (Node lower-cases names). */
const header = (event: APIGatewayProxyEvent, name: string): string | undefined => event.headers?.[name] ?? undefined;

function sameToken(given: string | undefined, token: string): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Why a state-changing request from the page must be refused, or null. The page sends the token it
 * was served with; a page of another origin cannot read it (no CORS), and is refused on its Origin or
 * Sec-Fetch-Site even if it guessed it. Clients without those headers (curl) need the token alone.
 */
export function pageRequestRefusal(event: APIGatewayProxyEvent, token: string): string | null {
  const site = header(event, 'sec-fetch-site');
  if (site !== undefined && site !== 'same-origin') return `refused: a ${site} request (only the page itself may release)`;
  const origin = header(event, 'origin');
  const host = header(event, 'host');
  if (origin !== undefined && (host === undefined || origin !== `http://${host}`)) return `refused: origin ${origin} is not this page's`;
  if (!sameToken(header(event, PAGE_TOKEN_HEADER), token)) return `refused: no valid ${PAGE_TOKEN_HEADER} header (the page carries it)`;
  return null;
}

/** The API's own route, called in-process with the page's identity. */
function apiEvent(event: APIGatewayProxyEvent, method: string, path: string, body: unknown): APIGatewayProxyEvent {
  return {
    ...event,
    httpMethod: method,
    path,
    resource: path,
    queryStringParameters: null,
    body: body === null ? null : JSON.stringify(body),
    requestContext: { ...event.requestContext, identity: { ...event.requestContext?.identity, caller: PAGE_ACTOR } },
  };
}

/** The page's own routes under /page/, or null for the API's. */
async function pageRoute(event: APIGatewayProxyEvent, handler: Handler, options: WebPageOptions, token: string) {
  const route = `${event.httpMethod} ${event.path}`;
  switch (route) {
    case 'GET /page/status':
      return json(200, { now: options.clock().toISOString(), timeScale: options.timeScale });
    case 'GET /page/address': {
      // The API's lookup, with "no record" as an answer (200), not a failed request in the console.
      const email = event.queryStringParameters?.email ?? '';
      if (email === '') return json(200, { record: null, error: 'type an address' });
      const found = await handler(apiEvent(event, 'GET', `/suppressions/${encodeURIComponent(email)}`, null));
      if (found.statusCode === 200) return json(200, { record: JSON.parse(found.body) as unknown });
      const { error } = JSON.parse(found.body) as { error?: string };
      return json(200, { record: null, status: found.statusCode, error: error ?? `HTTP ${found.statusCode}` });
    }
    case 'POST /page/release': {
      const refusal = pageRequestRefusal(event, token);
      if (refusal) return json(403, { error: refusal });
      let parsed: unknown;
      try {
        parsed = JSON.parse(event.body ?? '');
      } catch {
        return json(400, { error: 'the body is not valid JSON' });
      }
      const body = ReleaseBody.safeParse(parsed);
      if (!body.success) return json(400, { error: 'the body must be {"email": "...", "reason": "..."}' });
      return handler(apiEvent(event, 'DELETE', `/suppressions/${encodeURIComponent(body.data.email)}`, { reason: body.data.reason }));
    }
    default:
      return event.path.startsWith('/page/') ? json(404, { error: 'no such route' }) : null;
  }
}

/** The API handler, plus the page at `/` (and `/index.html`), its icon and its routes under `/page/`. */
export function withWebPage(handler: Handler, options: WebPageOptions): Handler {
  const token = options.token ?? randomBytes(32).toString('base64url');
  const html = pageHtml(token);
  return async (event) => {
    if (event.httpMethod === 'GET' && (event.path === '/' || event.path === '/index.html')) {
      return {
        statusCode: 200,
        headers: {
          'content-type': 'text/html; charset=utf-8',
          'cache-control': 'no-store',
          // The page loads nothing from elsewhere, talks only to this server, and is never framed.
          'content-security-policy':
            "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; img-src 'self'; " +
            "frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
          'x-frame-options': 'DENY',
        },
        body: html,
      };
    }
    if (event.httpMethod === 'GET' && (event.path === '/favicon.ico' || event.path === '/favicon.svg')) {
      return { statusCode: 200, headers: { 'content-type': 'image/svg+xml', 'cache-control': 'max-age=86400' }, body: FAVICON_SVG };
    }
    return (await pageRoute(event, handler, options, token)) ?? handler(event);
  };
}
