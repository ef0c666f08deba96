import type { Writable } from 'node:stream';
import type { LoggerPort } from '../../app/ports.js';

/** JSON-lines logger for the local runtime (the same fields Powertools writes on Lambda). */
export function streamLogger(stream: Writable, service: string, minimum: 'info' | 'warn' | 'error' = 'info'): LoggerPort {
  const levels = { info: 0, warn: 1, error: 2 } as const;
  const write =
    (level: keyof typeof levels) =>
    (message: string, extra: Record<string, unknown> = {}) => {
      if (levels[level] < levels[minimum]) return;
      stream.write(`${JSON.stringify({ level: level.toUpperCase(), timestamp: new Date().toISOString(), service, message, ...extra })}\n`);
    };
  return { info: write('info'), warn: write('warn'), error: write('error') };
}
