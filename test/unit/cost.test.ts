import { SEND_INVOCATION } from '../../shared/app/send.js';
import { describe, expect, it } from 'vitest';
import { billedDurationMs, emptyMeter, mergeMeters, priceMeter, type MeterSnapshot, type RequestRow } from '../../shared/app/cost.js';
import { DEPLOYED_STACK, PRICES } from '../../shared/domain/aws-prices.js';

const row = (service: string, operation: string, fn: string, extra: Partial<RequestRow> = {}): RequestRow => ({
  service,
  operation,
  function: fn,
  count: 1,
  errors: 0,
  readUnits: 0,
  writeUnits: 0,
  chunks: 1,
  bytes: 0,
  ...extra,
});

/** 100 sends, 200 SES events: every figure below is per that run. */
const meter = (requests: RequestRow[], extra: Partial<MeterSnapshot> = {}): MeterSnapshot => ({
  ...emptyMeter('2026-12-07T00:00:00.000Z'),
  requests: [row('SNS', 'Publish', 'ses', { count: 200, chunks: 200 }), ...requests],
  invocations: { send: { calls: 100, records: 100, durationMs: 0 } },
  ...extra,
});

// No fixed items: only the rows under test count.
const noStack = { alarms: 0, dashboards: 0, kmsKeys: 0, secrets: 0, healthRunsPerMonth: 8640, sweepRunsPerMonth: 8640, polledQueues: 0 };
const perMonth = 1_000_000 * 30; // sends a month at 1 M a day
const scale = perMonth / 100;

const itemOf = (report: ReturnType<typeof priceMeter>, service: string, operation: string, fn?: string) =>
  report.items.find(
    (item) => item.service === service && item.operation.startsWith(operation) && (fn === undefined || item.function === fn),
  );

