import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

/**
 * Counts the requests a DynamoDB client sends (every command, document-client ones included: they
 * share the client's middleware stack), with an SDK middleware rather than by hand. Minimal on
 * purpose: the general request meter (per service, operation and function) can take its place.
 * @returns the count so far
 */
export function countRequests(client: DynamoDBClient): () => number {
  let count = 0;
  client.middlewareStack.add(
    (next) => async (args) => {
      count++;
      return next(args);
    },
    { step: 'initialize', name: 'countRequests', override: true },
  );
  return () => count;
}
