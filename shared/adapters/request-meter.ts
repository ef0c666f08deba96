import { AsyncLocalStorage } from 'node:async_hooks';
import type {
  DeserializeHandlerOptions,
  DeserializeMiddleware,
  InitializeHandlerOptions,
  InitializeMiddleware,
  MiddlewareStack,
} from '@smithy/types';
import type { DecisionEventSink } from '../app/decision-events.js';
import type { AlertPublisher } from '../app/health-ports.js';
import type { LoggerPort, MetricsPort } from '../app/ports.js';
import { emptyMeter, mergeMeters, type MeterSnapshot, type RequestRow } from '../app/cost.js';

export { mergeMeters };

/**
 * The request meter: an AWS SDK v3 middleware that counts every request a
 * client makes, by service, operation and the function on whose behalf it is
 * made, with what a price needs (DynamoDB capacity units, SQS/SNS 64 KB
 * chunks, payload bytes). The function is the ambient one (`within`, `handler`:
 * one client serves several functions in the local runtime), else the label
 * the client was attached with.
 *
 * DynamoDB capacity is what the service reports: the meter asks for
 * `ReturnConsumedCapacity: 'TOTAL'` (dynalite and DynamoDB both answer it).
 * When an answer carries none, units are estimated from sizes: a write
 * ceil(item bytes / 1 KB) per item, a read ceil(bytes / 4 KB) per item,
 * half for an eventually consistent read. A write refused by its condition
 * (ConditionalCheckFailed) still costs DynamoDB a write unit: counted as 1.
 */

/** Label of requests made outside any function (set-up, the runtime's own inspection): metered, not priced. */
export const LOCAL_FUNCTION = 'local';

const CHUNK = 64 * 1024;
const DYNAMO_READS = new Set(['GetItem', 'BatchGetItem', 'Query', 'Scan', 'TransactGetItems']);
const DYNAMO_WRITES = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem', 'TransactWriteItems']);

/** `SQSClient` → `SQS`, `SESv2Client` → `SES`, `DynamoDBClient` → `DynamoDB`. */
export function serviceOf(clientName: string | undefined): string {
  const name = (clientName ?? 'Unknown').replace(/Client$/, '');
  if (name === 'SESv2') return 'SES';
  if (name === 'DynamoDBDocument') return 'DynamoDB';
  return name;
}

const utf8 = (text: unknown): number => (typeof text === 'string' ? Buffer.byteLength(text) : 0);
const jsonBytes = (value: unknown): number => (value === undefined ? 0 : Buffer.byteLength(JSON.stringify(value)));
const chunks = (bytes: number): number => Math.max(1, Math.ceil(bytes / CHUNK));

type Fields = Readonly<Record<string, unknown>>;
const fields = (value: unknown): Fields => (value && typeof value === 'object' ? (value as Fields) : {});
const list = (value: unknown): readonly unknown[] => (Array.isArray(value) ? value : []);

/** Payload bytes of a message-carrying request (what SQS and SNS bill by the 64 KB chunk). */
function payloadBytes(service: string, operation: string, input: Fields, output: Fields): number {
  const message = (entry: Fields) =>
    utf8(entry.MessageBody ?? entry.Body) + utf8(entry.Message) + utf8(entry.Subject) + jsonBytes(entry.MessageAttributes ?? undefined);
  if (service === 'SQS' && operation === 'ReceiveMessage') return list(output.Messages).reduce<number>((n, m) => n + message(fields(m)), 0);
  if (service === 'SQS' || service === 'SNS') {
    const entries = list(input.Entries ?? input.PublishBatchRequestEntries);
    return entries.length > 0 ? entries.reduce<number>((n, e) => n + message(fields(e)), 0) : message(input);
  }
  if (service === 'EventBridge') return list(input.Entries).reduce<number>((n, e) => n + utf8(fields(e).Detail), 0);
  if (service === 'DynamoDB') return jsonBytes(input.Item ?? input.RequestItems ?? input.TransactItems);
  return 0;
}