describe('priceMeter', () => {
  it.each([
    ['DynamoDB write units', row('DynamoDB', 'PutItem', 'classify', { count: 10, writeUnits: 30 }), 30 * scale * PRICES.dynamoWriteUnit],
    ['DynamoDB read units', row('DynamoDB', 'GetItem', 'send', { count: 10, readUnits: 5 }), 5 * scale * PRICES.dynamoReadUnit],
    ['SQS by 64 KB chunk', row('SQS', 'SendMessage', 'classify', { count: 10, chunks: 12 }), 12 * scale * PRICES.sqsRequest],
    [
      'EventBridge by entry',
      row('EventBridge', 'PutEvents', 'classify', { count: 1, chunks: 10 }),
      10 * scale * PRICES.eventBridgeCustomEvent,
    ],
    ["SES's own price left out", row('SES', 'SendEmail', 'send', { count: 100 }), 0],
  ])('%s, scaled per send', (_name, request, dollars) => {
    const report = priceMeter(meter([request]), { sendsPerDay: 1_000_000, stack: noStack });
    const item = itemOf(report, request.service, request.operation, request.function);
    expect(item?.count).toBeCloseTo(request.count * scale, 3);
    expect(item?.dollars).toBeCloseTo(dollars, 4);
    expect(item?.basis).toBe('per send');
  });

  it("prices the retry sweep's queries per run and its timer messages per send", () => {
    const report = priceMeter(
      meter(
        [
          row('DynamoDB', 'Query', 'retry-sweep', { count: 30, readUnits: 15 }),
          row('SQS', 'SendMessage', 'retry-sweep', { count: 5, chunks: 5 }),
        ],
        {
          invocations: { send: { calls: 100, records: 100, durationMs: 0 }, 'retry-sweep': { calls: 10, records: 0, durationMs: 100 } },
        },
      ),
      { sendsPerDay: 1_000_000, stack: noStack },
    );
    // 10 metered sweeps stand for the 8,640 runs of a month: 3 queries each, whatever the traffic.
    expect(itemOf(report, 'DynamoDB', 'Query', 'retry-sweep')?.count).toBeCloseTo(30 * 864, 3);
    expect(itemOf(report, 'DynamoDB', 'Query', 'retry-sweep')?.basis).toBe('per sweep run');
    expect(itemOf(report, 'SQS', 'SendMessage', 'retry-sweep')?.count).toBeCloseTo(5 * scale, 3);
    expect(itemOf(report, 'Lambda', 'Invoke', 'retry-sweep')?.count).toBeCloseTo(8640, 3);
  });

  it('prices SES events as SNS publishes and divides the month by its events', () => {
    const report = priceMeter(meter([]), { sendsPerDay: 1_000_000, stack: noStack });
    // 2 events per send: 60 M events a month, each one $0.50-per-million publish.
    expect(report.monthlyEvents).toBe(60_000_000);
    expect(itemOf(report, 'SNS', 'Publish', 'ses')?.dollars).toBeCloseTo(30, 4);
    expect(report.metered.eventsPerSend).toBe(2);
  });

  it('prices Lambda invocations and GB-s at the configured memory, 50 messages per send invocation, 10 in flight', () => {
    const report = priceMeter(
      meter([], {
        invocations: { send: { calls: 100, records: 100, durationMs: 10_000 }, classify: { calls: 20, records: 200, durationMs: 4_000 } },
      }),
      { sendsPerDay: 1_000_000, stack: noStack },
    );
    expect(itemOf(report, 'Lambda', 'Invoke', 'send')?.count).toBeCloseTo(2 * scale, 3);
    expect(itemOf(report, 'Lambda', 'Invoke', 'classify')?.count).toBeCloseTo(20 * scale, 3);
    const classifyGbS = 4 * (1769 / 1024) * scale;
    expect(itemOf(report, 'Lambda', 'Duration', 'classify')?.dollars).toBeCloseTo(classifyGbS * PRICES.lambdaArmGbSecond, 3);
    // 10 s of sends timed one by one bill 1 s with ten in flight.
    expect(itemOf(report, 'Lambda', 'Duration', 'send')?.count).toBeCloseTo((10 / SEND_INVOCATION.concurrency) * 0.5 * scale, 1);
  });

  it('keeps fixed items fixed whatever the volume, and scales health per run', () => {
    const metered = meter([row('DynamoDB', 'Query', 'health', { count: 3, readUnits: 2 })], {
      metricSeries: ['a', 'b'],
      invocations: { send: { calls: 100, records: 100, durationMs: 0 }, health: { calls: 2, records: 0, durationMs: 0 } },
    });
    const low = priceMeter(metered, { sendsPerDay: 1000, stack: DEPLOYED_STACK });
    const high = priceMeter(metered, { sendsPerDay: 1_000_000, stack: DEPLOYED_STACK });
    for (const [service, operation, dollars] of [
      ['CloudWatch', 'Alarms', DEPLOYED_STACK.alarms * PRICES.cloudWatchAlarmMonth],
      ['CloudWatch', 'Custom metrics', 2 * PRICES.cloudWatchMetricMonth],
      ['KMS', 'Keys', DEPLOYED_STACK.kmsKeys * PRICES.kmsKeyMonth],
    ] as const) {
      expect(itemOf(low, service, operation)?.dollars).toBeCloseTo(dollars, 4);
      expect(itemOf(high, service, operation)?.dollars).toBeCloseTo(dollars, 4);
    }
    expect(itemOf(high, 'DynamoDB', 'Query', 'health')?.count).toBe((3 / 2) * 8640);
    expect(itemOf(high, 'DynamoDB', 'Query', 'health')?.basis).toBe('per health run');
  });

  it("leaves out the runtime's own requests and its idle receives, and prices idle polling as Lambda does", () => {
    const report = priceMeter(
      meter([
        row('DynamoDB', 'Scan', 'local', { count: 50, readUnits: 50 }),
        row('SQS', 'ReceiveMessage (empty)', 'classify', { count: 900 }),
      ]),
      { sendsPerDay: 1_000_000, stack: { ...noStack, polledQueues: 2 } },
    );
    expect(itemOf(report, 'DynamoDB', 'Scan')).toBeUndefined();
    expect(itemOf(report, 'SQS', 'ReceiveMessage (empty)')).toBeUndefined();
    expect(itemOf(report, 'SQS', 'ReceiveMessage (idle')?.count).toBe(2 * 5 * 3 * 60 * 24 * 30);
  });

  it('prices storage as a month of sends at the bytes per send, with PITR', () => {
    const gb = 1024 ** 3;
    const report = priceMeter(meter([], { storedBytes: { a: 100 * 1000, b: 0 } }), { sendsPerDay: 1_000_000, stack: noStack });
    const storedGb = (1000 * 1_000_000 * 30) / gb;
    expect(itemOf(report, 'DynamoDB', 'Storage')?.dollars).toBeCloseTo(storedGb * PRICES.dynamoStorageGbMonth, 3);
    expect(itemOf(report, 'DynamoDB', 'Point-in-time')?.dollars).toBeCloseTo(storedGb * PRICES.dynamoPitrGbMonth, 3);
  });

  it('totals the items, per million events beside the target', () => {
    const report = priceMeter(meter([row('DynamoDB', 'PutItem', 'classify', { count: 100, writeUnits: 100 })]), {
      sendsPerDay: 1_000_000,
      stack: noStack,
    });
    const monthly = report.items.reduce((n, item) => n + item.dollars, 0);
    expect(report.monthly).toBeCloseTo(monthly, 2);
    // Per event: SNS $0.50 per million + 0.5 WRU at $0.625 per million; and the send function's
    // 2 invocations per 100 sends with their 400 bytes of platform log lines each.
    const sendFunction = 2 * scale * PRICES.lambdaRequest + ((2 * 400 * scale) / 1024 ** 3) * PRICES.logsIngestionGb;
    expect(report.perMillionEvents).toBeCloseTo(0.5 + 0.3125 + sendFunction / 60, 4);
    expect(report).toMatchObject({ target: 1.5, met: true });
    expect(report.assumptions.length).toBeGreaterThan(5);
  });

  it('adds meters up (a restart, the send command beside the runtime)', () => {
    const a = meter([row('SQS', 'SendMessage', 'retry', { count: 2, chunks: 2 })], { metricSeries: ['x'], storedBytes: { t: 5 } });
    const b = { ...meter([row('SQS', 'SendMessage', 'retry', { count: 3, chunks: 4 })], { metricSeries: ['x', 'y'] }), storedBytes: null };
    const sum = mergeMeters(a, b);
    expect(sum.requests.find((r) => r.operation === 'SendMessage')).toMatchObject({ count: 5, chunks: 6 });
    expect(sum.invocations.send).toMatchObject({ calls: 200 });
    expect(sum.metricSeries).toEqual(['x', 'y']);
    expect(sum.storedBytes).toEqual({ t: 5 });
  });
});

