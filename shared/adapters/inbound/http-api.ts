import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import * as z from 'zod/mini';
import { safeParse } from '../zod-parse.js';
import { ConflictError, NotFoundError, ValidationError } from '../../app/errors.js';
import { campaignSeries, listCampaigns } from '../../app/campaigns.js';
import { pauseCampaign, pauseStatus, resumeCampaign, type PauseDeps } from '../../app/pause.js';
import type { LoggerPort } from '../../app/ports.js';
import { check, health, list, lookup, release, suppress, type HealthWindowRequest, type SuppressionDeps } from '../../app/suppressions.js';
import { erase } from '../../app/erasure.js';
import {
  isValidAddress,
  maskAddress,
  normaliseAddress,
  parseInstant,
  redactAddresses,
  SUPPRESSION_REASONS,
  SUPPRESSION_STATUSES,
  unstorableAddressReason,
} from '../../domain/index.js';

/** Most addresses one check request may carry. */
export const MAX_CHECK_EMAILS = 1000;
const MAX_BODY_BYTES = 256 * 1024;

const Email = z
  .pipe(
    z.string().check(z.maxLength(320)),
    z.transform((raw: string) => normaliseAddress(raw)),
  )
  .check(z.refine(isValidAddress, { message: 'not a valid email address' }));

/** Any key the pipeline can store (it stores malformed addresses too): look-ups, checks and releases reach them all. */
const StoredEmail = z
  .pipe(
    z.string().check(z.maxLength(1000)),
    z.transform((raw: string) => normaliseAddress(raw)),
  )
  .check(
    z.superRefine((address: string, context) => {
      const problem = unstorableAddressReason(address);
      if (problem) context.addIssue({ code: 'custom', message: problem });
    }),
  );

/** A reason a person gives: trimmed, 1 to 500 characters. */
const reason = () => z.string().check(z.trim(), z.minLength(1), z.maxLength(500));
const CheckBody = z.strictObject({ emails: z.array(StoredEmail).check(z.minLength(1), z.maxLength(MAX_CHECK_EMAILS)) });
const SuppressBody = z.strictObject({
  reason: reason(),
  /** For imports from SES's suppression list. */
  sesReason: z.optional(z.enum(['BOUNCE', 'COMPLAINT'])),
});
const CampaignName = z.string().check(z.minLength(1), z.maxLength(256));
const ReleaseBody = z.strictObject({ reason: reason() });
/** `?erase=true` turns a release into a data-protection erasure. */
const DeleteQuery = z.strictObject({ erase: z.optional(z.literal('true')) });
const ListQuery = z.strictObject({
  status: z.optional(z.enum(SUPPRESSION_STATUSES)),
  reason: z.optional(z.enum(SUPPRESSION_REASONS)),
  campaign: z.optional(z.string().check(z.minLength(1), z.maxLength(256))),
  // Any ISO date or time, with any offset, compared as the UTC instant it names.
  since: z.optional(
    z.pipe(
      z.union([z.iso.datetime({ offset: true }), z.iso.date()]),
      z.transform((value: string) => new Date(value).toISOString()),
    ),
  ),
  limit: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(1000)), 100),
  nextToken: z.optional(z.string().check(z.minLength(1), z.maxLength(4096))),
});
const Hours = z.coerce.number().check(z.int(), z.minimum(1), z.maximum(24 * 14));
/** An ISO date or time, or a duration before the runtime's clock (`72h`, `30d`): parsed when the clock is read. */
const When = z.string().check(z.minLength(1), z.maxLength(64));
const HealthQuery = z.strictObject({ hours: z._default(Hours, 72), since: z.optional(When), until: z.optional(When) });
const CampaignListQuery = z.strictObject({
  hours: z.optional(Hours),
  since: z.optional(When),
  until: z.optional(When),
  all: z.optional(z.enum(['true', 'false'])),
  limit: z.optional(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(100))),
  nextToken: z.optional(z.string().check(z.minLength(1), z.maxLength(4096))),
});

/** A report's window from its query: `since`/`until` read on the runtime's clock (relative ones count back from it). */
function windowOf(query: { hours?: number; since?: string; until?: string }, now: Date): HealthWindowRequest {
  const at = (field: 'since' | 'until'): Date | undefined => {
    const text = query[field];
    if (text === undefined) return undefined;
    const instant = parseInstant(text, now);
    if (!instant)
      throw new HttpError(400, 'invalid query', [
        `query.${field}: an ISO date or time (2026-11-03, 2026-11-03T10:00Z) or a duration back (72h, 30d)`,
      ]);
    return instant;
  };
  const since = at('since');
  const until = at('until');
  if (since && until && since > until) throw new HttpError(400, 'invalid query', ['query.since: after query.until']);
  return { ...(query.hours ? { hours: query.hours } : {}), ...(since ? { since } : {}), ...(until ? { until } : {}) };
}

