import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { SESClient } from '@aws-sdk/client-ses';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createProcessBatch, type ProcessBatch } from '../app/classify-batch.js';
import type { AlertPublisher, HealthMetricsPort } from '../app/health-ports.js';
import { noHealthMetrics } from '../app/health-ports.js';
import {
  createProcessHealthChecks,
  runHealthFinder,
  runHealthJob,
  type HealthFinderRun,
  type HealthJobDeps,
  type HealthRun,
  type InProcessFanOut,
} from '../app/health-job.js';
import type { HealthCheckQueue } from '../app/health-ports.js';
import { SqsHealthCheckQueue } from './outbound/sqs-health-checks.js';
import type { PauseDeps } from '../app/pause.js';
import { withOutbox, type DecisionEventSink } from '../app/decision-events.js';
import { EventBridgeDecisionEvents } from './outbound/decision-event-sinks.js';
import { DynamoDecisionOutbox } from './outbound/dynamo-decision-outbox.js';
import { noMetrics, silentLogger, type DeadLetterSink, type LoggerPort, type MetricsPort } from '../app/ports.js';
import { createProcessRetryBatch } from '../app/retry-batch.js';
import { createRetryRunner } from '../app/retry-runner.js';
import { createRetryScheduler, type RetryScheduler } from '../app/retry-scheduler.js';
import { createRetrySweeper, type SweepDueRetries } from '../app/retry-sweeper.js';
import { createSendMessage, type SendMessage } from '../app/send.js';
import type { SuppressionDeps } from '../app/suppressions.js';
import { DEFAULT_TAG_NAMES, RETRY_WINDOW_SECONDS, type HealthThresholds, type RetryState, type TagNames } from '../domain/index.js';
import { createApiHandler } from './inbound/http-api.js';
import type { TableNames } from './outbound/create-tables.js';
import { DynamoAddressRepository } from './outbound/dynamo-address-repository.js';
import { DynamoCampaignRepository } from './outbound/dynamo-campaign-repository.js';
import {
  DynamoDueRetryIndex,
  DynamoMessageStore,
  DynamoOutboundStore,
  DynamoRetryStateRepository,
  scanRetryStates,
} from './outbound/dynamo-retry-stores.js';
import { SesEmailSender, type TemplateSender } from './outbound/ses-sender.js';
import { SnsRetryDuePublisher } from './outbound/sns-retry-due.js';
import { DynamoAlertLedger, DynamoPauseStore } from './outbound/dynamo-health-stores.js';
import { SnsAlertPublisher } from './outbound/alert-publishers.js';
import { SesSendingSwitch } from './outbound/ses-sending-switch.js';
import { SqsDeadLetterSink } from './outbound/sqs-dead-letter.js';
import { SqsRetryTimerQueue } from './outbound/sqs-retry-timers.js';
import type { ErasureDeps } from '../app/erasure.js';
import { DynamoErasureStore } from './outbound/dynamo-erasure-store.js';
import { HmacAddressHasher } from './outbound/hmac-address-hasher.js';

/**
 * The one composition root: every entry point (the Lambda handlers, the local
 * runtime, the test support and the benchmarks) builds its dependencies here
 * from plain inputs, so there is one wiring of each function and one place
 * for defaults.
 */

export type { TableNames };

/** A DynamoDB client: a plain one is wrapped in a document client here. */
export type DynamoInput = DynamoDBClient | DynamoDBDocumentClient;

/** Defaults shared by every entry point. */
export const DEFAULTS = {
  tagNames: DEFAULT_TAG_NAMES,
  clock: (): Date => new Date(),
  logger: silentLogger,
  metrics: noMetrics,
} as const;

/** A document client that drops undefined values (optional fields) instead of failing. */
export function documentClient(client: DynamoInput | DynamoDBClientConfig = {}): DynamoDBDocumentClient {
  if (client instanceof DynamoDBDocumentClient) return client;
  const base = client instanceof DynamoDBClient ? client : new DynamoDBClient(client);
  return DynamoDBDocumentClient.from(base, { marshallOptions: { removeUndefinedValues: true } });
}

export interface Stores {
  readonly doc: DynamoDBDocumentClient;
  readonly addresses: DynamoAddressRepository;
  readonly campaigns: DynamoCampaignRepository;
}

export function composeStores(dynamo: DynamoInput, tables: TableNames): Stores {
  const doc = documentClient(dynamo);
  return {
    doc,
    addresses: new DynamoAddressRepository(doc, tables.addressTable),
    campaigns: new DynamoCampaignRepository(doc, tables.campaignTable),
  };
}

