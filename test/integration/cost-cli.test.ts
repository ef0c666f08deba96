import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { emptyMeter, type MeterSnapshot, type RequestRow } from '../../shared/app/cost.js';
import { bounce } from '../support/cli.js';

const row = (service: string, operation: string, fn: string, count: number, extra: Partial<RequestRow> = {}): RequestRow => ({
  service,
  operation,
  function: fn,
  count,
  errors: 0,
  readUnits: 0,
  writeUnits: 0,
  chunks: count,
  bytes: 0,
  ...extra,
});

/** A run of 1,000 sends and 2,000 SES events, as the runtime writes it. */
const runtimeMeter: MeterSnapshot = {
  ...emptyMeter('2026-12-07T10:00:00.000Z'),
  requests: [
    row('SNS', 'Publish', 'ses', 2000),
    row('DynamoDB', 'PutItem', 'classify', 2000, { writeUnits: 2000 }),
    row('SQS', 'DeleteMessageBatch', 'classify', 200),
    row('DynamoDB', 'Scan', 'local', 10, { readUnits: 10 }),
  ],
  invocations: { classify: { calls: 200, records: 2000, durationMs: 20_000 } },
  logBytes: { classify: 100_000 },
  metricSeries: ['Bounce|Sends|service=bounce-classify'],
  storedBytes: { 'bounce-addresses': 1_000_000 },
};
/** What `bounce send` metered beside it. */
const sendMeter: MeterSnapshot = {
  ...emptyMeter('2026-12-07T10:00:00.000Z'),
  requests: [row('DynamoDB', 'PutItem', 'send', 1000, { writeUnits: 1000 }), row('SES', 'SendEmail', 'send', 1000)],
  invocations: { send: { calls: 1000, records: 1000, durationMs: 30_000 } },
};

const dirs: string[] = [];
function dataDir(meters: Record<string, MeterSnapshot>): string {
  const dir = mkdtempSync(join(tmpdir(), 'bounce-cost-'));
  dirs.push(dir);
  for (const [name, meter] of Object.entries(meters)) writeFileSync(join(dir, name), JSON.stringify(meter));
  return dir;
}
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

interface CostJson {
  perMillionEvents: number;
  monthly: number;
  items: Array<{ service: string; operation: string; function?: string; count: number; dollars: number }>;
  assumptions: string[];
  target: number;
  met: boolean;
  pricesAsOf: string;
}

describe('bounce cost', () => {
  it('--json prices the meter files of the data folder, projected to --sends-per-day', async () => {
    const dir = dataDir({ 'meter.json': runtimeMeter, 'meter-send.json': sendMeter });
    const run = await bounce(['cost', '--json', '--data', dir, '--sends-per-day', '1000000']);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const report = JSON.parse(run.stdout) as CostJson;
    expect(Object.keys(report)).toEqual(expect.arrayContaining(['perMillionEvents', 'monthly', 'items', 'assumptions']));
    for (const item of report.items)
      expect(Object.keys(item)).toEqual(expect.arrayContaining(['service', 'operation', 'count', 'dollars']));
    const services = new Set(report.items.map((item) => item.service.toLowerCase()));
    for (const name of ['sqs', 'sns', 'lambda', 'dynamodb', 'cloudwatch']) expect([...services].some((s) => s.includes(name))).toBe(true);
    // 30 M sends a month from 1,000 metered: every per-send count × 30,000.
    const sesPublish = report.items.find((item) => item.service === 'SNS' && item.function === 'ses');
    expect(sesPublish).toMatchObject({ count: 60_000_000, dollars: 30 });
    const sendWrites = report.items.find((item) => item.service === 'DynamoDB' && item.function === 'send');
    expect(sendWrites).toMatchObject({ count: 30_000_000, dollars: 18.75 });
    expect(report.items.some((item) => item.operation.startsWith('Scan'))).toBe(false);
    expect(report.perMillionEvents).toBeCloseTo(report.monthly / 60, 1);
    expect(report).toMatchObject({ target: 1.5 });
    expect(report.pricesAsOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it('prints a table with the target and MET or MISSED', async () => {
    const dir = dataDir({ 'meter.json': runtimeMeter });
    const run = await bounce(['cost', '--data', dir]);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/per million SES events\s+\$\d+\.\d+\s+target \$1\.5\d*: (MET|MISSED)/);
    expect(run.stdout).toContain('Assumptions:');
  });

  it('says so when nothing was metered', async () => {
    const dir = dataDir({});
    const run = await bounce(['cost', '--json', '--data', dir]);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('nothing metered');
  });
});
