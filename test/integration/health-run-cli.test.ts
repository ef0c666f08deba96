import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientConfigFor } from '../../local/runtime-file.js';
import { documentClient } from '../../shared/adapters/compose.js';
import { DynamoCampaignRepository } from '../../shared/adapters/outbound/dynamo-campaign-repository.js';
import { hourOf } from '../../shared/domain/index.js';
import { bounce, startBounce, type StartedRuntime } from '../support/cli.js';
import { seedCounts } from '../support/counters.js';

describe('bounce health --run (spawned as a user runs it)', () => {
  let dataDir: string;
  let runtime: StartedRuntime;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'bounce-health-run-'));
    runtime = await startBounce(dataDir, ['--port', '0', '--memory']);
    // Counters written straight into the runtime's store: what the pass reads, without the pipeline.
    const client = new DynamoDBClient(clientConfigFor(runtime.file, 'dynamodb'));
    const repository = new DynamoCampaignRepository(documentClient(client), runtime.file.tables.campaigns);
    const hour = hourOf(new Date().toISOString());
    for (let i = 0; i < 30; i++) {
      await repository.markActive(`c-${i}`, hour);
      await seedCounts(repository, `c-${i}`, hour, i === 0 ? { sends: 1000, hardBounces: 40 } : { sends: 100, deliveries: 100 });
    }
    client.destroy();
  }, 60_000);
  afterAll(async () => {
    expect(await runtime.stop()).toBe(0);
  }, 60_000);

  it('runs one scheduled pass now and prints {campaignsChecked, storageRequests, durationMs, heartbeat}', async () => {
    const run = await bounce(['health', '--run', '--json', '--data', dataDir]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const report = JSON.parse(run.stdout) as Record<string, unknown>;
    expect(Object.keys(report).slice(0, 4)).toEqual(['campaignsChecked', 'storageRequests', 'durationMs', 'heartbeat']);
    expect(report).toMatchObject({ campaignsChecked: 30, heartbeat: true, messages: 2, alerts: 1, failed: 0 });
    // 25 per run (the finder's marker queries and marks), 5 per campaign on this key layout, a few for the alert.
    expect(report.storageRequests).toBeLessThanOrEqual(5 * 30 + 25 + 5);
    expect(report.durationMs).toEqual(expect.any(Number));
    const metrics = readFileSync(join(dataDir, 'metrics.jsonl'), 'utf8');
    expect(metrics).toContain('"HealthHeartbeat":1');
    expect(readFileSync(join(dataDir, 'alerts.jsonl'), 'utf8')).toContain('"campaign":"c-0"');
  }, 120_000);

  it('says so when no runtime is running', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'bounce-health-none-'));
    const run = await bounce(['health', '--run', '--json', '--data', empty]);
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^bounce health: the runtime is not running .*\.\/bounce start --data /);
  });
});