/**
 * The erasure key's loader (a Secrets Manager secret on AWS, a file in the
 * data folder locally). Required by every composition that can act on an
 * address (send, retry, classify, the API): without it an erased address
 * would read as unknown, and be mailed again.
 */
export type ErasureKeyInput = () => Promise<string>;

/** Tombstones and the keyed hash of addresses. */
export function composeErasure(dynamo: DynamoInput, tables: TableNames, key: ErasureKeyInput): ErasureDeps {
  return {
    hasher: new HmacAddressHasher(key),
    store: new DynamoErasureStore(documentClient(dynamo), tables.addressTable, tables.campaignTable),
  };
}

const erasureOf = (inputs: { dynamo: DynamoInput; tables: TableNames; erasureKey: ErasureKeyInput }) => ({
  erasure: composeErasure(inputs.dynamo, inputs.tables, inputs.erasureKey),
});

export interface ClassifyInputs {
  readonly dynamo: DynamoInput;
  readonly tables: TableNames;
  /** Where records that can never succeed go: an SQS queue, or any sink (tests). */
  readonly deadLetters: DeadLetterSink | { readonly sqs: SQSClient; readonly queueUrl: string };
  readonly tagNames?: TagNames;
  readonly clock?: () => Date;
  readonly logger?: LoggerPort;
  readonly metrics?: MetricsPort;
  /** The retry queue: `retry` decisions are scheduled there. None: retries are decided but not acted on. */
  readonly retryQueue?: RetryQueueInput;
  readonly erasureKey: ErasureKeyInput;
  /** Where address changes are published (an EventBridge bus, or any sink); none: not published. */
  readonly events?: EventsInput;
}

/** The classify use case over one batch of queued notifications. */
export function composeClassify(inputs: ClassifyInputs): ProcessBatch {
  const { addresses, campaigns } = composeStores(inputs.dynamo, inputs.tables);
  const deadLetters =
    'send' in inputs.deadLetters ? inputs.deadLetters : new SqsDeadLetterSink(inputs.deadLetters.sqs, inputs.deadLetters.queueUrl);
  return createProcessBatch({
    addresses,
    counters: campaigns,
    delays: campaigns,
    deadLetters,
    tagNames: inputs.tagNames ?? DEFAULTS.tagNames,
    clock: inputs.clock ?? DEFAULTS.clock,
    logger: inputs.logger ?? DEFAULTS.logger,
    metrics: inputs.metrics ?? DEFAULTS.metrics,
    ...erasureOf(inputs),
    ...(inputs.events ? { events: eventSink(inputs.events, inputs) } : {}),
    ...(inputs.retryQueue
      ? {
          retries: composeRetryScheduler({
            dynamo: inputs.dynamo,
            tables: inputs.tables,
            retryQueue: inputs.retryQueue,
            logger: inputs.logger,
            erasureKey: inputs.erasureKey,
            ...(inputs.events ? { events: inputs.events } : {}),
          }),
        }
      : {}),
  });
}

export interface ReadInputs {
  readonly dynamo: DynamoInput;
  readonly tables: TableNames;
  readonly clock?: () => Date;
  readonly thresholds?: Partial<HealthThresholds>;
  readonly erasureKey: ErasureKeyInput;
  /** Where address changes (and, for the API, pauses) are published; none: not published. */
  readonly events?: EventsInput;
  readonly logger?: LoggerPort;
}

/** What the health job reads: campaigns, never one address (so it needs no erasure key). */
function composeReads(inputs: Omit<ReadInputs, 'erasureKey'>): SuppressionDeps {
  const { addresses, campaigns } = composeStores(inputs.dynamo, inputs.tables);
  return {
    addresses,
    campaigns,
    delays: campaigns,
    clock: inputs.clock ?? DEFAULTS.clock,
    ...(inputs.thresholds ? { thresholds: inputs.thresholds } : {}),
    ...(inputs.events ? { events: eventSink(inputs.events, inputs) } : {}),
  };
}

/** What the look-up API reads and changes. */
export function composeSuppressions(inputs: ReadInputs): SuppressionDeps {
  return { ...composeReads(inputs), ...erasureOf(inputs) };
}

