import { BatchGetCommand, type BatchGetCommandOutput, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** BatchGetItem limits a request to 100 keys. */
const KEYS_PER_REQUEST = 100;
const ATTEMPTS = 6;

/**
 * Read many items by key: chunks of 100, unprocessed keys retried with
 * backoff, strongly consistent (a status just written must be seen) unless
 * the caller can do with an eventually consistent read.
 */
export async function batchGetAll(
  client: DynamoDBDocumentClient,
  tableName: string,
  keys: readonly Record<string, unknown>[],
  projection?: { expression: string; names: Record<string, string> },
  read: { readonly consistent: boolean } = { consistent: true },
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  for (let start = 0; start < keys.length; start += KEYS_PER_REQUEST) {
    let pending: Record<string, unknown>[] | undefined = keys.slice(start, start + KEYS_PER_REQUEST);
    for (let attempt = 0; pending && pending.length > 0 && attempt < ATTEMPTS; attempt++) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 20 * 2 ** attempt));
      const response: BatchGetCommandOutput = await client.send(
        new BatchGetCommand({
          RequestItems: {
            [tableName]: {
              Keys: pending,
              ConsistentRead: read.consistent,
              ...(projection ? { ProjectionExpression: projection.expression, ExpressionAttributeNames: projection.names } : {}),
            },
          },
        }),
      );
      items.push(...((response.Responses?.[tableName] ?? []) as Record<string, unknown>[]));
      pending = response.UnprocessedKeys?.[tableName]?.Keys;
    }
    if (pending && pending.length > 0) throw new Error(`batch read of ${tableName} left ${pending.length} keys unprocessed`);
  }
  return items;
}
