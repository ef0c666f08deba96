import type { SignatureV4 } from '@smithy/signature-v4';
import { DEFAULT_DATA_DIR, notAnswering, readRuntimeFile, whyNotRunning } from '../local/runtime-file.js';

export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    message: string,
    readonly body: unknown,
  ) {
    super(message);
  }
}

export interface RequestOptions {
  readonly body?: unknown;
  readonly query?: Record<string, string | undefined>;
}

const rfc3986 = (value: string): string =>
  encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

const isLoopback = (url: URL): boolean => ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);

/** The region of an execute-api URL, else the configured one. */
function regionOf(url: URL): string {
  return (
    /\.execute-api\.([a-z0-9-]+)\.amazonaws\.com$/.exec(url.hostname)?.[1] ??
    process.env.AWS_REGION ??
    process.env.AWS_DEFAULT_REGION ??
    'us-east-1'
  );
}

/**
 * A small client for the suppression API. Requests to a deployed API are
 * signed with SigV4 from the default AWS credentials chain; the local
 * runtime (loopback) needs no signature.
 */
export class ApiClient {
  private readonly base: URL;
  private signer: SignatureV4 | null = null;

  /** `runtimeDataDir`: the URL was read from that folder's runtime.json (a refused connection means the runtime is gone). */
  constructor(
    baseUrl: string,
    private readonly runtimeDataDir?: string,
  ) {
    this.base = new URL(baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
  }

  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    return (await this.call<T>(method, path, options)).body;
  }

  /** Like `request`, with the HTTP status (201 tells a created record from an existing one). */
  async call<T>(method: string, path: string, options: RequestOptions = {}): Promise<{ status: number; body: T }> {
    const url = new URL(path.replace(/^\//, ''), this.base);
    const query: Record<string, string> = {};
    for (const [key, value] of Object.entries(options.query ?? {})) if (value !== undefined) query[key] = value;
    // RFC 3986 encoding, as SigV4 signs it (URLSearchParams would send a space as "+" and leave "*").
    url.search = Object.entries(query)
      .map(([key, value]) => `${rfc3986(key)}=${rfc3986(value)}`)
      .join('&');
    const body = options.body === undefined ? undefined : JSON.stringify(options.body);
    let headers: Record<string, string> = {
      host: url.host,
      accept: 'application/json',
      ...(body ? { 'content-type': 'application/json' } : {}),
    };
    if (!isLoopback(url)) {
      // Loaded only to sign: the credential chain and signer take ~150 ms to load, which a local call never needs.
      if (!this.signer) {
        const [{ Sha256 }, { defaultProvider }, { SignatureV4 }] = await Promise.all([
          import('@aws-crypto/sha256-js'),
          import('@aws-sdk/credential-provider-node'),
          import('@smithy/signature-v4'),
        ]);
        this.signer = new SignatureV4({ service: 'execute-api', region: regionOf(url), credentials: defaultProvider(), sha256: Sha256 });
      }
      const signed = await this.signer.sign({
        method,
        protocol: url.protocol,
        hostname: url.hostname,
        port: url.port ? Number(url.port) : undefined,
        path: url.pathname,
        query,
        headers,
        body,
      });
      headers = signed.headers as Record<string, string>;
    }
    let response: Response;
    try {
      response = await fetch(url, { method, headers, ...(body ? { body } : {}) });
    } catch (error) {
      throw this.unreachable(error);
    }
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text === '' ? null : (JSON.parse(text) as unknown);
    } catch {
      // Not JSON: keep the text for the error message.
    }
    if (!response.ok) {
      // Our API answers {error}; API Gateway itself (auth, throttling) answers {message}.
      const body = typeof parsed === 'object' && parsed !== null ? (parsed as { error?: unknown; message?: unknown }) : {};
      const error =
        body.error !== undefined ? String(body.error) : body.message !== undefined ? String(body.message) : `HTTP ${response.status}`;
      const details =
        typeof parsed === 'object' && parsed !== null && 'details' in parsed
          ? ` (${(parsed as { details: string[] }).details.join('; ')})`
          : '';
      throw new ApiError(response.status, `${error}${details}`, parsed);
    }
    return { status: response.status, body: parsed as T };
  }

  /** A failed connection in words: fetch itself only says "fetch failed" (the reason is its cause). */
  private unreachable(error: unknown): Error {
    const cause = (error as { cause?: NodeJS.ErrnoException }).cause;
    const code = cause?.code ?? (error as NodeJS.ErrnoException).code;
    // Nothing listens where runtime.json says: the runtime died (kill -9) and its pid is not gone yet, or was reused.
    if (this.runtimeDataDir !== undefined && (code === 'ECONNREFUSED' || code === 'ECONNRESET'))
      return new Error(notAnswering(this.runtimeDataDir, this.base.origin));
    return new Error(`cannot reach ${this.base.origin}: ${code ?? cause?.message ?? (error as Error).message}`);
  }
}

/** A client of the API `resolveApiUrl` finds, which knows when that API is the local runtime of a data folder. */
export async function apiClientFor(options: { url?: string; data?: string }): Promise<ApiClient> {
  const url = await resolveApiUrl(options);
  const fromRuntimeFile = !options.url && !process.env.BOUNCE_API_URL;
  return new ApiClient(url, fromRuntimeFile ? (options.data ?? DEFAULT_DATA_DIR) : undefined);
}

/** The API base URL: `--url`, else `BOUNCE_API_URL`, else the running local runtime's. */
export async function resolveApiUrl(options: { url?: string; data?: string }): Promise<string> {
  if (options.url) return options.url;
  if (process.env.BOUNCE_API_URL) return process.env.BOUNCE_API_URL;
  const dataDir = options.data ?? DEFAULT_DATA_DIR;
  const runtime = await readRuntimeFile(dataDir);
  if (runtime) return runtime.apiUrl;
  throw new Error(`no API to talk to: ${await whyNotRunning(dataDir)}; or pass --url (a deployed stack's ApiUrl), or set BOUNCE_API_URL`);
}