/** An error response the caller can act on; nothing internal leaks. */
class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
    readonly details?: readonly string[],
  ) {
    super(message);
  }
}

const json = (statusCode: number, body: unknown): APIGatewayProxyResult => ({
  statusCode,
  headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
  body: JSON.stringify(body),
});

function validate<T extends z.ZodMiniType>(schema: T, value: unknown, what: string): z.infer<T> {
  const result = safeParse(schema, value);
  if (result.success) return result.data;
  const details = result.error.issues.slice(0, 20).map((issue) => {
    const path = issue.path.join('.');
    const where = path === '' ? what : `${what}.${path}`;
    return issue.code === 'unrecognized_keys' ? `${where}: unknown ${issue.keys.join(', ')}` : `${where}: ${issue.message}`;
  });
  throw new HttpError(400, `invalid ${what}`, details);
}

function bodyOf(event: APIGatewayProxyEvent): unknown {
  if (!event.body) throw new HttpError(400, 'a JSON body is required');
  const text = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  if (text.length > MAX_BODY_BYTES) throw new HttpError(413, 'body too large');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new HttpError(400, 'the body is not valid JSON');
  }
}

/** A path segment as API Gateway passes it (still percent-encoded), decoded. */
function decodeSegment(segment: string, what: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new HttpError(400, `invalid ${what}`, [`${what}: bad percent-encoding`]);
  }
}

const emailFromPath = (segment: string): string => validate(Email, decodeSegment(segment, 'email'), 'email');
const storedEmailFromPath = (segment: string): string => validate(StoredEmail, decodeSegment(segment, 'email'), 'email');

/** Who is calling: the IAM identity API Gateway verified, else the local runtime. */
function callerOf(event: APIGatewayProxyEvent): string {
  const identity = event.requestContext?.identity;
  return identity?.userArn ?? identity?.caller ?? identity?.accountId ?? 'local';
}

type Route = (event: APIGatewayProxyEvent, params: string[]) => Promise<APIGatewayProxyResult>;

/**
 * The suppression API as one API Gateway (REST, proxy integration) handler.
 * Routes on method and path, so the local HTTP server can call it as is.
 */
