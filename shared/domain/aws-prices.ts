/**
 * List prices, us-east-1, on-demand, without free tiers, as of `PRICES_AS_OF`
 * (aws.amazon.com/<service>/pricing). Change the figures and the date together.
 */
export const PRICES_AS_OF = '2026-12-07';

export const PRICES = {
  lambdaRequest: 0.2 / 1e6,
  /** Per GB-second on arm64 (Graviton), first tier. */
  lambdaArmGbSecond: 0.0000133334,
  /** Per request, each 64 KB chunk of payload billed as a request. */
  sqsRequest: 0.4 / 1e6,
  /** Per publish (64 KB chunks); delivery to SQS subscriptions is free. */
  snsPublish: 0.5 / 1e6,
  dynamoWriteUnit: 0.625 / 1e6,
  dynamoReadUnit: 0.125 / 1e6,
  dynamoStorageGbMonth: 0.25,
  dynamoPitrGbMonth: 0.2,
  cloudWatchMetricMonth: 0.3,
  cloudWatchAlarmMonth: 0.1,
  cloudWatchPutMetricData: 0.01 / 1000,
  cloudWatchDashboardMonth: 3,
  logsIngestionGb: 0.5,
  eventBridgeCustomEvent: 1 / 1e6,
  eventBridgeSchedulerInvocation: 1 / 1e6,
  kmsKeyMonth: 1,
  kmsRequest: 0.03 / 10_000,
  secretMonth: 0.4,
  secretsManagerRequest: 0.05 / 10_000,
} as const;

export type PriceTable = { readonly [K in keyof typeof PRICES]: number };

/** Lambda memory of the pipeline's functions (the CDK constructs read it from here). */
export const FUNCTION_MEMORY_MB = {
  /** Classify gets one full vCPU (1,769 MB): its batches are CPU-bound. */
  classify: 1769,
  default: 512,
} as const;

/**
 * The classify function's SQS event source as deployed (the CDK construct reads it from here) and as the
 * local runtime's poller imitates it: a batch closes at `batchSize` records or after `maxBatchingWindowSeconds`.
 * Larger batches cost less per event: the campaign counters a batch touches are read and written once per batch.
 */
export const CLASSIFY_EVENT_SOURCE = { batchSize: 100, maxBatchingWindowSeconds: 5, maxConcurrency: 20 } as const;

/** The retry sweeper's name in the meter: its queries are priced per run, its timer messages per send. */
export const RETRY_SWEEP_FUNCTION = 'retry-sweep';

export const memoryMbOf = (fn: string): number => (fn === 'classify' ? FUNCTION_MEMORY_MB.classify : FUNCTION_MEMORY_MB.default);

/**
 * What the deployed stack holds that costs by the month whatever the traffic
 * (counted in the synthesized template; test/infra/cost-fixed.test.ts checks them).
 */
export const DEPLOYED_STACK = {
  alarms: 26,
  dashboards: 1,
  kmsKeys: 4,
  secrets: 1,
  /** The health function's EventBridge rule: rate(5 minutes). */
  healthRunsPerMonth: (30 * 24 * 60) / 5,
  /** The retry sweeper's EventBridge rule: rate(5 minutes). */
  sweepRunsPerMonth: (30 * 24 * 60) / 5,
  /** Queues a Lambda event source polls (notifications, retry timers, health checks). */
  polledQueues: 3,
} as const;

export type DeployedStack = { readonly [K in keyof typeof DEPLOYED_STACK]: number };

/**
 * Typical in-region latency of one request (ms). The local emulators answer more slowly: the time a
 * function spends waiting on them is rescaled to these to estimate the billed Lambda duration.
 */
export const AWS_LATENCY_MS: Readonly<Record<string, number>> = { DynamoDB: 8, SQS: 15, SNS: 20, SES: 60, EventBridge: 20 };
export const DEFAULT_AWS_LATENCY_MS = 20;
