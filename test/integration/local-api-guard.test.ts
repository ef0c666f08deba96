import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveApi, type LocalApiServer } from '../../local/http-server.js';

let server: LocalApiServer;
let handled = 0;
beforeAll(async () => {
  server = await serveApi(
    async () => {
      handled++;
      return { statusCode: 200, body: '{"ok":true}' };
    },
    { port: 0 },
  );
});
afterAll(async () => {
  await server?.close();
});

/** A raw request, so the Host header can be anything (fetch would not let a test set it). */
function send(options: { method?: string; host?: string; contentType?: string; body?: string }): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = {};
    if (options.host !== undefined) headers.host = options.host;
    if (options.contentType !== undefined) headers['content-type'] = options.contentType;
    const req = request(
      {
        host: '127.0.0.1',
        port: server.port,
        method: options.method ?? 'GET',
        path: '/suppressions/x@example.com',
        headers,
        setHost: options.host === undefined,
      },
      (res) => {
        let body = '';
        res.on('data', (chunk) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

describe('local API guards against web pages', () => {
  it('serves loopback host names only (DNS rebinding names another host)', async () => {
    const before = handled;
    expect((await send({ host: `127.0.0.1:${server.port}` })).status).toBe(200);
    expect((await send({ host: `localhost:${server.port}` })).status).toBe(200);
    expect((await send({ host: `[::1]:${server.port}` })).status).toBe(200);
    const rebound = await send({ host: `attacker.example:${server.port}` });
    expect(rebound.status).toBe(403);
    expect(JSON.parse(rebound.body).error).toMatch(/loopback/);
    expect((await send({ host: 'localhost.attacker.example' })).status).toBe(403);
    expect(handled - before).toBe(3);
  });

  it('takes bodies as application/json only (no simple form or text/plain posts)', async () => {
    const before = handled;
    const json = '{"emails":["x@example.com"]}';
    expect((await send({ method: 'POST', contentType: 'application/json; charset=utf-8', body: json })).status).toBe(200);
    for (const contentType of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const answer = await send({ method: 'POST', contentType, body: json });
      expect(answer.status, contentType).toBe(415);
    }
    expect((await send({ method: 'POST', body: json })).status).toBe(415);
    expect(handled - before).toBe(1);
  });
});
