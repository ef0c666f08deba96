import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { CampaignWatch } from '../app/campaign-watch.js';
import { createProcessBatch, type ProcessBatch } from '../app/classify-batch.js';
import { noMetrics, silentLogger, type DeadLetterSink, type LoggerPort, type MetricsPort } from '../app/ports.js';
import type { SuppressionDeps } from '../app/suppressions.js';
import { DEFAULT_TAG_NAMES, type TagNames } from '../domain/index.js';
import { createApiHandler } from './inbound/http-api.js';
import type { TableNames } from './outbound/create-tables.js';
import { DynamoAddressRepository } from './outbound/dynamo-address-repository.js';
import { DynamoCampaignRepository } from './outbound/dynamo-campaign-repository.js';
import { SqsDeadLetterSink } from './outbound/sqs-dead-letter.js';

/**
 * The one composition root: every entry point (the Lambda handlers, the local
 * runtime, the test support and the benchmarks) builds its dependencies here
 * from plain inputs, so there is one wiring of each function and one place
 * for defaults.
 */

export type { TableNames };

/** A DynamoDB client: a plain one is wrapped in a document client here. */
export type DynamoInput = DynamoDBClient | DynamoDBDocumentClient;

/** Defaults shared by every entry point. */
export const DEFAULTS = {
  tagNames: DEFAULT_TAG_NAMES,
  clock: (): Date => new Date(),
  logger: silentLogger,
  metrics: noMetrics,
} as const;

/** A document client that drops undefined values (optional fields) instead of failing. */
export function documentClient(client: DynamoInput | DynamoDBClientConfig = {}): DynamoDBDocumentClient {
  if (client instanceof DynamoDBDocumentClient) return client;
  const base = client instanceof DynamoDBClient ? client : new DynamoDBClient(client);
  return DynamoDBDocumentClient.from(base, { marshallOptions: { removeUndefinedValues: true } });
}

export interface Stores {
  readonly doc: DynamoDBDocumentClient;
  readonly addresses: DynamoAddressRepository;
  readonly campaigns: DynamoCampaignRepository;
}

export function composeStores(dynamo: DynamoInput, tables: TableNames): Stores {
  const doc = documentClient(dynamo);
  return {
    doc,
    addresses: new DynamoAddressRepository(doc, tables.addressTable),
    campaigns: new DynamoCampaignRepository(doc, tables.campaignTable),
  };
}

export interface ClassifyInputs {
  readonly dynamo: DynamoInput;
  readonly tables: TableNames;
  /** Where records that can never succeed go: an SQS queue, or any sink (tests). */
  readonly deadLetters: DeadLetterSink | { readonly sqs: SQSClient; readonly queueUrl: string };
  readonly tagNames?: TagNames;
  readonly clock?: () => Date;
  readonly logger?: LoggerPort;
  readonly metrics?: MetricsPort;
}

/** The classify use case over one batch of queued notifications. */
export function composeClassify(inputs: ClassifyInputs): ProcessBatch {
  const { addresses, campaigns } = composeStores(inputs.dynamo, inputs.tables);
  const deadLetters =
    'send' in inputs.deadLetters ? inputs.deadLetters : new SqsDeadLetterSink(inputs.deadLetters.sqs, inputs.deadLetters.queueUrl);
  return createProcessBatch({
    addresses,
    counters: campaigns,
    delays: campaigns,
    deadLetters,
    tagNames: inputs.tagNames ?? DEFAULTS.tagNames,
    clock: inputs.clock ?? DEFAULTS.clock,
    logger: inputs.logger ?? DEFAULTS.logger,
    metrics: inputs.metrics ?? DEFAULTS.metrics,
  });
}

export interface ReadInputs {
  readonly dynamo: DynamoInput;
  readonly tables: TableNames;
  readonly clock?: () => Date;
}

/** What the look-up API and the health job read and change. */
export function composeSuppressions(inputs: ReadInputs): SuppressionDeps {
  const { addresses, campaigns } = composeStores(inputs.dynamo, inputs.tables);
  return { addresses, campaigns, delays: campaigns, clock: inputs.clock ?? DEFAULTS.clock };
}

/** The look-up API handler (API Gateway proxy events; the local HTTP server speaks the same). */
export function composeApi(inputs: ReadInputs & { readonly logger?: LoggerPort }): ReturnType<typeof createApiHandler> {
  return createApiHandler(composeSuppressions(inputs), inputs.logger ?? DEFAULTS.logger);
}

/** The health job over the campaigns active in the last `hours`. */
export function composeCampaignWatch(inputs: ReadInputs & { readonly hours?: number }): CampaignWatch {
  return new CampaignWatch(composeSuppressions(inputs), inputs.hours);
}
