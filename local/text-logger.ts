import type { Writable } from 'node:stream';
import type { LoggerPort } from '../shared/app/ports.js';
import { streamLogger } from '../shared/adapters/outbound/console-logger.js';

export type LogFormat = 'text' | 'json';

const LEVELS = { info: 0, warn: 1, error: 2 } as const;
type Level = keyof typeof LEVELS;

const show = (value: unknown): string => {
  if (typeof value === 'string') return /[\s"=]/.test(value) ? JSON.stringify(value) : value;
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return value.join('; ');
  return JSON.stringify(value);
};

/**
 * A log a person reads in a terminal: `12:00:01 WARN  message  key=value …`,
 * one line per entry, the same entries the JSON logger writes.
 */
export function textLogger(stream: Writable, minimum: Level = 'warn', now: () => Date = () => new Date()): LoggerPort {
  const write =
    (level: Level) =>
    (message: string, extra: Record<string, unknown> = {}) => {
      if (LEVELS[level] < LEVELS[minimum]) return;
      const time = now().toISOString().slice(11, 19);
      const fields = Object.entries(extra)
        .filter(([, value]) => value !== undefined)
        .map(([key, value]) => `${key}=${show(value)}`);
      stream.write(`${time} ${level.toUpperCase().padEnd(5)} ${message}${fields.length > 0 ? `  ${fields.join(' ')}` : ''}\n`);
    };
  return { info: write('info'), warn: write('warn'), error: write('error') };
}

/** The runtime's log: text on a terminal, JSON Lines otherwise (a file, a pipe, a log collector) or when asked. */
export function runtimeLogger(stream: Writable & { readonly isTTY?: boolean }, format?: LogFormat): LoggerPort {
  const chosen = format ?? (stream.isTTY === true ? 'text' : 'json');
  return chosen === 'text' ? textLogger(stream) : streamLogger(stream, 'bounce-local', 'warn');
}
