import { resolve } from 'node:path';
import { BOUNCE_COMMAND, DEFAULT_DATA_DIR } from '../local/runtime-file.js';
import { readFile } from 'node:fs/promises';
import { parseWorld } from '../local/mailbox-world.js';
import { startRuntime } from '../local/runtime.js';
import { runtimeLogger, type LogFormat } from '../local/text-logger.js';
import type { TagNames } from '../shared/domain/index.js';
import type { CommandIo } from './suppression-commands.js';

export interface StartOptions {
  readonly port: number;
  readonly dataDir: string;
  readonly memory: boolean;
  readonly external: boolean;
  /** Names of the SES message tags that carry campaign, batch and source. */
  readonly tagNames?: TagNames;
  /** The runtime's own log on stderr: text on a terminal, JSON Lines otherwise (default), or as asked. */
  readonly logFormat?: LogFormat;
  /** The runtime's clock runs this many times faster than real time. */
  readonly timeScale?: number;
  /** A mailbox world for the local SES (JSON Lines). */
  readonly worldFile?: string;
}

/** `bounce start`: the whole pipeline on this machine until Ctrl-C or SIGTERM. */
export async function startCommand(options: StartOptions, io: CommandIo): Promise<number> {
  // Signals are handled from the first moment: a Ctrl-C during start-up stops cleanly once it is up.
  const stopRequested = new Promise<void>((resolve) => {
    let stopping = false;
    const stop = (signal: string) => {
      // A second Ctrl-C must not kill the process halfway through saving the queues.
      if (stopping) {
        io.stdout.write(`${signal}: still stopping (processing queued work for up to 20 s, then saving the rest)…\n`);
        return;
      }
      stopping = true;
      io.stdout.write(`\n${signal}: finishing queued work and stopping…\n`);
      resolve();
    };
    process.on('SIGINT', () => stop('SIGINT'));
    process.on('SIGTERM', () => stop('SIGTERM'));
  });
  let runtime;
  try {
    const world = options.worldFile ? parseWorld(await readFile(options.worldFile, 'utf8'), options.worldFile) : undefined;
    runtime = await startRuntime({
      ...(world ? { world } : {}),
      ...(options.timeScale ? { timeScale: options.timeScale } : {}),
      port: options.port,
      dataDir: options.dataDir,
      memory: options.memory,
      external: options.external,
      logger: runtimeLogger(io.stderr, options.logFormat),
      ...(options.tagNames ? { tagNames: options.tagNames } : {}),
    });
  } catch (error) {
    const message = (error as Error).message;
    const hint = /EADDRINUSE/.test(message)
      ? `\n  port ${options.port} is taken (another runtime, or another ` +
        `program): pass --port 0 for any free port, or --port N for another one\n`
      : '';
    io.stderr.write(`bounce start: ${message}\n${hint}`);
    return 1;
  }
  const { file, restored } = runtime;
  // The other commands find this runtime through --data when it is not the default folder.
  const dataFlag = resolve(options.dataDir) === resolve(DEFAULT_DATA_DIR) ? '' : ` --data ${options.dataDir}`;
  const restoredLine =
    restored.notifications + restored.deadLetters > 0
      ? [
          `  restored             ${restored.notifications} queued notifications ` +
            `and ${restored.deadLetters} dead-lettered records saved by the last ` +
            `run (${file.dataDir}/queues.json, dead-letters.json)` +
            (restored.deadLetters > 0 ? `; see them with: ${BOUNCE_COMMAND} dlq${dataFlag}` : ''),
        ]
      : [];
  if (restored.retryDeadLetters > 0)
    restoredLine.push(`  restored             ${restored.retryDeadLetters} bodies on the retry timer DLQ (bounce-retry-timers-dlq)`);
  io.stdout.write(
    [
      `bounce pipeline running (pid ${file.pid})`,
      `  API (suppressions)   ${file.apiUrl}        try: curl ${file.apiUrl}/suppressions`,
      `  page (operator)      ${file.apiUrl}/       campaigns, an address's record and history, release`,
      `  DynamoDB             ${file.endpoints.dynamodb}   tables ` +
        `${file.tables.addresses}, ${file.tables.campaigns}${options.memory ? ' (in memory)' : ` (stored in ${file.dataDir}/dynamodb)`}`,
      `  SNS topic            ${file.topicArn} at ${file.endpoints.sns}`,
      `  SQS                  ${file.queues.notifications}`,
      `                       ${file.queues.notificationsDlq} (DLQ)`,
      `  classify             polling the notifications queue (batches of up to 100)`,
      ...(file.sesViewerUrl
        ? [
            `  SES (local)          ${file.endpoints.ses}   sent mail: ` +
              `${file.sesViewerUrl}${options.worldFile ? `   world: ${options.worldFile}` : ''}`,
          ]
        : []),
      `  retries              timers on the retry queue${file.timeScale !== 1 ? `; clock ${file.timeScale}x real time` : ''}`,
      `  health job           every 60 s; alerts to ${file.dataDir}/alerts.jsonl`,
      `  runtime file         ${file.dataDir}/runtime.json`,
      ...restoredLine,
      '',
      `Feed it:   ${BOUNCE_COMMAND} ingest examples/notifications.jsonl${dataFlag}      or send: ${BOUNCE_COMMAND} send FILE${dataFlag}`,
      `Demo:      ${BOUNCE_COMMAND} demo   (the closed loop on a throwaway runtime of its own, clock 14,400x)`,
      `Ask it:    ${BOUNCE_COMMAND} lookup kim.lee@gmail.com${dataFlag}`,
      'Stop:      Ctrl-C (queued work is finished first; nothing is lost)',
      '',
    ].join('\n'),
  );
  await stopRequested;
  await runtime.stop();
  io.stdout.write('stopped.\n');
  return 0;
}
