import type { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { LoggerPort, MetricsPort } from '../../app/ports.js';
import { METRICS_NAMESPACE } from './health-metrics.js';

export const loggerPort = (logger: Logger): LoggerPort => ({
  info: (message, extra = {}) => logger.info(message, extra),
  warn: (message, extra = {}) => logger.warn(message, extra),
  error: (message, extra = {}) => logger.error(message, extra),
});

/** The classify function's Powertools service name: the `service` dimension of every metric it emits. */
export const CLASSIFY_SERVICE = 'bounce-classify';

/** The retry function's Powertools service name: the `service` dimension of every metric it emits. */
export const RETRY_SERVICE = 'bounce-retry';

/** A function's Powertools metrics in the pipeline's namespace (dimension `service` = `serviceName`). */
export const pipelineMetrics = (serviceName: string): Metrics => new Metrics({ namespace: METRICS_NAMESPACE, serviceName });

export const metricsPort = (metrics: Metrics): MetricsPort => ({
  count: (name, value) => metrics.addMetric(name, MetricUnit.Count, value),
  flush: () => metrics.publishStoredMetrics(),
});
