import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One message as aws-ses-v2-local stores it (the fields read here). */
export interface StoredEmail {
  readonly messageId: string;
  readonly from: string;
  readonly destination: { readonly to: readonly string[] };
  readonly subject: string;
  readonly at: number;
}

export interface LocalSes {
  /** The SES endpoint (and, at its root, the web viewer of sent mail). */
  readonly url: string;
  /** Every message it accepted (since an epoch second), oldest first. */
  emails(since?: number): Promise<StoredEmail[]>;
  close(): Promise<void>;
}

type Start = (config?: { host?: string; port?: number }) => Promise<Server>;

/** aws-ses-v2-local on 127.0.0.1 (its ESM default is the CommonJS module object, whose default is the server). */
export async function startLocalSes(port = 0): Promise<LocalSes> {
  const module = (await import('aws-ses-v2-local')) as unknown as { default: Start | { default: Start } };
  const start = typeof module.default === 'function' ? module.default : module.default.default;
  const server = await start({ host: '127.0.0.1', port });
  if (!server.listening) await new Promise<void>((done) => server.once('listening', () => done()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    emails: async (since) => {
      const response = await fetch(`${url}/store${since === undefined ? '' : `?since=${since}`}`);
      const body = (await response.json()) as { emails?: StoredEmail[] };
      return body.emails ?? [];
    },
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}
