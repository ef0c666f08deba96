import {
  AWS_LATENCY_MS,
  DEFAULT_AWS_LATENCY_MS,
  DEPLOYED_STACK,
  memoryMbOf,
  RETRY_SWEEP_FUNCTION,
  PRICES,
  PRICES_AS_OF,
  type DeployedStack,
  type PriceTable,
} from '../domain/aws-prices.js';
import { SEND_INVOCATION } from './send.js';

/**
 * What a request meter saw (DIR/meter.json), and its price on AWS projected
 * to a volume of sends. Pure: the meter (shared/adapters/request-meter.ts)
 * fills the snapshot, `bounce cost` and the bench price it.
 */

export interface RequestRow {
  readonly service: string;
  readonly operation: string;
  /** The function on whose behalf it was made (classify, retry, send, health, api, ses; local: not priced). */
  readonly function: string;
  readonly count: number;
  readonly errors: number;
  /** DynamoDB read / write capacity units (reported by the service, else estimated from sizes). */
  readonly readUnits: number;
  readonly writeUnits: number;
  /** 64 KB payload chunks (what SQS, SNS and EventBridge bill by); 1 per request elsewhere. */
  readonly chunks: number;
  readonly bytes: number;
}

export interface InvocationCount {
  /** Handler calls (a batch of records for classify and retry, one message for send). */
  readonly calls: number;
  readonly records: number;
  /** Wall time of the calls. */
  readonly durationMs: number;
  /** Of it, the time with at least one AWS request in flight (local emulators here). */
  readonly waitingMs?: number;
  /** The requests' latencies added up, and their number by service (to rescale the waiting to AWS's latencies). */
  readonly requestMs?: number;
  readonly requests?: Readonly<Record<string, number>>;
  /**
   * The process's CPU time during the calls (absent in meters written before it was measured). It bounds
   * the calls' own time: on a busy machine their wall time also holds the time other processes had the
   * CPU, which a Lambda's own vCPU would not spend.
   */
  readonly cpuMs?: number;
}

export interface MeterSnapshot {
  readonly version: 1;
  /** When metering began in this data folder (counts accumulate across restarts). */
  readonly since: string;
  readonly updatedAt: string;
  /** The latest runtime start. */
  readonly runtimeStartedAt?: string;
  readonly requests: readonly RequestRow[];
  readonly invocations: Readonly<Record<string, InvocationCount>>;
  /** Log bytes by function, EMF metric documents included. */
  readonly logBytes: Readonly<Record<string, number>>;
  /** Distinct custom metric series seen ("namespace|name|dimension=value,..."). */
  readonly metricSeries: readonly string[];
  /** Bytes the tables held at the last measurement, by table (null: never measured). */
  readonly storedBytes: Readonly<Record<string, number>> | null;
}

export const emptyMeter = (since: string): MeterSnapshot => ({
  version: 1,
  since,
  updatedAt: since,
  requests: [],
  invocations: {},
  logBytes: {},
  metricSeries: [],
  storedBytes: null,
});

/** Two meters' counts added (the later one's stored bytes and start win). */
export function mergeMeters(a: MeterSnapshot, b: MeterSnapshot): MeterSnapshot {
  const rows = new Map<string, RequestRow>();
  for (const row of [...a.requests, ...b.requests]) {
    const key = `${row.service}\u0000${row.operation}\u0000${row.function}`;
    const prev = rows.get(key);
    rows.set(
      key,
      prev
        ? {
            ...prev,
            count: prev.count + row.count,
            errors: prev.errors + row.errors,
            readUnits: prev.readUnits + row.readUnits,
            writeUnits: prev.writeUnits + row.writeUnits,
            chunks: prev.chunks + row.chunks,
            bytes: prev.bytes + row.bytes,
          }
        : row,
    );
  }
  const add = (x: Readonly<Record<string, number>> = {}, y: Readonly<Record<string, number>> = {}) => {
    const sum: Record<string, number> = { ...x };
    for (const [key, value] of Object.entries(y)) sum[key] = (sum[key] ?? 0) + value;
    return sum;
  };
  const invocations: Record<string, InvocationCount> = {};
  for (const [fn, entry] of [...Object.entries(a.invocations), ...Object.entries(b.invocations)]) {
    const prev = invocations[fn] ?? { calls: 0, records: 0, durationMs: 0, cpuMs: 0 };
    invocations[fn] = {
      calls: prev.calls + entry.calls,
      records: prev.records + entry.records,
      durationMs: prev.durationMs + entry.durationMs,
      waitingMs: (prev.waitingMs ?? 0) + (entry.waitingMs ?? 0),
      requestMs: (prev.requestMs ?? 0) + (entry.requestMs ?? 0),
      requests: add(prev.requests, entry.requests),
      // Only a bound when every call was measured.
      ...(prev.cpuMs !== undefined && entry.cpuMs !== undefined ? { cpuMs: prev.cpuMs + entry.cpuMs } : {}),
    };
  }
  const runtimeStartedAt = b.runtimeStartedAt ?? a.runtimeStartedAt;
  return {
    version: 1,
    since: a.since < b.since ? a.since : b.since,
    updatedAt: a.updatedAt > b.updatedAt ? a.updatedAt : b.updatedAt,
    ...(runtimeStartedAt ? { runtimeStartedAt } : {}),
    requests: [...rows.values()],
    invocations,
    logBytes: add(a.logBytes, b.logBytes),
    metricSeries: [...new Set([...a.metricSeries, ...b.metricSeries])],
    storedBytes: b.storedBytes ?? a.storedBytes,
  };
}