export interface PauseInputs {
  readonly dynamo: DynamoInput;
  readonly tables: TableNames;
  readonly clock?: () => Date;
  /** Campaigns whose SES configuration set is switched off with a pause (and on with a resume). */
  readonly configurationSets?: Readonly<Record<string, string>>;
  /** Needed when `configurationSets` names any. */
  readonly ses?: SESClient;
  /** Where pauses and resumes are published. */
  readonly events?: EventsInput;
  /** Where a publish failure is reported. */
  readonly logger?: LoggerPort;
}

/** Decision events: an EventBridge bus, or any sink (the local runtime's events.jsonl). */
export type EventsInput = DecisionEventSink | { readonly eventBridge: EventBridgeClient; readonly busName: string };

const bareSink = (input: EventsInput): DecisionEventSink =>
  'publish' in input ? input : new EventBridgeDecisionEvents(input.eventBridge, input.busName);

/** What cannot be published is kept in the campaign table's outbox, for the next health run. */
function eventSink(
  input: EventsInput,
  inputs: { readonly dynamo: DynamoInput; readonly tables: TableNames; readonly clock?: () => Date; readonly logger?: LoggerPort },
): DecisionEventSink {
  const outbox = new DynamoDecisionOutbox(documentClient(inputs.dynamo), inputs.tables.campaignTable);
  return withOutbox(bareSink(input), outbox, inputs.clock ?? DEFAULTS.clock, inputs.logger ?? DEFAULTS.logger);
}

/** Pausing and resuming campaigns (the API, the health job's auto-pause). */
export function composePauses(inputs: PauseInputs): PauseDeps {
  const sets = inputs.configurationSets ?? {};
  if (Object.keys(sets).length > 0 && !inputs.ses) throw new Error('configuration sets to pause need an SES client');
  return {
    pauses: new DynamoPauseStore(documentClient(inputs.dynamo), inputs.tables.campaignTable),
    clock: inputs.clock ?? DEFAULTS.clock,
    sending: inputs.ses && Object.keys(sets).length > 0 ? { switch: new SesSendingSwitch(inputs.ses), configurationSets: sets } : null,
    ...(inputs.events ? { events: eventSink(inputs.events, inputs) } : {}),
    ...(inputs.logger ? { logger: inputs.logger } : {}),
  };
}

/** The look-up API handler (API Gateway proxy events; the local HTTP server speaks the same). */
export function composeApi(
  inputs: ReadInputs & { readonly logger?: LoggerPort; readonly pause?: Omit<PauseInputs, 'dynamo' | 'tables' | 'clock'> },
): ReturnType<typeof createApiHandler> {
  return createApiHandler(
    composeSuppressions(inputs),
    inputs.logger ?? DEFAULTS.logger,
    composePauses({
      dynamo: inputs.dynamo,
      tables: inputs.tables,
      ...(inputs.clock ? { clock: inputs.clock } : {}),
      ...(inputs.logger ? { logger: inputs.logger } : {}),
      ...(inputs.events ? { events: inputs.events } : {}),
      ...inputs.pause,
    }),
  );
}

export interface HealthJobInputs extends Omit<ReadInputs, 'erasureKey'> {
  /** Where alerts go: an SNS topic, or any publisher (the local runtime's alerts.jsonl). */
  readonly alerts: AlertPublisher | { readonly sns: SNSClient; readonly topicArn: string };
  readonly metrics?: HealthMetricsPort;
  readonly logger?: LoggerPort;
  /** Where an alert sends a person (the dashboard). */
  readonly link?: string | null;
  readonly recentHours?: number;
  readonly lifetimeHours?: number;
  readonly findHours?: number;
  /** Pause campaigns that cross the danger line (off unless given). */
  readonly autoPause?: Omit<PauseInputs, 'dynamo' | 'tables' | 'clock' | 'events'> | null;
  /** Where findings and automatic pauses are published. */
  readonly events?: EventsInput;
}

/** What the finder and the checkers share. */
function healthJobDeps(inputs: HealthJobInputs): HealthJobDeps {
  const suppressions = composeReads(inputs);
  const doc = documentClient(inputs.dynamo);
  const publisher = 'publish' in inputs.alerts ? inputs.alerts : new SnsAlertPublisher(inputs.alerts.sns, inputs.alerts.topicArn);
  const autoPause = inputs.autoPause
    ? composePauses({
        dynamo: doc,
        tables: inputs.tables,
        ...(inputs.clock ? { clock: inputs.clock } : {}),
        ...(inputs.logger ? { logger: inputs.logger } : {}),
        ...inputs.autoPause,
      })
    : null;
  return {
    ...suppressions,
    ledger: new DynamoAlertLedger(doc, inputs.tables.campaignTable),
    publisher,
    metrics: inputs.metrics ?? noHealthMetrics,
    logger: inputs.logger ?? DEFAULTS.logger,
    link: inputs.link ?? null,
    autoPause,
    ...(inputs.events
      ? {
          events: eventSink(inputs.events, inputs),
          kept: { sink: bareSink(inputs.events), outbox: new DynamoDecisionOutbox(doc, inputs.tables.campaignTable) },
        }
      : {}),
    ...(inputs.recentHours ? { recentHours: inputs.recentHours } : {}),
    ...(inputs.lifetimeHours ? { lifetimeHours: inputs.lifetimeHours } : {}),
    ...(inputs.findHours ? { findHours: inputs.findHours } : {}),
  };
}

