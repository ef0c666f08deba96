import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { refusalOf } from './request-guard.js';

const MAX_BODY_BYTES = 1024 * 1024;

/** A Node request as API Gateway's REST proxy event, as far as the API handler reads it. */
export function toApiGatewayEvent(request: IncomingMessage, body: string): APIGatewayProxyEvent {
  const url = new URL(request.url ?? '/', 'http://127.0.0.1');
  const query: Record<string, string> = {};
  for (const [key, value] of url.searchParams) query[key] = value;
  const headers: Record<string, string> = {};
  for (const [key, value] of Object.entries(request.headers)) if (typeof value === 'string') headers[key] = value;
  return {
    httpMethod: request.method ?? 'GET',
    path: url.pathname,
    resource: url.pathname,
    headers,
    multiValueHeaders: {},
    queryStringParameters: Object.keys(query).length > 0 ? query : null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    body: body === '' ? null : body,
    isBase64Encoded: false,
    requestContext: {
      identity: { caller: 'local', sourceIp: request.socket.remoteAddress ?? '127.0.0.1', userAgent: headers['user-agent'] ?? null },
    } as unknown as APIGatewayProxyEvent['requestContext'],
  };
}

class BodyTooLargeError extends Error {
  override readonly name = 'BodyTooLargeError';
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new BodyTooLargeError();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export interface LocalApiServer {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/**
 * Serves an API Gateway handler over HTTP on loopback: the same handler the
 * deployed API runs, with no authentication (it only listens on 127.0.0.1).
 */
export async function serveApi(
  handler: (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult>,
  options: { port?: number; host?: string } = {},
): Promise<LocalApiServer> {
  const host = options.host ?? '127.0.0.1';
  const server: Server = createServer((request: IncomingMessage, response: ServerResponse) => {
    void (async () => {
      try {
        const body = await readBody(request);
        const refusal = refusalOf(request, body !== '');
        if (refusal) {
          response.writeHead(refusal.statusCode, { 'content-type': 'application/json' });
          response.end(JSON.stringify({ error: refusal.error }));
          return;
        }
        const result = await handler(toApiGatewayEvent(request, body));
        response.writeHead(result.statusCode, {
          'content-type': 'application/json',
          ...(result.headers as Record<string, string> | undefined),
        });
        response.end(result.body);
      } catch (error) {
        const tooLarge = error instanceof BodyTooLargeError;
        response.writeHead(tooLarge ? 413 : 400, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ error: tooLarge ? 'body too large' : 'bad request' }));
      }
    })();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 3000, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${host}:${port}`,
    port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
