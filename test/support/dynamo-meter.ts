import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { dynamoItemBytes } from '../../shared/adapters/outbound/item-size.js';

export interface MeteredPut {
  readonly pk: string;
  /** The item's size as DynamoDB counts it. */
  readonly bytes: number;
  /** Write units the emulator reported (a failed condition reports none: DynamoDB bills the stored item's size). */
  readonly units: number | null;
  readonly conditionFailed: boolean;
}

export interface DynamoMeter {
  readonly puts: MeteredPut[];
  /** GetItem requests by partition key prefix (up to the first '#'). */
  readonly gets: Map<string, number>;
  clear(): void;
}

const prefixOf = (pk: string): string => pk.slice(0, pk.indexOf('#') + 1) || pk;

/**
 * Counts the puts and reads a DynamoDB client makes (through the document client too), with each put
 * item's size and the write units dynalite reports for it.
 */
export function meterDynamo(client: DynamoDBClient): DynamoMeter {
  const puts: MeteredPut[] = [];
  const gets = new Map<string, number>();
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as { Item?: Record<string, unknown>; Key?: Record<string, unknown>; ReturnConsumedCapacity?: string };
      if (context.commandName === 'GetItemCommand' && input.Key) {
        const prefix = prefixOf(String(input.Key.pk));
        gets.set(prefix, (gets.get(prefix) ?? 0) + 1);
      }
      if (context.commandName !== 'PutItemCommand' || !input.Item) return next(args);
      const pk = String(input.Item.pk);
      const bytes = dynamoItemBytes(input.Item);
      input.ReturnConsumedCapacity = 'TOTAL';
      try {
        const result = await next(args);
        const output = result.output as { ConsumedCapacity?: { CapacityUnits?: number } };
        puts.push({ pk, bytes, units: output.ConsumedCapacity?.CapacityUnits ?? null, conditionFailed: false });
        return result;
      } catch (error) {
        if ((error as Error).name === 'ConditionalCheckFailedException') puts.push({ pk, bytes, units: null, conditionFailed: true });
        throw error;
      }
    },
    // At initialize a document client's input still holds plain values (it is marshalled later).
    { step: 'initialize', name: 'meterDynamo' },
  );
  return {
    puts,
    gets,
    clear: () => {
      puts.length = 0;
      gets.clear();
    },
  };
}