/** One whole scheduled pass in this process (finder, fan-out, checkers): the local runtime and tests. */
export function composeHealthJob(inputs: HealthJobInputs & { readonly fanOut?: InProcessFanOut }): () => Promise<HealthRun> {
  const deps = healthJobDeps(inputs);
  return () => runHealthJob(deps, inputs.fanOut ?? {});
}

export interface HealthFinderInputs {
  readonly dynamo: DynamoInput;
  /** The finder reads only the campaign table (activity markers, marks, the event outbox). */
  readonly campaignTable: string;
  readonly queue: HealthCheckQueue | { readonly sqs: SQSClient; readonly queueUrl: string };
  readonly metrics?: HealthMetricsPort;
  readonly logger?: LoggerPort;
  readonly clock?: () => Date;
  readonly recentHours?: number;
  /** Where events kept by earlier failed publishes are published. */
  readonly events?: EventsInput;
}

/** The scheduled finder: finds the campaigns to check and fans them out to the health-check queue. */
export function composeHealthFinder(inputs: HealthFinderInputs): () => Promise<HealthFinderRun> {
  const doc = documentClient(inputs.dynamo);
  const deps = {
    campaigns: new DynamoCampaignRepository(doc, inputs.campaignTable),
    ledger: new DynamoAlertLedger(doc, inputs.campaignTable),
    queue: 'send' in inputs.queue ? inputs.queue : new SqsHealthCheckQueue(inputs.queue.sqs, inputs.queue.queueUrl),
    metrics: inputs.metrics ?? noHealthMetrics,
    logger: inputs.logger ?? DEFAULTS.logger,
    clock: inputs.clock ?? DEFAULTS.clock,
    ...(inputs.recentHours ? { recentHours: inputs.recentHours } : {}),
    ...(inputs.events ? { kept: { sink: bareSink(inputs.events), outbox: new DynamoDecisionOutbox(doc, inputs.campaignTable) } } : {}),
  };
  return () => runHealthFinder(deps);
}

/** The checker: one batch of the health-check queue's messages per call. */
export function composeHealthChecker(inputs: HealthJobInputs): ProcessBatch {
  return createProcessHealthChecks(healthJobDeps(inputs));
}

export interface RetryQueueInput {
  readonly sqs: SQSClient;
  readonly queueUrl: string;
  /** The local runtime's fast clock: SQS delays are divided by this. @default 1 */
  readonly timeScale?: number;
}

/** What the classify use case hands its outcomes to: retry state and the timer queue. */
export function composeRetryScheduler(inputs: {
  readonly dynamo: DynamoInput;
  readonly tables: TableNames;
  readonly retryQueue: RetryQueueInput;
  readonly logger?: LoggerPort;
  readonly erasureKey: ErasureKeyInput;
  readonly events?: EventsInput;
}): RetryScheduler {
  const doc = documentClient(inputs.dynamo);
  return createRetryScheduler({
    retries: new DynamoRetryStateRepository(doc, inputs.tables.addressTable),
    timers: new SqsRetryTimerQueue(inputs.retryQueue.sqs, inputs.retryQueue.queueUrl, inputs.retryQueue.timeScale),
    addresses: new DynamoAddressRepository(doc, inputs.tables.addressTable),
    delays: new DynamoCampaignRepository(doc, inputs.tables.campaignTable),
    logger: inputs.logger ?? DEFAULTS.logger,
    ...erasureOf(inputs),
    ...(inputs.events ? { events: eventSink(inputs.events, inputs) } : {}),
  });
}

export interface SesInput {
  readonly ses: SESClient;
  readonly configurationSetName: string;
  readonly tagNames?: TagNames;
  /** Templated sends go here instead of v1 `SendTemplatedEmail` (the local SES: templates on its v2 API only). */
  readonly templates?: TemplateSender;
}

