import type { Logger } from '@aws-lambda-powertools/logger';
import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import type { LoggerPort, MetricsPort } from '../../app/ports.js';

export const loggerPort = (logger: Logger): LoggerPort => ({
  info: (message, extra = {}) => logger.info(message, extra),
  warn: (message, extra = {}) => logger.warn(message, extra),
  error: (message, extra = {}) => logger.error(message, extra),
});

export const metricsPort = (metrics: Metrics): MetricsPort => ({
  count: (name, value) => metrics.addMetric(name, MetricUnit.Count, value),
  flush: () => metrics.publishStoredMetrics(),
});
