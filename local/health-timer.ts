import { appendFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { DecisionEventSink } from '../shared/app/decision-events.js';
import { HEALTH_LIFETIME_HOURS, HEALTH_RECENT_HOURS, type HealthRun } from '../shared/app/health-job.js';
import { JsonLinesDecisionEvents } from '../shared/adapters/outbound/decision-event-sinks.js';
import type { LoggerPort } from '../shared/app/ports.js';
import { composeHealthJob, type DynamoInput, type TableNames } from '../shared/adapters/compose.js';
import { JsonLinesAlertPublisher } from '../shared/adapters/outbound/alert-publishers.js';
import type { RequestMeter } from '../shared/adapters/request-meter.js';
import { HEALTH_SERVICE, METRICS_NAMESPACE, PowertoolsHealthMetrics } from '../shared/adapters/outbound/health-metrics.js';

export interface HealthTimerInputs {
  readonly dynamo: DynamoInput;
  readonly tables: TableNames;
  readonly clock: () => Date;
  readonly dataDir: string;
  readonly logger: LoggerPort;
  /** Where alerts send a person: the local web page. */
  readonly link: string | null;
  /** Where findings go for other systems (DIR/events.jsonl). */
  readonly events?: DecisionEventSink;
  /** The finder's look-back in hours (default: the health job's recent hours). */
  readonly findHours?: number;
  /** Meters the alerts (SNS publishes on AWS) and the EMF metric documents (log bytes, metric series). */
  readonly meter?: RequestMeter;
}

/** DIR/events.jsonl: decision events, one JSON object per line, as the deployed stack puts them on its bus. */
export const localDecisionEvents = (dataDir: string): DecisionEventSink =>
  new JsonLinesDecisionEvents((text) => appendFile(join(dataDir, 'events.jsonl'), text));

/**
 * One scheduled pass on this machine, through the deployed code path: the finder, its fan-out
 * messages (the JSON bodies the checker function gets, in its batch size and concurrency, through an
 * in-process queue) and the checker; alerts in DIR/alerts.jsonl (one JSON alert per line), metrics
 * (the heartbeat included) as the same EMF documents in DIR/metrics.jsonl.
 */
export function localHealthPass(inputs: HealthTimerInputs): () => Promise<HealthRun> {
  const metricsPath = join(inputs.dataDir, 'metrics.jsonl');
  const { meter } = inputs;
  const alerts = new JsonLinesAlertPublisher((line) => appendFile(join(inputs.dataDir, 'alerts.jsonl'), line));
  return composeHealthJob({
    dynamo: inputs.dynamo,
    tables: inputs.tables,
    clock: inputs.clock,
    logger: inputs.logger,
    link: inputs.link,
    ...(inputs.findHours ? { findHours: inputs.findHours } : {}),
    ...(inputs.events ? { events: inputs.events } : {}),
    alerts: meter ? meter.alerts(alerts) : alerts,
    metrics: new PowertoolsHealthMetrics(new Metrics({ namespace: METRICS_NAMESPACE, serviceName: HEALTH_SERVICE }), (emf) => {
      meter?.recordEmf('health', emf);
      return appendFile(metricsPath, `${JSON.stringify(emf)}\n`);
    }),
  });
}

/** Hours a finder must look back when its passes are `everySeconds` of wall time apart on a clock `timeScale` times fast. */
export function findHoursFor(everySeconds: number, timeScale: number): number {
  return Math.min(HEALTH_LIFETIME_HOURS, Math.max(HEALTH_RECENT_HOURS, Math.ceil((everySeconds * timeScale) / 3600) + 1));
}

/**
 * A pass asked for by hand (`bounce health --run`) looks back over the health window (72 h): the
 * campaigns that ran since the last scheduled pass are checked, not only those of the last 24 h.
 */
export const MANUAL_PASS_FIND_HOURS = 72;

/** The local health timer's job: a pass whose failure is logged; the next one tries again. */
export function localHealthJob(inputs: HealthTimerInputs): () => Promise<HealthRun | null> {
  const run = localHealthPass(inputs);
  return async () => {
    try {
      return await run();
    } catch (error) {
      inputs.logger.error('Health check failed', { errorName: (error as Error).name, errorMessage: (error as Error).message });
      return null;
    }
  };
}
