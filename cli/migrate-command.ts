import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { documentClient } from '../shared/adapters/compose.js';
import { backfillStatusShards, type StatusShardBackfill } from '../shared/adapters/outbound/dynamo-address-repository.js';
import type { CommandIo } from './suppression-commands.js';
import { terminalSafe } from './terminal-text.js';

export interface MigrateCommandOptions {
  /** The deployed address table (the stack's AddressTableName output). */
  readonly table: string;
  readonly region?: string;
  /** Parallel scan segments. */
  readonly segments: number;
  readonly json: boolean;
}

/**
 * `bounce migrate --table NAME`: brings a deployed address table up to this version's layout, with the
 * default AWS credentials (AWS_ENDPOINT_URL_DYNAMODB points it elsewhere). Today one step: every record
 * written before the sharded status index gets its `statusShard`, so lists show it again. Safe to run
 * while the functions write, and again: a second run changes nothing.
 */
export async function migrateCommand(options: MigrateCommandOptions, io: CommandIo, client?: DynamoDBClient): Promise<number> {
  const dynamo = client ?? new DynamoDBClient(options.region ? { region: options.region } : {});
  let last = 0;
  const progress = (done: StatusShardBackfill) => {
    if (options.json || Date.now() - last < 2000) return;
    last = Date.now();
    io.stderr.write(
      `migrate: ${done.scanned.toLocaleString('en-US')} items read, ${done.changed.toLocaleString('en-US')} records given a status shard\n`,
    );
  };
  try {
    const done = await backfillStatusShards(documentClient(dynamo), options.table, { segments: options.segments, onProgress: progress });
    if (options.json)
      io.stdout.write(`${JSON.stringify({ table: options.table, scanned: done.scanned, statusShardsAdded: done.changed })}\n`);
    else
      io.stdout.write(
        `migrate: ${terminalSafe(options.table)}: ${done.scanned.toLocaleString('en-US')} items read, ` +
          `${done.changed.toLocaleString('en-US')} records given a status shard; the table is on this version's layout\n`,
      );
    return 0;
  } catch (error) {
    const { name, message } = error as Error;
    io.stderr.write(`bounce migrate: ${terminalSafe(options.table)}: ${name}: ${terminalSafe(message)}\n`);
    return 1;
  } finally {
    if (!client) dynamo.destroy();
  }
}
