import { startRuntime } from '../local/runtime.js';
import type { CommandIo } from './suppression-commands.js';

export interface StartOptions {
  readonly port: number;
  readonly dataDir: string;
  readonly memory: boolean;
  readonly external: boolean;
}

/** `bounce start`: the whole pipeline on this machine until Ctrl-C or SIGTERM. */
export async function startCommand(options: StartOptions, io: CommandIo): Promise<number> {
  let runtime;
  try {
    runtime = await startRuntime({ port: options.port, dataDir: options.dataDir, memory: options.memory, external: options.external });
  } catch (error) {
    io.stderr.write(`bounce start: ${(error as Error).message}\n`);
    return 1;
  }
  const { file } = runtime;
  io.stdout.write(
    [
      `bounce pipeline running (pid ${file.pid})`,
      `  API (suppressions)   ${file.apiUrl}        try: curl ${file.apiUrl}/suppressions`,
      `  DynamoDB             ${file.endpoints.dynamodb}   tables ${file.tables.addresses}, ${file.tables.campaigns}${options.memory ? ' (in memory)' : ` (stored in ${file.dataDir}/dynamodb)`}`,
      `  SNS topic            ${file.topicArn} at ${file.endpoints.sns}`,
      `  SQS                  ${file.queues.notifications}`,
      `                       ${file.queues.notificationsDlq} (DLQ)`,
      `  classify             polling the notifications queue (batches of up to 100)`,
      `  health job           every 60 s; alerts to ${file.dataDir}/alerts.jsonl`,
      `  runtime file         ${file.dataDir}/runtime.json`,
      '',
      'Feed it:   npx bounce ingest examples/notifications.jsonl      or   npx bounce demo',
      'Ask it:    npx bounce lookup kim.lee@gmail.com',
      'Stop:      Ctrl-C (queued work is finished first; nothing is lost)',
      '',
    ].join('\n'),
  );
  await new Promise<void>((resolve) => {
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
  await runtime.stop();
  io.stdout.write('stopped.\n');
  return 0;
}
