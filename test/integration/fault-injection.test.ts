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
});
