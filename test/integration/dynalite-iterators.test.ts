import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient, PutItemCommand, QueryCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { dynaliteAbstractLevel } from '../../local/dynalite-iterators.js';
import { LOCAL_NAMES, startRuntime } from '../../local/runtime.js';
import { silentLogger } from '../../shared/app/ports.js';
import { awsTestConfig } from '../support/emulators.js';

interface Store {
  attachResource(resource: object): void;
  detachResource(resource: object): void;
}

/**
 * The iterators the stores under dynalite hold open (abstract-level attaches each to its store until
 * it is closed), seen by wrapping the stores' attach and detach. Returns the open set and an undo.
 */
function watchOpenIterators(): { readonly open: Set<object>; restore(): void } {
  const open = new Set<object>();
  const undo: Array<() => void> = [];
  for (const module of dynaliteAbstractLevel()) {
    const store = (module.AbstractLevel as { prototype: Store }).prototype;
    const { attachResource, detachResource } = store;
    store.attachResource = function (this: Store, resource: object) {
      if (typeof (resource as { nextv?: unknown }).nextv === 'function') open.add(resource);
      attachResource.call(this, resource);
    };
    store.detachResource = function (this: Store, resource: object) {
      open.delete(resource);
      detachResource.call(this, resource);
    };
    undo.push(() => Object.assign(store, { attachResource, detachResource }));
  }
  return { open, restore: () => undo.forEach((step) => step()) };
}

/**
 * dynalite 4 never closes the store iterator behind a Query or Scan, and the store keeps every open
 * one: the local runtime's memory grew with every query it ran. The runtime closes them.
 */
describe("the local runtime's DynamoDB store", () => {
  it('keeps no iterator open after queries and scans, whether they read to the end or stop at a limit', async () => {
    const iterators = watchOpenIterators();
    const dataDir = mkdtempSync(join(tmpdir(), 'bounce-iterators-'));
    const runtime = await startRuntime({ port: 0, dataDir, healthEverySeconds: 0, logger: silentLogger });
    const dynamo = new DynamoDBClient({ endpoint: runtime.file.endpoints.dynamodb, ...awsTestConfig });
    try {
      const table = LOCAL_NAMES.addressTable;
      for (let n = 0; n < 5; n++) {
        await dynamo.send(new PutItemCommand({ TableName: table, Item: { pk: { S: 'ADDR#a@example.org' }, sk: { S: `HIST#${n}` } } }));
      }
      const before = iterators.open.size;
      const query = {
        TableName: table,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': { S: 'ADDR#a@example.org' } },
      };
      for (let n = 0; n < 50; n++) {
        await dynamo.send(new QueryCommand(query)); // read to the end
        await dynamo.send(new QueryCommand({ ...query, Limit: 2 })); // cut short
        if (n % 10 === 0) await dynamo.send(new ScanCommand({ TableName: table, Limit: 3 }));
      }
      await new Promise((done) => setTimeout(done, 200)); // closing is asynchronous
      // Without the fix: one more open iterator per query and scan (105, and as many inner iterators).
      expect(iterators.open.size - before).toBeLessThan(5);
    } finally {
      dynamo.destroy();
      await runtime.stop(0);
      rmSync(dataDir, { recursive: true, force: true });
      iterators.restore();
    }
  });
});