/** The issue's target: dollars per million SES events at 1 M sends a day, before SES's own price. */
export const COST_TARGET_PER_MILLION_EVENTS = 1.5;

const SEND_MESSAGES_PER_INVOCATION = SEND_INVOCATION.maxMessages;
/** Lambda's START, END and REPORT lines per invocation (bytes, about). */
const PLATFORM_LOG_BYTES = 400;
/** Long polls per minute of one Lambda SQS event source on an idle queue: 5 pollers, 20 s each. */
const IDLE_RECEIVES_PER_QUEUE_MONTH = 5 * 3 * 60 * 24 * 30;
/** KMS calls per key-month: one data key and one decrypt per 5-minute reuse period. */
const KMS_REQUESTS_PER_KEY_MONTH = 2 * 12 * 24 * 30;
/**
 * Storage is a month of sends' items: the meter weights each item by the share of a month it stays (a sent
 * message's 10 days are a third; an address record, the whole month).
 */
const STORAGE_DAYS = 30;
const DAYS_PER_MONTH = 30;
const GB = 1024 ** 3;

export interface CostItem {
  readonly service: string;
  readonly operation: string;
  readonly function?: string;
  /** Requests (or GB-s, GB-month, series, alarms: `unit` says) per month at the projected volume. */
  readonly count: number;
  readonly unit: string;
  readonly dollars: number;
  /** How the metered count was projected: per-send traffic, per health run, as metered, fixed. */
  readonly basis: 'per send' | 'per health run' | 'per sweep run' | 'as metered' | 'fixed';
}

export interface CostReport {
  readonly perMillionEvents: number;
  readonly monthly: number;
  readonly items: readonly CostItem[];
  readonly assumptions: readonly string[];
  readonly target: number;
  readonly met: boolean;
  readonly pricesAsOf: string;
  readonly sendsPerDay: number;
  readonly monthlyEvents: number;
  readonly metered: {
    readonly since: string;
    readonly updatedAt: string;
    readonly sends: number;
    readonly sesEvents: number;
    readonly notificationsReceived: number;
    readonly eventsPerSend: number | null;
  };
}

export interface CostOptions {
  readonly sendsPerDay: number;
  readonly prices?: PriceTable;
  readonly stack?: DeployedStack;
}

const round = (value: number, places: number) => Math.round(value * 10 ** places) / 10 ** places;

/** Price of one metered request row (before projection). */
function requestDollars(row: RequestRow, prices: PriceTable): number {
  switch (row.service) {
    case 'DynamoDB':
      return row.readUnits * prices.dynamoReadUnit + row.writeUnits * prices.dynamoWriteUnit;
    case 'SQS':
      return row.chunks * prices.sqsRequest;
    case 'SNS':
      return row.operation.startsWith('Publish') ? row.chunks * prices.snsPublish : 0;
    case 'EventBridge':
      return row.operation === 'PutEvents' ? row.chunks * prices.eventBridgeCustomEvent : 0;
    case 'CloudWatch':
      return row.operation === 'PutMetricData' ? row.count * prices.cloudWatchPutMetricData : 0;
    case 'KMS':
      return row.count * prices.kmsRequest;
    case 'SecretsManager':
      return row.count * prices.secretsManagerRequest;
    default:
      // SES's own price is left out of the target; a service not in the table is listed at 0.
      return 0;
  }
}