describe('billedDurationMs', () => {
  it('merges CPU time only while every call of a function has it (an older meter file has none)', () => {
    const meter = (cpuMs?: number): MeterSnapshot => ({
      ...emptyMeter('2026-12-07T00:00:00.000Z'),
      invocations: { classify: { calls: 1, records: 10, durationMs: 100, ...(cpuMs === undefined ? {} : { cpuMs }) } },
    });
    expect(mergeMeters(meter(20), meter(30)).invocations.classify?.cpuMs).toBe(50);
    expect(mergeMeters(meter(20), meter()).invocations.classify?.cpuMs).toBeUndefined();
    expect(mergeMeters(meter(), meter(20)).invocations.classify?.cpuMs).toBeUndefined();
  });

  it.each([
    ['no request: the wall time', { calls: 1, records: 1, durationMs: 100 }, 100],
    [
      'waiting on 10 DynamoDB requests of 40 ms each, sequential: own time + 10 × 8 ms',
      { calls: 1, records: 1, durationMs: 450, waitingMs: 400, requestMs: 400, requests: { DynamoDB: 10 } },
      50 + 80,
    ],
    [
      '10 requests of 40 ms in parallel: the overlap is kept (one 8 ms wait)',
      { calls: 1, records: 1, durationMs: 90, waitingMs: 40, requestMs: 400, requests: { DynamoDB: 10 } },
      50 + 8,
    ],
    [
      'an emulator faster than AWS is not sped up',
      { calls: 1, records: 1, durationMs: 100, waitingMs: 50, requestMs: 50, requests: { SES: 1 } },
      100,
    ],
    [
      'a busy machine: own time beyond the CPU time the process had is other processes, not billed',
      { calls: 1, records: 1, durationMs: 1450, waitingMs: 400, requestMs: 400, requests: { DynamoDB: 10 }, cpuMs: 60 },
      60 + 80,
    ],
    [
      'a quiet machine: CPU time above the own time (the emulators work meanwhile) does not add',
      { calls: 1, records: 1, durationMs: 450, waitingMs: 400, requestMs: 400, requests: { DynamoDB: 10 }, cpuMs: 300 },
      50 + 80,
    ],
    ['no request, CPU-bound by another process', { calls: 1, records: 1, durationMs: 100, cpuMs: 30 }, 30],
  ])('%s', (_name, entry, expected) => {
    expect(billedDurationMs(entry)).toBeCloseTo(expected, 6);
  });
});
