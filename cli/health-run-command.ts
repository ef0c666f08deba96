import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { localDecisionEvents, localHealthPass, MANUAL_PASS_FIND_HOURS } from '../local/health-timer.js';
import { clientConfigFor, DEFAULT_DATA_DIR, readRuntimeFile, runtimeClock, whyNotRunning } from '../local/runtime-file.js';
import { streamLogger } from '../shared/adapters/outbound/console-logger.js';
import { countRequests } from '../shared/adapters/request-meter.js';
import type { CommandIo } from './suppression-commands.js';
import { terminalSafe } from './terminal-text.js';

/** The exact `--json` form of `bounce health --run` (a contract for outside tools; fields may be added). */
export interface HealthRunReport {
  readonly campaignsChecked: number;
  /** DynamoDB requests the pass made (counted by an SDK middleware on its own client). */
  readonly storageRequests: number;
  readonly durationMs: number;
  /** Whether the heartbeat metric was written (DIR/metrics.jsonl). */
  readonly heartbeat: boolean;
  readonly messages: number;
  readonly alerts: number;
  readonly failed: number;
}

/**
 * `bounce health --run [--json]`: one scheduled pass now, through the scheduled function's code
 * path (finder, fan-out messages, checker), against the running runtime's store and into its data
 * folder (alerts, metrics, events), as the runtime's own timer does. Exit 1 when a campaign's check
 * or the finder failed (the report is printed all the same).
 */
export async function healthRunCommand(options: { readonly dataDir?: string; readonly json: boolean }, io: CommandIo): Promise<number> {
  const dataDir = options.dataDir ?? DEFAULT_DATA_DIR;
  const file = await readRuntimeFile(dataDir);
  if (!file) {
    io.stderr.write(`bounce health: ${await whyNotRunning(dataDir)}\n`);
    return 1;
  }
  const dynamo = new DynamoDBClient(clientConfigFor(file, 'dynamodb'));
  const requests = countRequests(dynamo);
  try {
    const pass = localHealthPass({
      dynamo,
      tables: { addressTable: file.tables.addresses, campaignTable: file.tables.campaigns },
      clock: runtimeClock(file),
      dataDir: file.dataDir,
      // Alerts are counted in the report and kept in DIR/alerts.jsonl: only errors on stderr.
      logger: streamLogger(io.stderr, 'bounce-health', 'error'),
      link: `${file.apiUrl}/`,
      events: localDecisionEvents(file.dataDir),
      findHours: MANUAL_PASS_FIND_HOURS,
    });
    const started = performance.now();
    const run = await pass();
    const report: HealthRunReport = {
      campaignsChecked: run.checks.length,
      storageRequests: requests(),
      durationMs: Math.round(performance.now() - started),
      heartbeat: run.heartbeat,
      messages: run.messages,
      alerts: run.alerts.length,
      failed: run.failed.length,
    };
    io.stdout.write(
      options.json
        ? `${JSON.stringify(report)}\n`
        : `Checked ${report.campaignsChecked} campaign(s) in ${report.durationMs} ms: ${report.storageRequests} storage requests, ` +
            `${report.alerts} alert(s), ${report.failed} failed; heartbeat ${report.heartbeat ? 'written' : 'NOT written'}.\n`,
    );
    if (run.finderError) io.stderr.write(`bounce health: finding the campaigns failed: ${terminalSafe(run.finderError.message)}\n`);
    return run.finderError || run.failed.length > 0 ? 1 : 0;
  } catch (error) {
    io.stderr.write(`bounce health: ${terminalSafe((error as Error).message)}\n`);
    return 1;
  } finally {
    dynamo.destroy();
  }
}