export function createApiHandler(
  deps: SuppressionDeps,
  logger: LoggerPort,
  pauses?: PauseDeps,
): (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult> {
  const pausing = (): PauseDeps => {
    if (!pauses) throw new HttpError(404, 'pausing is not available here');
    return pauses;
  };
  const noQuery = (event: APIGatewayProxyEvent) => {
    const keys = Object.keys(event.queryStringParameters ?? {});
    if (keys.length > 0) throw new HttpError(400, 'invalid query', [`query: unknown ${keys.join(', ')}`]);
  };
  const routes: Array<{ method: string; pattern: RegExp; route: Route }> = [
    {
      method: 'POST',
      pattern: /^\/suppressions\/check$/,
      route: async (event) => {
        noQuery(event);
        const { emails } = validate(CheckBody, bodyOf(event), 'body');
        return json(200, { results: await check(emails, deps) });
      },
    },
    {
      method: 'GET',
      pattern: /^\/suppressions\/([^/]+)$/,
      route: async (event, [email]) => {
        noQuery(event);
        return json(200, await lookup(storedEmailFromPath(email ?? ''), deps));
      },
    },
    {
      method: 'PUT',
      pattern: /^\/suppressions\/([^/]+)$/,
      route: async (event, [email]) => {
        noQuery(event);
        const address = emailFromPath(email ?? '');
        const body = validate(SuppressBody, bodyOf(event), 'body');
        const result = await suppress(
          address,
          { note: body.reason, ...(body.sesReason ? { sesReason: body.sesReason } : {}) },
          callerOf(event),
          { ...deps, logger },
        );
        logger.info('Address suppressed by hand', { email: maskAddress(address), created: result.created });
        return json(result.created ? 201 : 200, result.view);
      },
    },
    {
      method: 'DELETE',
      pattern: /^\/suppressions\/([^/]+)$/,
      route: async (event, [email]) => {
        const query = validate(DeleteQuery, event.queryStringParameters ?? {}, 'query');
        const address = storedEmailFromPath(email ?? '');
        const body = validate(ReleaseBody, bodyOf(event), 'body');
        if (query.erase) {
          if (!deps.erasure) throw new HttpError(404, 'erasure is not available here (no erasure key)');
          const erasure = {
            addresses: deps.addresses,
            erasure: deps.erasure,
            clock: deps.clock,
            logger,
            ...(deps.events ? { events: deps.events } : {}),
          };
          return json(200, await erase(address, { note: body.reason, actor: callerOf(event) }, erasure));
        }
        const view = await release(address, body.reason, callerOf(event), { ...deps, logger });
        logger.info('Address released', { email: maskAddress(address) });
        return json(200, view);
      },
    },
    {
      method: 'GET',
      pattern: /^\/suppressions\/?$/,
      route: async (event) => {
        const query = validate(ListQuery, event.queryStringParameters ?? {}, 'query');
        return json(200, await list(query, deps));
      },
    },
    {
      method: 'GET',
      pattern: /^\/campaigns\/([^/]+)\/health$/,
      route: async (event, [campaign]) => {
        const query = validate(HealthQuery, event.queryStringParameters ?? {}, 'query');
        const name = validate(CampaignName, decodeSegment(campaign ?? '', 'campaign'), 'campaign');
        return json(200, await health(name, windowOf(query, deps.clock()), deps));
      },
    },
    {
      method: 'GET',
      pattern: /^\/campaigns\/?$/,
      route: async (event) => {
        const query = validate(CampaignListQuery, event.queryStringParameters ?? {}, 'query');
        const { since, until } = windowOf(query, deps.clock());
        const request = {
          ...(query.hours ? { hours: query.hours } : {}),
          ...(since ? { since } : {}),
          ...(until ? { until } : {}),
          ...(query.all === 'true' ? { all: true } : {}),
          ...(query.limit ? { limit: query.limit } : {}),
          ...(query.nextToken ? { nextToken: query.nextToken } : {}),
        };
        return json(200, await listCampaigns(request, { ...deps, ...(pauses ? { pauses: pauses.pauses } : {}) }));
      },
    },
    {
      method: 'GET',
      pattern: /^\/campaigns\/([^/]+)\/series$/,
      route: async (event, [campaign]) => {
        const query = validate(HealthQuery, event.queryStringParameters ?? {}, 'query');
        return json(200, await campaignSeries(decodeSegment(campaign ?? '', 'campaign'), windowOf(query, deps.clock()), deps));
      },
    },
    {
      method: 'GET',
      pattern: /^\/campaigns\/([^/]+)\/pause$/,
      route: async (event, [campaign]) => {
        noQuery(event);
        return json(200, await pauseStatus(validate(CampaignName, decodeSegment(campaign ?? '', 'campaign'), 'campaign'), pausing()));
      },
    },
    {
      method: 'PUT',
      pattern: /^\/campaigns\/([^/]+)\/pause$/,
      route: async (event, [campaign]) => {
        noQuery(event);
        const name = validate(CampaignName, decodeSegment(campaign ?? '', 'campaign'), 'campaign');
        const body = validate(ReleaseBody, bodyOf(event), 'body');
        const view = await pauseCampaign(name, body.reason, callerOf(event), false, pausing());
        logger.info('Campaign paused', { campaign: name, configurationSet: view.configurationSet });
        return json(201, view);
      },
    },
    {
      method: 'DELETE',
      pattern: /^\/campaigns\/([^/]+)\/pause$/,
      route: async (event, [campaign]) => {
        noQuery(event);
        const name = validate(CampaignName, decodeSegment(campaign ?? '', 'campaign'), 'campaign');
        const body = validate(ReleaseBody, bodyOf(event), 'body');
        const view = await resumeCampaign(name, pausing(), { reason: body.reason, actor: callerOf(event) });
        // The reason is free text (it may quote an address): not logged.
        logger.info('Campaign resumed', { campaign: name, reasonLength: body.reason.length, actor: callerOf(event) });
        return json(200, view);
      },
    },
  ];

  return async (event) => {
    // Behind a custom domain with a base path, `path` starts with that base path.
    const path = (event.path ?? '/').replace(/^.*?(?=\/(?:suppressions|campaigns)(?:\/|$))/, '');
    try {
      const matching = routes.filter((r) => r.pattern.test(path));
      if (matching.length === 0) throw new HttpError(404, 'no such route');
      const found = matching.find((r) => r.method === event.httpMethod);
      if (!found) throw new HttpError(405, `method ${event.httpMethod} not allowed on ${path}`);
      const params = (found.pattern.exec(path) ?? []).slice(1);
      return await found.route(event, params);
    } catch (error) {
      if (error instanceof HttpError)
        return json(error.statusCode, { error: error.message, ...(error.details ? { details: error.details } : {}) });
      if (error instanceof ValidationError) return json(400, { error: error.message, details: error.details });
      if (error instanceof NotFoundError) return json(404, { error: error.message });
      if (error instanceof ConflictError) return json(409, { error: error.message });
      logger.error('API request failed', {
        method: event.httpMethod,
        resource: path.replace(/\/suppressions\/[^/]+/, '/suppressions/{email}'),
        errorName: (error as Error).name,
        errorMessage: redactAddresses((error as Error).message),
      });
      return json(500, { error: 'internal error' });
    }
  };
}
