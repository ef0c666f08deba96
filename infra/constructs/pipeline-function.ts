import { Duration } from 'aws-cdk-lib';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { fileURLToPath } from 'node:url';
import { FUNCTION_MEMORY_MB } from '../../shared/domain/aws-prices.js';
import type { FUNCTION_ENVIRONMENTS, FunctionName } from '../../shared/config/index.js';
import type { ConstructEnvironment, GrantedOf } from '../../shared/config/contract.js';

type ContractOf<N extends FunctionName> = (typeof FUNCTION_ENVIRONMENTS)[N];

/** Variables every function gets from this construct, read by Powertools and Node rather than the function's config. */
export const RUNTIME_VARIABLES = ['POWERTOOLS_SERVICE_NAME', 'NODE_OPTIONS'] as const;

export interface PipelineFunctionProps<N extends FunctionName> {
  /** Folder under functions/ holding handler.ts; its environment contract is FUNCTION_ENVIRONMENTS[name]. */
  readonly name: N;
  readonly description: string;
  /** Every variable of the function's contract but those granting constructs set (see `setGranted`). */
  readonly environment: ConstructEnvironment<ContractOf<N>>;
  /** @default Duration.seconds(30) */
  readonly timeout?: Duration;
  /** @default 512 */
  readonly memorySize?: number;
  /** @default RetentionDays.ONE_MONTH */
  readonly logRetention?: RetentionDays;
}

const projectRoot = fileURLToPath(new URL('../../', import.meta.url));

/**
 * A handler from functions/<name>, bundled by esbuild (never Docker), on
 * arm64 and the newest Node.js runtime, with its own log group and a role
 * that may write only to that log group (no managed policies).
 */
export class PipelineFunction<N extends FunctionName = FunctionName> extends Construct {
  readonly function: NodejsFunction;
  readonly logGroup: LogGroup;
  /**
   * Sets a variable the function's contract leaves to the construct granting that access (the
   * erasure key, the event bus, the retry queue): only those names type-check. A property, not a
   * method, so a function whose contract lacks the variable cannot be passed where it is needed.
   */
  readonly setGranted: (name: GrantedOf<ContractOf<N>>, value: string) => void;

  constructor(scope: Construct, id: string, props: PipelineFunctionProps<N>) {
    super(scope, id);
    this.logGroup = new LogGroup(this, 'Logs', { retention: props.logRetention ?? RetentionDays.ONE_MONTH });
    const role = new Role(this, 'Role', { assumedBy: new ServicePrincipal('lambda.amazonaws.com'), description: `Runs ${props.name}` });
    role.addToPolicy(
      new PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [this.logGroup.logGroupArn] }),
    );
    this.function = new NodejsFunction(this, 'Function', {
      entry: `${projectRoot}functions/${props.name}/handler.ts`,
      handler: 'handler',
      projectRoot,
      depsLockFilePath: `${projectRoot}package-lock.json`,
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? FUNCTION_MEMORY_MB.default,
      timeout: props.timeout ?? Duration.seconds(30),
      description: props.description,
      role,
      logGroup: this.logGroup,
      environment: {
        ...props.environment,
        POWERTOOLS_SERVICE_NAME: `bounce-${props.name}`,
        NODE_OPTIONS: '--enable-source-maps',
      } satisfies Record<(typeof RUNTIME_VARIABLES)[number], string>,
      bundling: {
        format: OutputFormat.ESM,
        minify: true,
        sourceMap: true,
        target: 'node24',
        mainFields: ['module', 'main'],
        // ESM bundles need a require() for the CommonJS parts of the SDK.
        banner: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);",
        forceDockerBundling: false,
        // The SDK bundled in (tree-shaken, one file) imports about 3x faster than the runtime's
        // copy (`npm run bench`: classify 148 ms against 503 ms cold import), so cold starts are shorter.
        bundleAwsSDK: true,
      },
    });
    this.setGranted = (name, value) => void this.function.addEnvironment(name, value);
  }
}
