import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** A marker item: its presence records that a local migration ran. */
export interface MigrationMarker {
  readonly pk: 'LAYOUT';
  readonly sk: string;
}

/**
 * Run a migration of a local data folder's table once: skipped when its marker is there, the marker
 * written after it finished (a run that stops half-way runs again, so every migration is re-runnable).
 * Resolves with what the migration changed, 0 when it had run before.
 */
export async function onceMarked(
  client: DynamoDBDocumentClient,
  tableName: string,
  marker: MigrationMarker,
  migrate: () => Promise<number>,
): Promise<number> {
  const marked = await client.send(new GetCommand({ TableName: tableName, Key: marker, ConsistentRead: true }));
  if (marked.Item) return 0;
  const changed = await migrate();
  await client.send(new PutCommand({ TableName: tableName, Item: marker }));
  return changed;
}
