import type { IncomingMessage } from 'node:http';

/**
 * The local API has no authentication: it listens on loopback only. Two more
 * guards keep web pages out. A page on another site can make a browser send
 * requests to 127.0.0.1 through DNS rebinding (its own name resolving to
 * 127.0.0.1): the `Host` header then names that site, so only loopback names
 * are served. And a page can send a "simple" cross-origin POST (form or
 * text/plain body) without any preflight: bodies must be `application/json`,
 * which a browser only sends cross-origin after a preflight this server never
 * answers.
 */
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

/** The host name of a Host header, without its port. */
function hostName(header: string): string {
  const value = header.trim().toLowerCase();
  if (value.startsWith('[')) return value.slice(0, value.indexOf(']') + 1);
  const colon = value.lastIndexOf(':');
  return colon < 0 ? value : value.slice(0, colon);
}

export interface Refusal {
  readonly statusCode: number;
  readonly error: string;
}

/** Why this request must be refused before it reaches the API, or null. */
export function refusalOf(request: IncomingMessage, hasBody: boolean): Refusal | null {
  const host = request.headers.host;
  if (host === undefined || !LOOPBACK_HOSTS.has(hostName(host))) {
    return { statusCode: 403, error: 'the local API answers requests for loopback host names only (localhost, 127.0.0.1, [::1])' };
  }
  if (hasBody) {
    const type = String(request.headers['content-type'] ?? '').toLowerCase();
    if (!/^application\/json\s*(;|$)/.test(type)) return { statusCode: 415, error: 'a request body must be sent as application/json' };
  }
  return null;
}
