import { COUNTER_SHARDS } from '../shared/app/ingest.js';
import { hotRecords, hotTotals, MAX_RECEIVES, meteredDynamo, runHot, type ContentionRun } from '../test/support/counter-contention.js';

/**
 * 20 concurrent classify consumers (each its own client and container state,
 * as Lambda instances) on one hot campaign-hour, through the real batch code
 * on dynalite: first on a single shard (shards: 1, as before
 * sharding), then with the shards the pipeline uses. Records the batch fails
 * back are received again, and dead-lettered after MAX_RECEIVES receives.
 */
const EVENTS = Number(process.env.BENCH_CONTENTION_EVENTS ?? 20_000);
const CONSUMERS = 20;

export async function benchCounterContention(): Promise<void> {
  console.log(
    `\n${CONSUMERS} concurrent consumers on one campaign-hour: ${EVENTS.toLocaleString('en-US')} sends, then their deliveries ` +
      `and 2 % hard bounces (classify use case on dynalite, batches of 100, DLQ after ${MAX_RECEIVES} receives)`,
  );
  console.log('  shards  phase      counter writes  conflicts  extra writes  failed back  dead-lettered  WCU/event  seconds');
  for (const shards of [1, COUNTER_SHARDS]) {
    const world = await meteredDynamo();
    try {
      const row = (phase: string, run: ContentionRun) => {
        const cells = [
          String(shards).padStart(6),
          phase.padEnd(9),
          String(run.counterWrites).padStart(14),
          String(run.counterConflicts).padStart(9),
          `${(100 * run.extraWriteShare).toFixed(1)} %`.padStart(12),
          String(run.failedBack).padStart(11),
          String(run.deadLettered).padStart(13),
          (run.writeUnits / run.events).toFixed(4).padStart(9),
          run.seconds.toFixed(0).padStart(7),
        ];
        console.log(`  ${cells.join('  ')}`);
      };
      row('sends', await runHot(world, hotRecords('send', 0, EVENTS), { consumers: CONSUMERS, shards }));
      row('outcomes', await runHot(world, hotRecords('outcome', 0, EVENTS), { consumers: CONSUMERS, shards }));
      const totals = await hotTotals(world);
      console.log(`          counted: sends ${totals.sends} (true ${EVENTS}), hard bounces ${totals.hardBounces}`);
    } finally {
      await world.stop();
    }
  }
  console.log('  targets: 0 records dead-lettered by contention; conflicts < 10 % extra writes');
}
