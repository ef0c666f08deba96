import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { LoggerPort } from '../shared/app/ports.js';

/**
 * Test-oriented fault injection for the local runtime's DynamoDB client,
 * switched on by the environment variable `BOUNCE_INJECT_FAULTS`
 * (`throttle:0.03,error500:0.01`: the share of DynamoDB calls answered with a
 * throttling error, and with a 500). `npm run chaos` uses it to prove the
 * pipeline copes with a DynamoDB that throttles and fails; nobody should set
 * it otherwise.
 *
 * The faults are answered below the SDK's retry strategy, as DynamoDB's own
 * HTTP answers would be (status, `x-amzn-ErrorType` and JSON body), so the SDK
 * deserialises them into its modelled errors and retries them as it would real
 * ones; what still fails after its attempts reaches the pipeline's failure paths.
 */
export const FAULTS_ENV = 'BOUNCE_INJECT_FAULTS';

export interface FaultRates {
  /** Share of calls answered 400 ProvisionedThroughputExceededException or ThrottlingException (half each). */
  readonly throttle: number;
  /** Share of calls answered 500 InternalServerError. */
  readonly error500: number;
  /** Only the first this many calls (attempts) may be answered with a fault; the later ones all go through. */
  readonly first?: number;
}

const FAULT_NAMES = ['throttle', 'error500'] as const;
const SPEC = 'throttle:RATE, error500:RATE or first:CALLS';

/**
 * Reads `throttle:0.03,error500:0.01` (either part may be left out), optionally with `first:N`;
 * a malformed value is refused, never guessed.
 */
export function parseFaultRates(spec: string): FaultRates {
  const rates: Record<(typeof FAULT_NAMES)[number], number> = { throttle: 0, error500: 0 };
  let first: number | undefined;
  for (const part of spec.split(',').map((p) => p.trim())) {
    if (part === '') continue;
    const [name, value, extra] = part.split(':');
    const number = Number(value);
    const known = FAULT_NAMES.includes(name as (typeof FAULT_NAMES)[number]) || name === 'first';
    if (extra !== undefined || !known || value === undefined || value.trim() === '') {
      throw new Error(`${FAULTS_ENV}: "${part}" is not ${SPEC}`);
    }
    if (name === 'first') {
      if (!Number.isSafeInteger(number) || number < 0) throw new Error(`${FAULTS_ENV}: first takes a whole number of calls`);
      first = number;
      continue;
    }
    if (!Number.isFinite(number) || number < 0 || number > 1) throw new Error(`${FAULTS_ENV}: ${name} rate must be between 0 and 1`);
    rates[name as (typeof FAULT_NAMES)[number]] = number;
  }
  if (rates.throttle + rates.error500 > 1) throw new Error(`${FAULTS_ENV}: the rates add up to more than 1`);
  return first === undefined ? rates : { ...rates, first };
}

/** How many faults were injected so far, by kind. */
export interface FaultCounts {
  calls: number;
  throttled: number;
  failed500: number;
}

const ERROR_NAMESPACE = 'com.amazonaws.dynamodb.v20120810';

/** DynamoDB's HTTP answer for an error: what the SDK's deserialiser turns into its modelled exception. */
function errorResponse(statusCode: number, errorType: string, message: string) {
  const body = JSON.stringify({ __type: `${ERROR_NAMESPACE}#${errorType}`, message });
  return {
    statusCode,
    headers: {
      'content-type': 'application/x-amz-json-1.0',
      'x-amzn-errortype': `${errorType}:`,
      'x-amzn-requestid': 'injected-fault',
    },
    body: new TextEncoder().encode(body),
  };
}

/**
 * Answers a random share of the client's calls with throttling errors and 500s
 * instead of sending them. Added innermost (after the deserialiser, inside the
 * retry strategy), so each attempt of a call draws on its own. Calls made while
 * `armed()` is false go through untouched and are not counted.
 */
export function injectDynamoFaults(
  client: DynamoDBClient,
  rates: FaultRates,
  random: () => number = Math.random,
  armed: () => boolean = () => true,
): FaultCounts {
  const counts: FaultCounts = { calls: 0, throttled: 0, failed500: 0 };
  client.middlewareStack.add(
    (next) => async (args) => {
      if (!armed()) return next(args);
      counts.calls++;
      if (rates.first !== undefined && counts.calls > rates.first) return next(args);
      const draw = random();
      if (draw < rates.throttle) {
        counts.throttled++;
        // DynamoDB answers both: the table's capacity, or the account's request rate.
        const errorType = draw < rates.throttle / 2 ? 'ProvisionedThroughputExceededException' : 'ThrottlingException';
        return { response: errorResponse(400, errorType, 'injected by BOUNCE_INJECT_FAULTS') };
      }
      if (draw < rates.throttle + rates.error500) {
        counts.failed500++;
        return { response: errorResponse(500, 'InternalServerError', 'injected by BOUNCE_INJECT_FAULTS') };
      }
      return next(args);
    },
    { step: 'deserialize', priority: 'low', name: 'injectDynamoFaults' },
  );
  return counts;
}

/**
 * The runtime's switch: faults from `BOUNCE_INJECT_FAULTS`, if set, with a warning that they are on.
 * `armed` says when they start (the runtime: once it has started; a start that fails is not the
 * pipeline's failure path).
 */
export function faultsFromEnvironment(
  client: DynamoDBClient,
  logger: LoggerPort,
  env: NodeJS.ProcessEnv = process.env,
  armed: () => boolean = () => true,
): FaultCounts | null {
  const spec = env[FAULTS_ENV];
  if (spec === undefined || spec.trim() === '') return null;
  const rates = parseFaultRates(spec);
  logger.warn('DynamoDB faults are injected (a test switch)', { variable: FAULTS_ENV, ...rates });
  return injectDynamoFaults(client, rates, Math.random, armed);
}