/**
 * Billed duration of a function's calls on AWS: its own time (not waiting on any request) as measured, at
 * most the process's CPU time meanwhile (so other processes on a busy machine do not bill it), plus its
 * waiting time rescaled from the local emulators' latency to AWS's (overlaps kept as they were).
 */
export function billedDurationMs(entry: InvocationCount): number {
  const waiting = Math.min(entry.waitingMs ?? 0, entry.durationMs);
  const own = Math.min(entry.durationMs - waiting, entry.cpuMs ?? Number.POSITIVE_INFINITY);
  const requests = Object.entries(entry.requests ?? {});
  if (waiting === 0 || !entry.requestMs || requests.length === 0) return own + waiting;
  const awsMs = requests.reduce((n, [service, count]) => n + count * (AWS_LATENCY_MS[service] ?? DEFAULT_AWS_LATENCY_MS), 0);
  return own + waiting * Math.min(1, awsMs / entry.requestMs);
}

/** "classify 412 ms per call locally, 80 % waiting, 95 ms on AWS; ..." for each function with calls. */
function durations(meter: MeterSnapshot): string {
  const parts = Object.entries(meter.invocations)
    .filter(([fn, entry]) => fn !== 'local' && entry.calls > 0 && entry.durationMs > 0)
    .map(([fn, entry]) => {
      const share = Math.min(1, (entry.waitingMs ?? 0) / entry.durationMs);
      return (
        `${fn} ${round(entry.durationMs / entry.calls, 1)} ms per call locally, ${Math.round(share * 100)} % waiting, ` +
        `${round(billedDurationMs(entry) / entry.calls, 1)} ms on AWS`
      );
    });
  return parts.length > 0 ? parts.join('; ') : 'no call metered';
}

/** Totals the meter's counts are scaled by. */
export function meterTotals(meter: MeterSnapshot): { sends: number; sesEvents: number; notifications: number; events: number } {
  const sends = meter.invocations.send?.records ?? 0;
  const sesEvents = meter.requests
    .filter((r) => r.function === 'ses' && r.service === 'SNS' && r.operation.startsWith('Publish'))
    .reduce((n, r) => n + r.count, 0);
  const notifications = meter.invocations.classify?.records ?? 0;
  return { sends, sesEvents, notifications, events: sesEvents > 0 ? sesEvents : notifications };
}

/**
 * Prices what a meter counted, projected to `sendsPerDay`: traffic caused by
 * sends (send, classify, retry, SES's events) scales linearly with sends;
 * the health function's requests scale by its runs per month; API calls are
 * priced as metered; alarms, keys, metric series and the like are fixed.
 */