/** Items a DynamoDB request reads or writes (for the size estimate). */
function dynamoItems(operation: string, input: Fields, output: Fields): unknown[] {
  if (operation === 'BatchWriteItem') return Object.values(fields(input.RequestItems)).flatMap((requests) => [...list(requests)]);
  if (operation === 'BatchGetItem') return Object.values(fields(output.Responses)).flatMap((items) => [...list(items)]);
  if (operation === 'TransactWriteItems' || operation === 'TransactGetItems') return [...list(input.TransactItems)];
  if (operation === 'Query' || operation === 'Scan') return [...list(output.Items)];
  if (operation === 'GetItem') return output.Item ? [output.Item] : [undefined];
  return [input.Item ?? input.Key];
}

/** Capacity units of one DynamoDB answer: reported, else estimated from item sizes. */
export function capacityUnits(operation: string, input: Fields, output: Fields): { readUnits: number; writeUnits: number } {
  const isRead = DYNAMO_READS.has(operation);
  if (!isRead && !DYNAMO_WRITES.has(operation)) return { readUnits: 0, writeUnits: 0 };
  const reported = list(output.ConsumedCapacity ?? []).length > 0 ? list(output.ConsumedCapacity) : [output.ConsumedCapacity];
  const units = reported.reduce<number>((n, c) => n + Number(fields(c).CapacityUnits ?? 0), 0);
  const hasReport = reported.some((c) => typeof fields(c).CapacityUnits === 'number');
  if (hasReport) return isRead ? { readUnits: units, writeUnits: 0 } : { readUnits: 0, writeUnits: units };
  const items = dynamoItems(operation, input, output);
  if (isRead) {
    const factor = input.ConsistentRead === true ? 1 : 0.5;
    const total = items.reduce<number>((n, item) => n + Math.max(1, Math.ceil(jsonBytes(item) / 4096)), 0);
    return { readUnits: Math.max(1, total) * factor, writeUnits: 0 };
  }
  return { readUnits: 0, writeUnits: items.reduce<number>((n, item) => n + Math.max(1, Math.ceil(jsonBytes(item) / 1024)), 0) };
}

interface MutableRow {
  service: string;
  operation: string;
  function: string;
  count: number;
  errors: number;
  readUnits: number;
  writeUnits: number;
  chunks: number;
  bytes: number;
}

interface MutableInvocations {
  calls: number;
  records: number;
  durationMs: number;
  waitingMs: number;
  requestMs: number;
  requests: Record<string, number>;
  /** Undefined once a call was recorded without it. */
  cpuMs: number | undefined;
}

/** One invocation's time waiting on the services: requests in flight, since when, the time with at least one. */
interface CallTiming {
  inFlight: number;
  since: number;
  waitingMs: number;
  requestMs: number;
  requests: Record<string, number>;
  /** The process's CPU time during the call. */
  cpuMs?: number;
}

/** The function a request is made for; inside `call`, the invocation whose waiting it adds to. */
interface Ambient {
  readonly fn: string;
  readonly timing: CallTiming | null;
}

/** Anything the SDK builds: every v3 client has a middleware stack. */
export interface MeteredClient<I extends object, O extends object> {
  readonly middlewareStack: MiddlewareStack<I, O>;
}

export class RequestMeter {
  private readonly ambient = new AsyncLocalStorage<Ambient>();
  private readonly rows = new Map<string, MutableRow>();
  private readonly invocations = new Map<string, MutableInvocations>();
  private readonly logBytes = new Map<string, number>();
  private readonly series = new Set<string>();
  private storedBytes: Record<string, number> | null = null;

