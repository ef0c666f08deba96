import { QueryCommand, ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { ProcessBatch } from '../../shared/app/classify-batch.js';
import type { DeadLetterSink } from '../../shared/app/ports.js';
import { composeClassify, documentClient, type TableNames } from '../../shared/adapters/compose.js';
import { sqsBatchHandler } from '../../shared/adapters/inbound/sqs-batch.js';
import { ensureTables } from '../../shared/adapters/outbound/create-tables.js';
import { TEST_ERASURE_KEY } from './erasure-fakes.js';

let tableSeq = 0;

export interface PipelineUnderTest {
  readonly doc: DynamoDBDocumentClient;
  readonly addressTable: string;
  readonly campaignTable: string;
  /** The classify use case, and the same behind the Lambda's SQS edge. */
  readonly process: ProcessBatch;
  readonly handler: ReturnType<typeof sqsBatchHandler>;
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
  const doc = documentClient(client);
  const deadLetters =
    options.deadLetters ??
    (options.sqs && options.deadLetterQueueUrl ? { sqs: options.sqs, queueUrl: options.deadLetterQueueUrl } : { send: async () => {} });
  const process = composeClassify({
    dynamo: doc,
    tables: { addressTable, campaignTable },
    deadLetters,
    clock: options.clock ?? (() => new Date('2026-11-20T12:00:00Z')),
    erasureKey: TEST_ERASURE_KEY,
  });
  const handler = sqsBatchHandler(process);
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
    process,
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
