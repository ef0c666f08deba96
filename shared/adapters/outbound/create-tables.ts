import {
  CreateTableCommand,
  DescribeContinuousBackupsCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  ResourceInUseException,
  UpdateContinuousBackupsCommand,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { ADDRESS_TABLE, CAMPAIGN_TABLE, TTL_ATTRIBUTE, type TableDescription } from './tables.js';

export interface TableNames {
  readonly addressTable: string;
  readonly campaignTable: string;
}

export interface TableOptions {
  /**
   * Real tables (the runtime's `--external` mode): deletion protection, point-in-time recovery and TTL
   * on `expiresAt`, as the CDK app sets them. Emulators have none of these calls.
   */
  readonly durable?: boolean;
}

/**
 * TTL and point-in-time recovery on an existing table. A step the service refuses (missing permission,
 * an emulator without the call) is reported, not thrown: the pipeline works without them, a person
 * should still know.
 */
async function makeDurable(client: DynamoDBClient, name: string): Promise<string[]> {
  const problems: string[] = [];
  const step = async (what: string, run: () => Promise<void>) => {
    try {
      await run();
    } catch (error) {
      problems.push(`${name}: ${what} not enabled (${(error as Error).name}: ${(error as Error).message})`);
    }
  };
  await step('TTL on expiresAt', async () => {
    const ttl = await client.send(new DescribeTimeToLiveCommand({ TableName: name }));
    const ttlStatus = ttl.TimeToLiveDescription?.TimeToLiveStatus;
    if (ttlStatus === 'ENABLED' || ttlStatus === 'ENABLING') return;
    await client.send(
      new UpdateTimeToLiveCommand({ TableName: name, TimeToLiveSpecification: { Enabled: true, AttributeName: TTL_ATTRIBUTE } }),
    );
  });
  await step('point-in-time recovery', async () => {
    const backups = await client.send(new DescribeContinuousBackupsCommand({ TableName: name }));
    if (backups.ContinuousBackupsDescription?.PointInTimeRecoveryDescription?.PointInTimeRecoveryStatus === 'ENABLED') return;
    await client.send(
      new UpdateContinuousBackupsCommand({ TableName: name, PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } }),
    );
  });
  return problems;
}

async function createTable(client: DynamoDBClient, name: string, table: TableDescription, options: TableOptions): Promise<string[]> {
  const attributes = new Set([table.partitionKey, table.sortKey, ...table.indexes.flatMap((i) => [i.partitionKey, i.sortKey])]);
  try {
    await client.send(
      new CreateTableCommand({
        TableName: name,
        BillingMode: 'PAY_PER_REQUEST',
        ...(options.durable ? { DeletionProtectionEnabled: true } : {}),
        AttributeDefinitions: [...attributes].map((AttributeName) => ({ AttributeName, AttributeType: 'S' })),
        KeySchema: [
          { AttributeName: table.partitionKey, KeyType: 'HASH' },
          { AttributeName: table.sortKey, KeyType: 'RANGE' },
        ],
        ...(table.indexes.length === 0
          ? {}
          : {
              GlobalSecondaryIndexes: table.indexes.map(indexSpec),
            }),
      }),
    );
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  // The SDK's waiter: polls DescribeTable until the table is ACTIVE (up to 5 minutes on AWS).
  await waitUntilTableExists({ client, minDelay: 1, maxDelay: 10, maxWaitTime: 300 }, { TableName: name });
  const problems = await addMissingIndexes(client, name, table);
  return [...problems, ...(options.durable ? await makeDurable(client, name) : [])];
}

/**
 * A table created before an index was added to its description (a data folder from an earlier
 * version) gets it now; where the service cannot add one (dynalite), it is reported.
 */
async function addMissingIndexes(client: DynamoDBClient, name: string, table: TableDescription): Promise<string[]> {
  const { Table } = await client.send(new DescribeTableCommand({ TableName: name }));
  const present = new Set((Table?.GlobalSecondaryIndexes ?? []).map((index) => index.IndexName));
  const problems: string[] = [];
  for (const index of table.indexes.filter((i) => !present.has(i.name))) {
    try {
      await client.send(
        new UpdateTableCommand({
          TableName: name,
          AttributeDefinitions: [
            { AttributeName: index.partitionKey, AttributeType: 'S' },
            { AttributeName: index.sortKey, AttributeType: 'S' },
          ],
          GlobalSecondaryIndexUpdates: [{ Create: { ...indexSpec(index) } }],
        }),
      );
    } catch (error) {
      problems.push(`${name}: index ${index.name} missing and not added (${(error as Error).name}); a new data folder has it`);
    }
  }
  return problems;
}

function indexSpec(index: TableDescription['indexes'][number]) {
  return {
    IndexName: index.name,
    KeySchema: [
      { AttributeName: index.partitionKey, KeyType: 'HASH' as const },
      { AttributeName: index.sortKey, KeyType: 'RANGE' as const },
    ],
    Projection: index.nonKeyAttributes
      ? { ProjectionType: 'INCLUDE' as const, NonKeyAttributes: [...index.nonKeyAttributes] }
      : { ProjectionType: 'ALL' as const },
  };
}

/**
 * Create the pipeline's tables where they do not exist (the local runtime and
 * tests; on AWS the CDK app creates them from the same descriptions). Returns
 * what could not be made durable (`durable` only).
 */
export async function ensureTables(client: DynamoDBClient, names: TableNames, options: TableOptions = {}): Promise<string[]> {
  return [
    ...(await createTable(client, names.addressTable, ADDRESS_TABLE, options)),
    ...(await createTable(client, names.campaignTable, CAMPAIGN_TABLE, options)),
  ];
}