  /** @param base counts kept from earlier runs (DIR/meter.json): this meter adds to them. */
  constructor(
    private readonly base: MeterSnapshot = emptyMeter(new Date().toISOString()),
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Meters every request `client` makes; `label` names the function when no ambient one is set. */
  attach<I extends object, O extends object>(client: MeteredClient<I, O>, label: string = LOCAL_FUNCTION): void {
    const askCapacity: InitializeMiddleware<I, O> = (next, context) => async (args) => {
      const operation = (context.commandName ?? '').replace(/Command$/, '');
      const input = fields(args.input);
      if (serviceOf(context.clientName) === 'DynamoDB' && (DYNAMO_READS.has(operation) || DYNAMO_WRITES.has(operation))) {
        if (input.ReturnConsumedCapacity === undefined) return next({ ...args, input: { ...input, ReturnConsumedCapacity: 'TOTAL' } as I });
      }
      return next(args);
    };
    // Innermost step: one count per HTTP attempt, as AWS bills them (the SDK's retries included).
    const count: DeserializeMiddleware<I, O> = (next, context) => async (args) => {
      const service = serviceOf(context.clientName);
      const operation = (context.commandName ?? 'Unknown').replace(/Command$/, '');
      const input = fields(args.input);
      const store = this.ambient.getStore();
      const fn = store?.fn ?? label;
      const timing = store?.timing;
      if (timing && timing.inFlight++ === 0) timing.since = performance.now();
      const started = performance.now();
      try {
        const result = await next(args);
        this.record(service, operation, fn, input, fields(result.output), false);
        return result;
      } catch (error) {
        const name = (error as { name?: string }).name ?? '';
        // A refused condition still consumed a write; other failed requests are counted, not priced.
        this.record(
          service,
          name === 'ConditionalCheckFailedException' ? operation : `${operation} (${name || 'error'})`,
          fn,
          input,
          {},
          true,
        );
        throw error;
      } finally {
        if (timing) {
          const now = performance.now();
          if (--timing.inFlight === 0) timing.waitingMs += now - timing.since;
          timing.requestMs += now - started;
          timing.requests[service] = (timing.requests[service] ?? 0) + 1;
        }
      }
    };
    client.middlewareStack.add(askCapacity, {
      step: 'initialize',
      name: 'requestMeterCapacity',
      override: true,
    } as InitializeHandlerOptions);
    client.middlewareStack.add(count, {
      step: 'deserialize',
      // Outside the deserializer: it sees the parsed answer and the service's errors.
      priority: 'high',
      name: 'requestMeter',
      override: true,
    } as DeserializeHandlerOptions);
  }

  /** The row of one service, operation and function (created empty). */
  private rowOf(service: string, operation: string, fn: string): MutableRow {
    const key = `${service}\u0000${operation}\u0000${fn}`;
    const row = this.rows.get(key) ?? {
      service,
      operation,
      function: fn,
      count: 0,
      errors: 0,
      readUnits: 0,
      writeUnits: 0,
      chunks: 0,
      bytes: 0,
    };
    this.rows.set(key, row);
    return row;
  }

  /** Runs `work` on behalf of `fn`: its requests are metered under that name. */
  within<T>(fn: string, work: () => T): T {
    return this.ambient.run({ fn, timing: null }, work);
  }

  /**
   * One invocation of `fn` as its Lambda runs it: `work`'s requests are metered under `fn`,
   * its wall time is the billed duration, `records` what the invocation carried.
   */
  call<T>(fn: string, records: number, work: () => Promise<T>): Promise<T> {
    const timing: CallTiming = { inFlight: 0, since: 0, waitingMs: 0, requestMs: 0, requests: {} };
    return this.ambient.run({ fn, timing }, async () => {
      const started = performance.now();
      const cpuStarted = process.cpuUsage();
      try {
        return await work();
      } finally {
        const cpu = process.cpuUsage(cpuStarted);
        timing.cpuMs = (cpu.user + cpu.system) / 1000;
        this.recordInvocation(fn, 1, records, performance.now() - started, timing);
      }
    });
  }

  recordInvocation(fn: string, calls: number, records: number, durationMs: number, timing?: CallTiming): void {
    const entry = this.invocations.get(fn) ?? { calls: 0, records: 0, durationMs: 0, waitingMs: 0, requestMs: 0, requests: {}, cpuMs: 0 };
    entry.calls += calls;
    entry.records += records;
    entry.durationMs += durationMs;
    // A call without its CPU time measured leaves the function unbounded by CPU time from then on.
    entry.cpuMs = entry.cpuMs !== undefined && timing?.cpuMs !== undefined ? entry.cpuMs + timing.cpuMs : undefined;
    if (timing) {
      entry.waitingMs += timing.waitingMs;
      entry.requestMs += timing.requestMs;
      for (const [service, n] of Object.entries(timing.requests)) entry.requests[service] = (entry.requests[service] ?? 0) + n;
    }
    this.invocations.set(fn, entry);
  }

  /** Log bytes `fn` writes (CloudWatch Logs ingestion), at INFO as the deployed functions log, whatever `inner` shows. */
  logger(fn: string, inner: LoggerPort): LoggerPort {
    const counted =
      (level: 'info' | 'warn' | 'error') =>
      (message: string, extra?: Record<string, unknown>): void => {
        // The line Powertools writes: level, timestamp, service, message and the fields.
        const line = { level: level.toUpperCase(), timestamp: '2026-01-01T00:00:00.000Z', service: `bounce-${fn}`, message, ...extra };
        this.addLogBytes(fn, Buffer.byteLength(JSON.stringify(line)) + 1);
        inner[level](message, extra);
      };
    return { info: counted('info'), warn: counted('warn'), error: counted('error') };
  }

  addLogBytes(fn: string, bytes: number): void {
    this.logBytes.set(fn, (this.logBytes.get(fn) ?? 0) + bytes);
  }

  /** Custom metrics `fn` emits as EMF (one series per name and service): the series are what CloudWatch bills. */
  metrics(fn: string, inner: MetricsPort): MetricsPort {
    return {
      count: (name, value) => {
        this.series.add(`bounce-${fn}|${name}|service=bounce-${fn}`);
        inner.count(name, value);
      },
      flush: () => inner.flush(),
    };
  }

  /** One EMF document written to the logs: its bytes, and each metric series it names (name and dimension values). */
  recordEmf(fn: string, emf: unknown): void {
    const document = fields(emf);
    this.addLogBytes(fn, Buffer.byteLength(JSON.stringify(document)) + 1);
    for (const directive of list(fields(document._aws).CloudWatchMetrics)) {
      const { Namespace, Dimensions, Metrics } = fields(directive);
      for (const set of list(Dimensions)) {
        const dims = list(set)
          .map((name) => `${String(name)}=${String(document[String(name)] ?? '')}`)
          .join(',');
        for (const metric of list(Metrics)) this.series.add(`${String(Namespace)}|${String(fields(metric).Name)}|${dims}`);
      }
    }
  }

  /**
   * A request the deployed function makes where the local runtime writes a file instead
   * (events.jsonl for the event bus, alerts.jsonl for the alert topic): metered as the request.
   */
  recordEquivalent(service: string, operation: string, requests: number, chunkCount: number, bytes: number): void {
    const fn = this.ambient.getStore()?.fn ?? LOCAL_FUNCTION;
    const row = this.rowOf(service, operation, fn);
    row.count += requests;
    row.chunks += chunkCount;
    row.bytes += bytes;
  }

  /** Decision events as PutEvents on the bus (10 entries a call, each entry billed by 64 KB chunk). */
  decisionEvents(inner: DecisionEventSink): DecisionEventSink {
    const count = (events: readonly unknown[]) => {
      if (events.length === 0) return;
      const sizes = events.map((event) => jsonBytes(event));
      const chunkCount = sizes.reduce((n, size) => n + chunks(size), 0);
      this.recordEquivalent(
        'EventBridge',
        'PutEvents',
        Math.ceil(events.length / 10),
        chunkCount,
        sizes.reduce((n, s) => n + s, 0),
      );
    };
    return {
      publish: async (events) => {
        await inner.publish(events);
        count(events);
      },
      ...(inner.publishEach
        ? {
            publishEach: async (events) => {
              const outcome = await (inner.publishEach as NonNullable<DecisionEventSink['publishEach']>)(events);
              const unsent = new Set(outcome.unsent);
              count(events.filter((event) => !unsent.has(event)));
              return outcome;
            },
          }
        : {}),
    };
  }

  /** Alerts as SNS publishes to the alert topic. */
  alerts(inner: AlertPublisher): AlertPublisher {
    return {
      publish: async (alert) => {
        await inner.publish(alert);
        const bytes = utf8(alert.subject) + utf8(alert.text);
        this.recordEquivalent('SNS', 'Publish', 1, chunks(bytes), bytes);
      },
    };
  }

  /** Bytes the tables hold now, by table (replaces the previous measurement). */
  setStoredBytes(byTable: Record<string, number>): void {
    this.storedBytes = { ...byTable };
  }

  private record(service: string, operation: string, fn: string, input: Fields, output: Fields, failed: boolean): void {
    // An empty receive (idle polling) is kept apart: on AWS its count depends on the pollers, not on the traffic.
    const name =
      service === 'SQS' && operation === 'ReceiveMessage' && !failed && list(output.Messages).length === 0
        ? `${operation} (empty)`
        : operation;
    const row = this.rowOf(service, name, fn);
    const bytes = failed ? 0 : payloadBytes(service, operation, input, output);
    row.count++;
    if (failed) row.errors++;
    row.bytes += bytes;
    row.chunks += chunks(bytes);
    if (service === 'DynamoDB') {
      const units = failed ? { readUnits: 0, writeUnits: DYNAMO_WRITES.has(operation) ? 1 : 0 } : capacityUnits(operation, input, output);
      row.readUnits += units.readUnits;
      row.writeUnits += units.writeUnits;
    }
  }

  /** Everything metered so far, the base included. */
  snapshot(): MeterSnapshot {
    const current: MeterSnapshot = {
      ...emptyMeter(this.base.since),
      updatedAt: this.now().toISOString(),
      requests: [...this.rows.values()].map((row): RequestRow => ({ ...row })),
      invocations: Object.fromEntries([...this.invocations].map(([fn, entry]) => [fn, { ...entry, requests: { ...entry.requests } }])),
      logBytes: Object.fromEntries(this.logBytes),
      metricSeries: [...this.series],
      storedBytes: this.storedBytes,
    };
    return mergeMeters(this.base, current);
  }
}

/** DynamoDB's size of an item (attribute names + values, marshalled form), as storage is billed. */
export function itemBytes(item: Readonly<Record<string, unknown>>): number {
  let total = 0;
  for (const [name, value] of Object.entries(item)) total += Buffer.byteLength(name) + valueBytes(fields(value));
  return total;
}

function valueBytes(value: Fields): number {
  if (typeof value.S === 'string') return utf8(value.S);
  if (typeof value.N === 'string') return Math.ceil(value.N.replace(/^-|\.|e.*$/gi, '').length / 2) + 1;
  if (value.B instanceof Uint8Array) return value.B.byteLength;
  if (value.BOOL !== undefined || value.NULL !== undefined) return 1;
  if (Array.isArray(value.SS)) return value.SS.reduce<number>((n, s) => n + utf8(s), 0);
  if (Array.isArray(value.NS)) return value.NS.reduce<number>((n, s) => n + valueBytes({ N: s }), 0);
  if (Array.isArray(value.L)) return 3 + value.L.reduce<number>((n, v) => n + 1 + valueBytes(fields(v)), 0);
  if (value.M && typeof value.M === 'object') return 3 + itemBytes(fields(value.M)) + Object.keys(fields(value.M)).length;
  return 0;
}

/**
 * Counts the requests a client sends from now on (document-client commands included: they share the
 * client's middleware stack), through the same meter middleware.
 * @returns the count so far
 */
export function countRequests<I extends object, O extends object>(client: MeteredClient<I, O>): () => number {
  const meter = new RequestMeter();
  meter.attach(client);
  return () => meter.snapshot().requests.reduce((sum, row) => sum + row.count, 0);
}
