import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { readdirSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { BouncePipelineStack } from '../../infra/bounce-pipeline-stack.js';
import { DecisionEvents } from '../../infra/constructs/decision-events.js';
import { ErasureKey } from '../../infra/constructs/erasure-key.js';
import { PipelineFunction, RUNTIME_VARIABLES } from '../../infra/constructs/pipeline-function.js';
import { FUNCTION_ENVIRONMENTS, type FunctionName } from '../../shared/config/index.js';

const env = { account: '111122223333', region: 'us-east-1' };
let functions: Array<{ id: string; name: string; variables: string[] }>;

beforeAll(() => {
  // Template assertions only (no esbuild): the stack test bundles the app for real.
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new BouncePipelineStack(app, 'BouncePipeline', { env, autoPause: true, pauseConfigurationSets: { nov: 'marketing' } });
  const resources = Template.fromStack(stack).findResources('AWS::Lambda::Function');
  functions = Object.entries(resources).map(([id, fn]) => {
    const variables = (fn.Properties.Environment?.Variables ?? {}) as Record<string, unknown>;
    const service = String(variables.POWERTOOLS_SERVICE_NAME ?? '');
    return { id, name: service.replace(/^bounce-/, ''), variables: Object.keys(variables).sort() };
  });
});

describe('function environments', () => {
  it('every function under functions/ has one contract and is deployed once', () => {
    const folders = readdirSync(new URL('../../functions/', import.meta.url)).sort();
    expect(Object.keys(FUNCTION_ENVIRONMENTS).sort()).toEqual(folders);
    expect(functions.map((fn) => fn.name).sort()).toEqual(folders);
  });

  it("each deployed function's variables are exactly its contract's (and the runtime's two)", () => {
    for (const fn of functions) {
      const contract = FUNCTION_ENVIRONMENTS[fn.name as FunctionName];
      const expected = [...Object.keys(contract.names), ...RUNTIME_VARIABLES].sort();
      expect(fn.variables, `${fn.name} (${fn.id})`).toEqual(expected);
    }
  });

  it('the names are the keys the config parses', () => {
    for (const [name, contract] of Object.entries(FUNCTION_ENVIRONMENTS)) {
      expect(Object.keys(contract.names), name).toEqual(Object.keys(contract.schema.shape));
      for (const granted of contract.granted) expect(Object.keys(contract.names), name).toContain(granted);
    }
  });

  it('a missing or unknown variable, or a grant the contract lacks, does not compile (checked by tsc)', () => {
    const stack = new Stack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'Types', { env });
    const description = 'type checks only';
    // Never called: tsc checks these lines (npm run typecheck), vitest only that they exist.
    const mistakes = [
      () =>
        new PipelineFunction(stack, 'A', {
          name: 'health',
          description,
          // @ts-expect-error RECENT_HOURS is missing from the finder's environment
          environment: { CAMPAIGN_TABLE_NAME: 't', HEALTH_CHECK_QUEUE_URL: 'q' },
        }),
      () =>
        new PipelineFunction(stack, 'B', {
          name: 'retry-sweep',
          description,
          // @ts-expect-error the sweep reads no campaign table
          environment: { ADDRESS_TABLE_NAME: 't', RETRY_QUEUE_URL: 'q', CAMPAIGN_TABLE_NAME: 'c' },
        }),
      () => {
        const sweep = new PipelineFunction(stack, 'C', {
          name: 'retry-sweep',
          description,
          environment: { ADDRESS_TABLE_NAME: 't', RETRY_QUEUE_URL: 'q' },
        });
        // @ts-expect-error the sweep's contract has no erasure key
        new ErasureKey(stack, 'Key').grantRead(sweep);
        // @ts-expect-error nor an event bus
        new DecisionEvents(stack, 'Events').allowPublish(sweep);
        // @ts-expect-error a granted variable is the granting construct's to set
        sweep.setGranted('RETRY_QUEUE_URL', 'q');
      },
    ];
    expect(mistakes).toHaveLength(3);
  });
});