export function priceMeter(meter: MeterSnapshot, options: CostOptions): CostReport {
  const prices = options.prices ?? PRICES;
  const stack = options.stack ?? DEPLOYED_STACK;
  const totals = meterTotals(meter);
  const monthlySends = options.sendsPerDay * DAYS_PER_MONTH;
  const perSend = totals.sends > 0 ? monthlySends / totals.sends : totals.events > 0 ? monthlySends / totals.events : 0;
  const healthRuns = meter.invocations.health?.calls ?? 0;
  const perRun = healthRuns > 0 ? stack.healthRunsPerMonth / healthRuns : 0;
  const sweeps = meter.invocations[RETRY_SWEEP_FUNCTION]?.calls ?? 0;
  const perSweep = sweeps > 0 ? stack.sweepRunsPerMonth / sweeps : 0;
  // A sweep's queries happen every run whatever the traffic; the timer messages it sends follow the retries (sends).
  const sweepRun = (fn: string, service: string) => fn === RETRY_SWEEP_FUNCTION && service !== 'SQS';
  const basisOf = (fn: string, service = ''): CostItem['basis'] =>
    fn === 'health' ? 'per health run' : sweepRun(fn, service) ? 'per sweep run' : fn === 'api' ? 'as metered' : 'per send';
  const scaleOf = (fn: string, service = '') => (fn === 'health' ? perRun : sweepRun(fn, service) ? perSweep : fn === 'api' ? 1 : perSend);
  const items: CostItem[] = [];
  const local = { requests: 0, idle: 0 };

  for (const row of meter.requests) {
    if (row.function === 'local') {
      local.requests += row.count;
      continue;
    }
    if (row.operation === 'ReceiveMessage (empty)') {
      local.idle += row.count;
      continue;
    }
    const scale = scaleOf(row.function, row.service);
    const units = row.service === 'DynamoDB' ? ` (${round(row.readUnits * scale, 0)} RRU, ${round(row.writeUnits * scale, 0)} WRU)` : '';
    items.push({
      service: row.service,
      operation: `${row.operation}${units}`,
      function: row.function,
      count: row.count * scale,
      unit: 'requests',
      dollars: requestDollars(row, prices) * scale,
      basis: basisOf(row.function),
    });
  }

  const functions = Object.entries(meter.invocations).filter(([fn]) => fn !== 'local' && fn !== 'ses');
  for (const [fn, entry] of functions) {
    const scale = scaleOf(fn);
    const invocations = (fn === 'send' ? entry.calls / SEND_MESSAGES_PER_INVOCATION : entry.calls) * scale;
    // The local runtime times each send alone; the function has SEND_INVOCATION.concurrency of them in flight.
    const overlap = fn === 'send' ? SEND_INVOCATION.concurrency : 1;
    const gbSeconds = (billedDurationMs(entry) / overlap / 1000) * (memoryMbOf(fn) / 1024) * scale;
    items.push(
      {
        service: 'Lambda',
        operation: 'Invoke',
        function: fn,
        count: invocations,
        unit: 'invocations',
        dollars: invocations * prices.lambdaRequest,
        basis: basisOf(fn),
      },
      {
        service: 'Lambda',
        operation: `Duration (${memoryMbOf(fn)} MB arm64)`,
        function: fn,
        count: gbSeconds,
        unit: 'GB-s',
        dollars: gbSeconds * prices.lambdaArmGbSecond,
        basis: basisOf(fn),
      },
    );
    const logGb =
      (((meter.logBytes[fn] ?? 0) + (fn === 'send' ? entry.calls / SEND_MESSAGES_PER_INVOCATION : entry.calls) * PLATFORM_LOG_BYTES) *
        scale) /
      GB;
    items.push({
      service: 'CloudWatch Logs',
      operation: 'Ingestion',
      function: fn,
      count: logGb,
      unit: 'GB',
      dollars: logGb * prices.logsIngestionGb,
      basis: basisOf(fn),
    });
  }

  const stored = meter.storedBytes ? Object.values(meter.storedBytes).reduce((n, b) => n + b, 0) : 0;
  const storedGb = totals.sends > 0 ? ((stored / totals.sends) * options.sendsPerDay * STORAGE_DAYS) / GB : 0;
  const idleReceives = stack.polledQueues * IDLE_RECEIVES_PER_QUEUE_MONTH;
  const fixed: Array<Omit<CostItem, 'basis'>> = [
    { service: 'DynamoDB', operation: 'Storage', count: storedGb, unit: 'GB-month', dollars: storedGb * prices.dynamoStorageGbMonth },
    {
      service: 'DynamoDB',
      operation: 'Point-in-time recovery',
      count: storedGb,
      unit: 'GB-month',
      dollars: storedGb * prices.dynamoPitrGbMonth,
    },
    {
      service: 'SQS',
      operation: 'ReceiveMessage (idle long polls)',
      count: idleReceives,
      unit: 'requests',
      dollars: idleReceives * prices.sqsRequest,
    },
    {
      service: 'CloudWatch',
      operation: 'Custom metrics',
      count: meter.metricSeries.length,
      unit: 'metric-months',
      dollars: meter.metricSeries.length * prices.cloudWatchMetricMonth,
    },
    {
      service: 'CloudWatch',
      operation: 'Alarms',
      count: stack.alarms,
      unit: 'alarm-months',
      dollars: stack.alarms * prices.cloudWatchAlarmMonth,
    },
    {
      service: 'CloudWatch',
      operation: 'Dashboards',
      count: stack.dashboards,
      unit: 'dashboard-months',
      dollars: stack.dashboards * prices.cloudWatchDashboardMonth,
    },
    { service: 'KMS', operation: 'Keys', count: stack.kmsKeys, unit: 'key-months', dollars: stack.kmsKeys * prices.kmsKeyMonth },
    {
      service: 'KMS',
      operation: 'Requests (data keys)',
      count: stack.kmsKeys * KMS_REQUESTS_PER_KEY_MONTH,
      unit: 'requests',
      dollars: stack.kmsKeys * KMS_REQUESTS_PER_KEY_MONTH * prices.kmsRequest,
    },
    {
      service: 'SecretsManager',
      operation: 'Secrets',
      count: stack.secrets,
      unit: 'secret-months',
      dollars: stack.secrets * prices.secretMonth,
    },
    { service: 'EventBridge', operation: 'Health schedule (rule)', count: stack.healthRunsPerMonth, unit: 'invocations', dollars: 0 },
  ];
  items.push(...fixed.map((item): CostItem => ({ ...item, basis: 'fixed' })));

  const monthly = items.reduce((n, item) => n + item.dollars, 0);
  const monthlyEvents = totals.events * perSend;
  const perMillionEvents = monthlyEvents > 0 ? monthly / (monthlyEvents / 1e6) : 0;
  const eventsPerSend = totals.sends > 0 ? totals.events / totals.sends : null;
  const assumptions = [
    `prices: us-east-1 list prices as of ${PRICES_AS_OF}, on-demand, no free tier; ` + "SES's own price ($0.10 per 1,000 emails) left out",
    totals.sends > 0
      ? `volume: ${options.sendsPerDay} sends a day, ${DAYS_PER_MONTH} days a month; the traffic of the send, classify and ` +
        `retry functions and SES's events scales linearly from the ${totals.sends} metered sends ` +
        `(${round(eventsPerSend ?? 0, 3)} SES events per send)`
      : `volume: no send metered: --sends-per-day read as SES events a day (${totals.events} events metered)`,
    `SES events: ${totals.sesEvents > 0 ? 'SNS publishes of the local SES to the notification topic' : 'records received by classify'}; ` +
      'one SNS publish each (the SNS→SQS delivery is free)',
    `health: the metered requests of ${healthRuns} run(s), per run, × ${stack.healthRunsPerMonth} runs a month (rate 5 minutes); ` +
      'API calls as metered',
    `Lambda: one invocation per classify or retry batch, ${SEND_MESSAGES_PER_INVOCATION} messages per send invocation, ` +
      `${SEND_INVOCATION.concurrency} in flight (billed: the metered sends' time / ${SEND_INVOCATION.concurrency}); ` +
      'memory as configured (classify 1769 MB, others 512 MB, arm64)',
    'Lambda duration: the wall time of the use case (its own time at most the CPU time its process had meanwhile), ' +
      'its time waiting on the local emulators rescaled to AWS latencies ' +
      `(${Object.entries(AWS_LATENCY_MS)
        .map(([service, ms]) => `${service} ${ms} ms`)
        .join(', ')} per request): ${durations(meter)}`,
    'logs: the bytes each function logs at INFO (Powertools JSON lines, EMF documents) + ' +
      `${PLATFORM_LOG_BYTES} bytes of platform lines per invocation`,
    'DynamoDB: capacity units as DynamoDB/dynalite report them (ReturnConsumedCapacity TOTAL, table only: index writes not ' +
      'counted), else estimated from item sizes; a refused conditional write counts 1 WRU',
    meter.storedBytes
      ? `storage: the tables' bytes per metered send, each item for the share of a month it stays (until its TTL, else all ` +
        `of it), × ${STORAGE_DAYS} days of sends, point-in-time recovery on the same bytes`
      : 'storage: never measured (0)',
    'SQS/SNS/EventBridge: one request per 64 KB chunk; idle polling is not projected from the local poller but priced as ' +
      `Lambda's event source does it (5 long polls of 20 s per queue, ${stack.polledQueues} queues): ` +
      `${local.idle} local empty receives ignored`,
    `fixed each month: ${meter.metricSeries.length} custom metric series as metered, ${stack.alarms} alarms, ` +
      `${stack.dashboards} dashboard, ${stack.kmsKeys} KMS keys (2 data-key calls per key per 5 min), ${stack.secrets} secret; ` +
      'the health schedule is an EventBridge rule (free)',
    `not priced: ${local.requests} requests the local runtime made for itself (set-up, queue depths, size measurements), ` +
      'API Gateway, data transfer',
  ];
  return {
    perMillionEvents: round(perMillionEvents, 4),
    monthly: round(monthly, 2),
    items: items
      .map((item) => ({ ...item, count: round(item.count, 3), dollars: round(item.dollars, 4) }))
      .sort((a, b) => b.dollars - a.dollars),
    assumptions,
    target: COST_TARGET_PER_MILLION_EVENTS,
    met: perMillionEvents > 0 && perMillionEvents <= COST_TARGET_PER_MILLION_EVENTS,
    pricesAsOf: PRICES_AS_OF,
    sendsPerDay: options.sendsPerDay,
    monthlyEvents: Math.round(monthlyEvents),
    metered: {
      since: meter.since,
      updatedAt: meter.updatedAt,
      sends: totals.sends,
      sesEvents: totals.sesEvents,
      notificationsReceived: totals.notifications,
      eventsPerSend: eventsPerSend === null ? null : round(eventsPerSend, 4),
    },
  };
}
