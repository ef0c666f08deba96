import { DynamoDBDocumentClient, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { createClassifyBatchHandler } from '../../shared/app/classify-batch.js';
import { noMetrics, silentLogger, type DeadLetterSink } from '../../shared/app/ports.js';
import { ensureTables, type TableNames } from '../../shared/adapters/create-tables.js';
import { DynamoAddressRepository } from '../../shared/adapters/dynamo-address-repository.js';
import { DynamoCampaignRepository } from '../../shared/adapters/dynamo-campaign-repository.js';
import { SqsDeadLetterSink } from '../../shared/adapters/sqs-dead-letter.js';

let tableSeq = 0;

export interface PipelineUnderTest {
  readonly doc: DynamoDBDocumentClient;
  readonly addressTable: string;
  readonly campaignTable: string;
  readonly handler: ReturnType<typeof createClassifyBatchHandler>;
  /** Every item of both tables, sorted, for whole-state comparisons. */
  dump(): Promise<Record<string, unknown>[]>;
  addressItems(email: string): Promise<Record<string, unknown>[]>;
}

/** Fresh tables and a classify handler wired to them (and to a DLQ, or a recording sink). */
export async function pipelineOn(
  client: DynamoDBClient,
  options: { clock?: () => Date; deadLetters?: DeadLetterSink; sqs?: SQSClient; deadLetterQueueUrl?: string; tables?: TableNames } = {},
): Promise<PipelineUnderTest> {
  tableSeq++;
  const { addressTable, campaignTable } = options.tables ?? {
    addressTable: `addresses-${tableSeq}`,
    campaignTable: `campaigns-${tableSeq}`,
  };
  if (!options.tables) await ensureTables(client, { addressTable, campaignTable });
  const doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  const campaigns = new DynamoCampaignRepository(doc, campaignTable);
  const deadLetters =
    options.deadLetters ??
    (options.sqs && options.deadLetterQueueUrl ? new SqsDeadLetterSink(options.sqs, options.deadLetterQueueUrl) : { send: async () => {} });
  const handler = createClassifyBatchHandler({
    addresses: new DynamoAddressRepository(doc, addressTable),
    counters: campaigns,
    delays: campaigns,
    deadLetters,
    logger: silentLogger,
    metrics: noMetrics,
    clock: options.clock ?? (() => new Date('2026-11-20T12:00:00Z')),
  });
  const scan = async (table: string) => {
    const items: Record<string, unknown>[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await doc.send(new ScanCommand({ TableName: table, ExclusiveStartKey: startKey, ConsistentRead: true }));
      items.push(...((page.Items ?? []) as Record<string, unknown>[]).map((item) => ({ table: table.split('-')[0], ...item })));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return items;
  };
  return {
    doc,
    addressTable,
    campaignTable,
    handler,
    dump: async () => {
      const items = [...(await scan(addressTable)), ...(await scan(campaignTable))];
      return items.sort((a, b) => `${a.table}${a.pk}${a.sk}`.localeCompare(`${b.table}${b.pk}${b.sk}`));
    },
    addressItems: async (email) => {
      const { Items = [] } = await doc.send(
        new QueryCommand({
          TableName: addressTable,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': `ADDR#${email}` },
          ConsistentRead: true,
        }),
      );
      return Items as Record<string, unknown>[];
    },
  };
}
