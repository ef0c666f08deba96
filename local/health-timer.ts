import { appendFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { DecisionEventSink } from '../shared/app/decision-events.js';
import type { HealthRun } from '../shared/app/health-job.js';
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
  /** Meters the alerts (SNS publishes on AWS) and the EMF metric documents (log bytes, metric series). */
  readonly meter?: RequestMeter;
}

/** DIR/events.jsonl: decision events, one JSON object per line, as the deployed stack puts them on its bus. */
export const localDecisionEvents = (dataDir: string): DecisionEventSink =>
  new JsonLinesDecisionEvents((text) => appendFile(join(dataDir, 'events.jsonl'), text));

/**
 * The local health job: the Lambda's use case with its alert shape in
 * DIR/alerts.jsonl (one JSON alert per line) and its metrics as the same EMF
 * documents in DIR/metrics.jsonl. A failed run is logged; the next one tries again.
 */
export function localHealthJob(inputs: HealthTimerInputs): () => Promise<HealthRun | null> {
  const metricsPath = join(inputs.dataDir, 'metrics.jsonl');
  const { meter } = inputs;
  const alerts = new JsonLinesAlertPublisher((line) => appendFile(join(inputs.dataDir, 'alerts.jsonl'), line));
  const run = composeHealthJob({
    dynamo: inputs.dynamo,
    tables: inputs.tables,
    clock: inputs.clock,
    logger: inputs.logger,
    link: inputs.link,
    ...(inputs.events ? { events: inputs.events } : {}),
    alerts: meter ? meter.alerts(alerts) : alerts,
    metrics: new PowertoolsHealthMetrics(new Metrics({ namespace: METRICS_NAMESPACE, serviceName: HEALTH_SERVICE }), (emf) => {
      meter?.recordEmf('health', emf);
      return appendFile(metricsPath, `${JSON.stringify(emf)}\n`);
    }),
  });
  return async () => {
    try {
      return await run();
    } catch (error) {
      inputs.logger.error('Health check failed', { errorName: (error as Error).name, errorMessage: (error as Error).message });
      return null;
    }
  };
}