export interface SendInputs {
  readonly dynamo: DynamoInput;
  readonly tables: TableNames;
  readonly ses: SesInput;
  readonly clock?: () => Date;
  readonly logger?: LoggerPort;
  readonly erasureKey: ErasureKeyInput;
}

function sendPorts(inputs: SendInputs) {
  const doc = documentClient(inputs.dynamo);
  return {
    addresses: new DynamoAddressRepository(doc, inputs.tables.addressTable),
    pauses: new DynamoPauseStore(doc, inputs.tables.campaignTable),
    sender: new SesEmailSender(
      inputs.ses.ses,
      inputs.ses.configurationSetName,
      inputs.ses.tagNames ?? DEFAULTS.tagNames,
      inputs.ses.templates ?? null,
    ),
    messages: new DynamoMessageStore(doc, inputs.tables.addressTable, inputs.clock ?? DEFAULTS.clock),
    outbound: new DynamoOutboundStore(doc, inputs.tables.addressTable, inputs.clock ?? DEFAULTS.clock),
    logger: inputs.logger ?? DEFAULTS.logger,
    ...erasureOf(inputs),
  };
}

/** The retry sweeper (the sweep function; locally on a timer, and in full at start). */
export function composeRetrySweeper(inputs: {
  readonly dynamo: DynamoInput;
  /** It reads the address table only: its due index and the sweep's cursor. */
  readonly addressTable: string;
  readonly retryQueue: RetryQueueInput;
  readonly logger?: LoggerPort;
}): SweepDueRetries {
  return createRetrySweeper({
    due: new DynamoDueRetryIndex(documentClient(inputs.dynamo), inputs.addressTable),
    timers: new SqsRetryTimerQueue(inputs.retryQueue.sqs, inputs.retryQueue.queueUrl, inputs.retryQueue.timeScale),
    logger: inputs.logger ?? DEFAULTS.logger,
  });
}

/**
 * Open retry attempts the sweep has not enqueued yet (checked at or after its cursor, within a retry
 * window from now): work still ahead that no queue holds, for the local runtime's idle test.
 */
export async function unsweptRetries(dynamo: DynamoInput, addressTable: string, now: Date): Promise<number> {
  const due = new DynamoDueRetryIndex(documentClient(dynamo), addressTable);
  const from = (await due.sweptUntil()) ?? now;
  const until = new Date(now.getTime() + RETRY_WINDOW_SECONDS * 1000);
  return (await due.dueBetween(from, until, { withEnqueued: false })).length;
}

/** Every retry state in the address table (a whole-table scan: for the local demo's report only). */
export function listRetryStates(dynamo: DynamoInput, tables: TableNames): Promise<RetryState[]> {
  return scanRetryStates(documentClient(dynamo), tables.addressTable);
}

/** The send path (the send function, the CLI through the local runtime, the demo). */
export function composeSend(inputs: SendInputs): SendMessage {
  return createSendMessage(sendPorts(inputs));
}

export interface RetryInputs extends SendInputs {
  readonly retryQueue: RetryQueueInput;
  readonly retryDue: { readonly sns: SNSClient; readonly topicArn: string };
  /** Where retry-queue bodies that are not timers go. */
  readonly deadLetters: DeadLetterSink | { readonly sqs: SQSClient; readonly queueUrl: string };
  readonly metrics?: MetricsPort;
}

/** The retry function: one batch of timer messages from the retry queue. */
export function composeRetry(inputs: RetryInputs): ProcessBatch {
  const ports = sendPorts(inputs);
  const doc = documentClient(inputs.dynamo);
  const deadLetters =
    'send' in inputs.deadLetters ? inputs.deadLetters : new SqsDeadLetterSink(inputs.deadLetters.sqs, inputs.deadLetters.queueUrl);
  return createProcessRetryBatch({
    runTimer: createRetryRunner({
      ...ports,
      retries: new DynamoRetryStateRepository(doc, inputs.tables.addressTable),
      timers: new SqsRetryTimerQueue(inputs.retryQueue.sqs, inputs.retryQueue.queueUrl, inputs.retryQueue.timeScale),
      retryDue: new SnsRetryDuePublisher(inputs.retryDue.sns, inputs.retryDue.topicArn),
    }),
    deadLetters,
    logger: ports.logger,
    metrics: inputs.metrics ?? DEFAULTS.metrics,
    clock: inputs.clock ?? DEFAULTS.clock,
  });
}
