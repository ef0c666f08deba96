import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { faultsFromEnvironment, injectDynamoFaults, parseFaultRates } from '../../local/fault-injection.js';
import { silentLogger } from '../../shared/app/ports.js';
import { awsTestConfig, startDynamo, type Dynamo } from '../support/emulators.js';

let dynamo: Dynamo;
beforeAll(async () => {
  dynamo = await startDynamo();
});
afterAll(async () => {
  await dynamo?.stop();
});

/** A fresh client on the emulator, so each test's middleware stays its own. */
const client = (maxAttempts = 3) => new DynamoDBClient({ endpoint: dynamo.endpoint, ...awsTestConfig, maxAttempts });

/** A fixed sequence of draws, repeated. */
const draws = (...values: number[]) => {
  let i = 0;
  return () => values[i++ % values.length] as number;
};

describe('BOUNCE_INJECT_FAULTS', () => {
  it('reads the rates, and refuses what it cannot read', () => {
    expect(parseFaultRates('throttle:0.03,error500:0.01')).toEqual({ throttle: 0.03, error500: 0.01 });
    expect(parseFaultRates('error500:0.2')).toEqual({ throttle: 0, error500: 0.2 });
    for (const bad of ['throttle', 'throttle:', 'throttle:abc', 'throttle:1.5', 'slow:0.1', 'throttle:0.6,error500:0.6', 'throttle:0.1:2'])
      expect(() => parseFaultRates(bad), bad).toThrow(/BOUNCE_INJECT_FAULTS/);
  });

  it('is off unless the variable is set', () => {
    expect(faultsFromEnvironment(client(), silentLogger, {})).toBeNull();
    expect(faultsFromEnvironment(client(), silentLogger, { BOUNCE_INJECT_FAULTS: 'throttle:0.1' })).toEqual({
      calls: 0,
      throttled: 0,
      failed500: 0,
    });
  });

  it("answers as DynamoDB does: the SDK's modelled errors, retried by its retry strategy", async () => {
    const throttled = client();
    injectDynamoFaults(throttled, { throttle: 1, error500: 0 }, draws(0.1, 0.9));
    // Draws below half the rate are capacity errors, the others request-rate throttling; 3 attempts, then the error.
    await expect(throttled.send(new ListTablesCommand({}))).rejects.toMatchObject({
      name: 'ProvisionedThroughputExceededException',
      $metadata: { httpStatusCode: 400, attempts: 3 },
    });
    const failing = client(2);
    injectDynamoFaults(failing, { throttle: 0, error500: 1 });
    await expect(failing.send(new ListTablesCommand({}))).rejects.toMatchObject({
      name: 'InternalServerError',
      $fault: 'server',
      $metadata: { httpStatusCode: 500, attempts: 2 },
    });

    // A throttle, then a 500, then the real call: the SDK retries both faults and the call succeeds.
    const flaky = client();
    const counts = injectDynamoFaults(flaky, { throttle: 0.5, error500: 0.25 }, draws(0.4, 0.6, 0.9));
    const answer = await flaky.send(new ListTablesCommand({}));
    expect(answer.$metadata.attempts).toBe(3);
    expect(Array.isArray(answer.TableNames)).toBe(true);
    expect(counts).toEqual({ calls: 3, throttled: 1, failed500: 1 });
  });

  it('with first:N, answers faults only among the first N calls: an outage that ends', async () => {
    expect(parseFaultRates('error500:1,first:2')).toEqual({ throttle: 0, error500: 1, first: 2 });
    for (const bad of ['first:-1', 'first:1.5', 'first:', 'first:many'])
      expect(() => parseFaultRates(bad), bad).toThrow(/BOUNCE_INJECT_FAULTS/);
    const outage = client(1);
    const counts = injectDynamoFaults(outage, { throttle: 0, error500: 1, first: 2 });
    for (let call = 0; call < 2; call++)
      await expect(outage.send(new ListTablesCommand({}))).rejects.toMatchObject({ name: 'InternalServerError' });
    const answer = await outage.send(new ListTablesCommand({}));
    expect(answer.$metadata).toMatchObject({ httpStatusCode: 200, attempts: 1 });
    expect(counts).toEqual({ calls: 3, throttled: 0, failed500: 2 });
  });

  it('leaves the calls made before it is armed alone, and does not count them (the runtime arms it once started)', async () => {
    let armed = false;
    const later = client(1);
    const counts = injectDynamoFaults(later, { throttle: 0, error500: 1 }, Math.random, () => armed);
    expect((await later.send(new ListTablesCommand({}))).$metadata.httpStatusCode).toBe(200);
    expect(counts).toEqual({ calls: 0, throttled: 0, failed500: 0 });
    armed = true;
    await expect(later.send(new ListTablesCommand({}))).rejects.toMatchObject({ name: 'InternalServerError' });
    expect(counts).toEqual({ calls: 1, throttled: 0, failed500: 1 });
  });
});
