import type { AddressInfo } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { composeHealthChecker, composeHealthJob, documentClient } from '../shared/adapters/compose.js';
import { ensureTables } from '../shared/adapters/outbound/create-tables.js';
import { DynamoCampaignRepository } from '../shared/adapters/outbound/dynamo-campaign-repository.js';
import { countRequests } from '../shared/adapters/request-meter.js';
import { forEachLimited } from '../shared/app/concurrency.js';
import type { HealthMetricsPort } from '../shared/app/health-ports.js';
import { HEALTH_FAN_OUT } from '../shared/app/health-job.js';
import { EMPTY_SKETCH, hourOf } from '../shared/domain/index.js';

/**
 * One scheduled health pass over CAMPAIGNS campaigns on dynalite (their counters written straight
 * through the repository, one active hour each), through the deployed code path: finder, fan-out
 * messages, checker batches at the event source's concurrency. Prints campaigns per second, storage
 * requests per campaign (SDK middleware count) and the extrapolation to 100,000 campaigns.
 */
const CAMPAIGNS = Number(process.env.BENCH_HEALTH_CAMPAIGNS ?? 3000);
const TARGET_CAMPAIGNS = 100_000;
const NOW = new Date('2026-11-25T12:30:00Z');
/** DynamoDB's latency per request, assumed (single-digit ms; 10 to be safe): not measured here. */
const ASSUMED_REQUEST_MS = 10;

export async function benchHealth(): Promise<void> {
  const server = dynalite({ createTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const config = {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    region: 'us-east-1',
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
  };
  const seeding = new DynamoDBClient(config);
  const tables = { addressTable: 'health-addresses', campaignTable: 'health-campaigns' };
  await ensureTables(seeding, tables);
  const repository = new DynamoCampaignRepository(documentClient(seeding), tables.campaignTable);
  const hour = hourOf(NOW.toISOString());
  const counts = { sends: 1000, deliveries: 985, hardBounces: 3 };
  const started = performance.now();
  await forEachLimited(
    Array.from({ length: CAMPAIGNS }, (_, i) => `bench-${i}`),
    16,
    async (campaign) => {
      await repository.markActive(campaign, hour);
      for (const [name, value] of Object.entries(counts)) await repository.writeCounter({ campaign, hour, name }, EMPTY_SKETCH, value, 0);
    },
  );
  const seedSeconds = (performance.now() - started) / 1000;

  const client = new DynamoDBClient(config);
  const requests = countRequests(client);
  let heartbeats = 0;
  const metrics: HealthMetricsPort = { campaign: () => {}, account: () => {}, heartbeat: () => void heartbeats++, flush: async () => {} };
  const inputs = { dynamo: client, tables, clock: () => NOW, alerts: { publish: async () => {} }, metrics };
  const passStarted = performance.now();
  const run = await composeHealthJob(inputs)();
  const passSeconds = (performance.now() - passStarted) / 1000;
  const passRequests = requests();

  // One checker invocation alone: a batch of messages as the event source hands it over.
  const group = (offset: number) =>
    JSON.stringify({
      version: 1,
      at: NOW.toISOString(),
      campaigns: Array.from({ length: HEALTH_FAN_OUT.campaignsPerMessage }, (_, i) => ({
        campaign: `bench-${offset + i}`,
        active: true,
        mark: null,
      })),
    });
  const batch = Array.from({ length: HEALTH_FAN_OUT.messagesPerBatch }, (_, i) => ({
    id: String(i),
    body: group(i * HEALTH_FAN_OUT.campaignsPerMessage),
  }));
  const batchStarted = performance.now();
  await composeHealthChecker(inputs)(batch);
  const batchSeconds = (performance.now() - batchStarted) / 1000;
  const perBatch = HEALTH_FAN_OUT.campaignsPerMessage * HEALTH_FAN_OUT.messagesPerBatch;
  // The checker alone: requests per campaign checked, the finder's per-run reads aside.
  const perCampaign = (requests() - passRequests) / perBatch;
  const periodSeconds = HEALTH_FAN_OUT.scheduleMinutes * 60;
  const invocations = Math.ceil(TARGET_CAMPAIGNS / perBatch);
  const fannedOut = (invocations / HEALTH_FAN_OUT.maxConcurrency) * batchSeconds;
  // dynalite on a shared 2-core box is CPU-bound; DynamoDB answers a request in about 10 ms whatever its
  // keys: an invocation is then its campaigns' requests one after another, campaignsInFlight at a time.
  const awsBatchSeconds = ((perBatch / HEALTH_FAN_OUT.campaignsInFlight) * perCampaign * ASSUMED_REQUEST_MS) / 1000;
  const awsSeconds = (invocations / HEALTH_FAN_OUT.maxConcurrency) * awsBatchSeconds;
  const f = (n: number, digits = 1) => n.toFixed(digits);

  console.log(`\nHealth pass on dynalite (${CAMPAIGNS} campaigns active in one hour, seeded in ${f(seedSeconds)} s)`);
  console.log(
    `  pass: ${run.checks.length} checked, ${run.failed.length} failed, ${run.messages} messages, ` +
      `heartbeat ${heartbeats === 1 && run.heartbeat ? 'written' : 'NOT written'}, ${f(passSeconds)} s: ` +
      `${f(run.checks.length / passSeconds, 0)} campaigns/s on this machine (store and checkers on the same ${'2'}-core box)`,
  );
  console.log(
    `  storage requests: ${passRequests} for the pass (${f(passRequests / Math.max(1, run.checks.length), 2)} per campaign), ` +
      `${f(perCampaign, 2)} per campaign checked (target <= 5; a campaign's 336 hours of counters are one Query ` +
      `of its partition, plus its open alerts when it is marked and its delays when it has any)`,
  );
  console.log(
    `  one checker invocation (${HEALTH_FAN_OUT.messagesPerBatch} messages x ${HEALTH_FAN_OUT.campaignsPerMessage} campaigns): ` +
      `${f(batchSeconds, 2)} s`,
  );
  const target = TARGET_CAMPAIGNS.toLocaleString('en-US');
  const wholePass = TARGET_CAMPAIGNS / (run.checks.length / passSeconds);
  console.log(
    `  ${target} campaigns: ${invocations} invocations / ${HEALTH_FAN_OUT.maxConcurrency} at once x ${f(batchSeconds, 2)} s = ` +
      `${f(fannedOut, 0)} s; at this machine's whole-pass rate ${f(wholePass, 0)} s (target: one schedule period, ${periodSeconds} s)`,
  );
  const requestRate = (TARGET_CAMPAIGNS * perCampaign) / periodSeconds;
  console.log(
    `  same with DynamoDB at ${ASSUMED_REQUEST_MS} ms a request (assumed): ${f(awsBatchSeconds, 2)} s an invocation, ` +
      `${f(awsSeconds, 0)} s for ${target} campaigns (${f(requestRate, 0)} requests/s over the period)`,
  );
  client.destroy();
  seeding.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}
