import { CreateTableCommand, DescribeTableCommand, ResourceInUseException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ADDRESS_TABLE, CAMPAIGN_TABLE, type TableDescription } from './tables.js';

export interface TableNames {
  readonly addressTable: string;
  readonly campaignTable: string;
}

async function createTable(client: DynamoDBClient, name: string, table: TableDescription): Promise<void> {
  const attributes = new Set([table.partitionKey, table.sortKey, ...table.indexes.flatMap((i) => [i.partitionKey, i.sortKey])]);
  try {
    await client.send(
      new CreateTableCommand({
        TableName: name,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [...attributes].map((AttributeName) => ({ AttributeName, AttributeType: 'S' })),
        KeySchema: [
          { AttributeName: table.partitionKey, KeyType: 'HASH' },
          { AttributeName: table.sortKey, KeyType: 'RANGE' },
        ],
        ...(table.indexes.length === 0
          ? {}
          : {
              GlobalSecondaryIndexes: table.indexes.map((index) => ({
                IndexName: index.name,
                KeySchema: [
                  { AttributeName: index.partitionKey, KeyType: 'HASH' },
                  { AttributeName: index.sortKey, KeyType: 'RANGE' },
                ],
                Projection: { ProjectionType: 'ALL' },
              })),
            }),
      }),
    );
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  for (let i = 0; i < 100; i++) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: name }));
    if (Table?.TableStatus === 'ACTIVE') return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`table ${name} did not become active`);
}

/**
 * Create the pipeline's tables where they do not exist (the local runtime and
 * tests; on AWS the CDK app creates them from the same descriptions).
 */
export async function ensureTables(client: DynamoDBClient, names: TableNames): Promise<void> {
  await createTable(client, names.addressTable, ADDRESS_TABLE);
  await createTable(client, names.campaignTable, CAMPAIGN_TABLE);
}
