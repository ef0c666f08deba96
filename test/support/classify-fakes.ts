import { createProcessBatch, type ClassifyBatchDeps, type ProcessBatch } from '../../shared/app/classify-batch.js';
import type { CampaignReader, HourTotals } from '../../shared/app/ports.js';
import { NO_COUNTERS } from '../../shared/domain/index.js';
import { sqsBatchHandler } from '../../shared/adapters/inbound/sqs-batch.js';
import { FakeAddresses, FakeCampaigns, FakeDeadLetters, RecordingLogger, RecordingMetrics } from './fakes.js';

/** The clock of every classify test over fakes unless it passes its own. */
export const CLASSIFY_NOW = new Date('2026-11-20T12:00:00Z');

/** A campaign reader that has seen no activity (for use cases that read campaigns only on the side). */
export const noCampaignReads: CampaignReader = {
  activeHours: async () => [],
  totals: async () => NO_COUNTERS,
  campaignsActiveIn: async () => [],
  hourlyTotals: async () => [],
  period: async () => null,
  catalogue: async () => ({ periods: [] }),
};

/** `hourlyTotals` of a fake reader from its `activeHours` and `totals`, hour by hour. */
export async function hourlyFromTotals(
  reader: Pick<CampaignReader, 'activeHours' | 'totals'>,
  campaign: string,
  fromHour: string,
  toHour: string,
): Promise<HourTotals[]> {
  const span: string[] = [];
  for (let at = Date.parse(`${fromHour}:00:00Z`); at <= Date.parse(`${toHour}:00:00Z`); at += 3600_000)
    span.push(new Date(at).toISOString().slice(0, 13));
  const byHour: HourTotals[] = [];
  for (const hour of await reader.activeHours(campaign, span)) byHour.push({ hour, totals: await reader.totals(campaign, [hour]) });
  return byHour;
}

export interface ClassifyOverFakes {
  readonly addresses: FakeAddresses;
  /** Both the counters and the delivery delays. */
  readonly campaigns: FakeCampaigns;
  readonly deadLetters: FakeDeadLetters;
  readonly logger: RecordingLogger;
  readonly metrics: RecordingMetrics;
  /** The classify use case itself. */
  readonly process: ProcessBatch;
  /** The same behind the Lambda's SQS edge (partial batch responses). */
  readonly handler: ReturnType<typeof sqsBatchHandler>;
}

type Options = Partial<Omit<ClassifyBatchDeps, 'addresses' | 'counters' | 'delays' | 'deadLetters' | 'logger' | 'metrics'>> & {
  /** A fake of the caller's (a subclass that fails, or one that counts calls). */
  readonly addresses?: FakeAddresses;
  /** The caller's, when other use cases of the test share them (an erasure store, a retry scheduler, an API). */
  readonly campaigns?: FakeCampaigns;
  readonly logger?: RecordingLogger;
};

/** The classify use case wired to fresh in-memory fakes that record every call; `options` set the rest of its dependencies. */
export function classifyOverFakes(options: Options = {}): ClassifyOverFakes {
  const { addresses = new FakeAddresses(), campaigns = new FakeCampaigns(), logger = new RecordingLogger(), ...rest } = options;
  const deadLetters = new FakeDeadLetters();
  const metrics = new RecordingMetrics();
  const process = createProcessBatch({
    addresses,
    counters: campaigns,
    delays: campaigns,
    deadLetters,
    logger,
    metrics,
    clock: () => CLASSIFY_NOW,
    ...rest,
  });
  return { addresses, campaigns, deadLetters, logger, metrics, process, handler: sqsBatchHandler(process) };
}
