import { chaosOrder, chaosStream, ORDER_DEPENDENT, type ChaosStream } from './chaos-stream.js';
import { drive, type DriveResult } from './chaos-run.js';
import { compareRuns, COMPARED, NOT_COMPARED, percentile, stateLatenciesMs, type Comparison } from './chaos-compare.js';

export interface ChaosOptions {
  readonly events: number;
  readonly seed?: number;
  /** kill -9 + restart points, as shares of the chaos run's publications. */
  readonly killsAt?: readonly number[];
  readonly faults?: string;
  /** Out-of-order window, in events. */
  readonly window?: number;
  readonly progress?: (line: string) => void;
  /** Run the clean and the chaos run at the same time (quicker; their figures then share the CPU). */
  readonly parallel?: boolean;
}

export interface ChaosReport {
  readonly stream: ChaosStream;
  readonly clean: DriveResult;
  readonly chaos: DriveResult;
  readonly comparison: Comparison;
  /** What the runtime said it injected, from its last (clean) stop. */
  readonly injected: string | null;
  readonly latencyMs: { readonly p50: number; readonly p99: number; readonly samples: number };
  /** Printable summary. */
  readonly lines: readonly string[];
}

export const DEFAULT_FAULTS = 'throttle:0.03,error500:0.01';

const mb = (kb: number) => `${(kb / 1024).toFixed(0)} MB`;

/** The runtime's own count of injected faults, logged at its clean stop (JSON Lines on a pipe). */
function injectedFaults(output: string): string | null {
  for (const line of output.split('\n')) {
    if (!line.includes('DynamoDB faults injected in this run')) continue;
    try {
      const entry = JSON.parse(line) as { calls?: number; throttled?: number; failed500?: number };
      return `the last runtime injected ${entry.throttled} throttling errors and ${entry.failed500} 500s into ${entry.calls} DynamoDB calls`;
    } catch {
      return line.trim();
    }
  }
  return null;
}

/**
 * The chaos proof: the same generated stream through a spawned `bounce start`
 * twice. Clean: in order, once, no faults, no kills. Chaos: every event
 * twice, out of order within a window, DynamoDB throttling and 500s injected,
 * kill -9 + restart at the given points. Then every compared item must be equal.
 */
export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const seed = options.seed ?? 1;
  const say = options.progress ?? (() => {});
  const stream = chaosStream({ events: options.events, seed, now: Date.now() });
  const faults = options.faults ?? DEFAULT_FAULTS;
  const killsAt = options.killsAt ?? [1 / 3, 2 / 3];
  const window = options.window ?? 200;
  say(`stream: ${stream.events.length} events, ${stream.addresses} addresses, ${stream.campaigns} campaigns (seed ${seed})`);

  const cleanRun = () =>
    drive(stream.events, { order: stream.events.map((_, i) => i), progress: (line) => say(`  clean: ${line}`) }).then((result) => {
      say(`clean run: ${result.seconds.toFixed(1)} s`);
      return result;
    });
  const chaosRun = () => {
    say(`chaos run: every event twice, shuffled within ${window} events, faults ${faults}, kill -9 at ${killsAt.length} points`);
    return drive(stream.events, {
      order: chaosOrder(stream.events.length, seed, window),
      faults,
      killsAt,
      progress: (line) => say(`  chaos: ${line}`),
    }).then((result) => {
      say(`chaos run: ${result.seconds.toFixed(1)} s`);
      return result;
    });
  };
  say('clean run: in order, once, no faults, no kills');
  const [clean, chaos] = options.parallel ? await Promise.all([cleanRun(), chaosRun()]) : [await cleanRun(), await chaosRun()];

  const comparison = compareRuns(clean.items, chaos.items, new Set(stream.orderDependent));
  const latencies = stateLatenciesMs(stream, chaos);
  const latencyMs = { p50: percentile(latencies, 50), p99: percentile(latencies, 99), samples: latencies.length };
  const injected = injectedFaults(chaos.output);
  const failedBack = chaos.output.split('\n').filter((line) => line.includes('Record failed')).length;
  const eventsPerSecond = (result: DriveResult) => (stream.events.length / result.seconds).toFixed(0);
  const lines = [
    `events: ${stream.events.length} (${stream.addresses} addresses, ${stream.campaigns} campaigns); stories: ${JSON.stringify(stream.stories)}`,
    `order-dependent by design: ${ORDER_DEPENDENT}: ${comparison.orderDependent.addresses} addresses, ` +
      `${comparison.orderDependent.releasedByClean} released by the clean run, ` +
      `${comparison.orderDependent.heldInstead} of them held in review by the chaos run`,
    `clean run: ${clean.seconds.toFixed(1)} s, ${eventsPerSecond(clean)} events/s, peak RSS ${mb(Math.max(...clean.peakRssKb))}`,
    `chaos run: ${chaos.seconds.toFixed(1)} s, ${eventsPerSecond(chaos)} distinct events/s (${2 * stream.events.length} deliveries), ` +
      `peak RSS ${chaos.peakRssKb.map(mb).join(' / ')} (each runtime process before its kill or stop)`,
    `chaos: notification-to-state latency p50 ${latencyMs.p50} ms, p99 ${latencyMs.p99} ms (${latencyMs.samples} address records)`,
    `chaos: ${injected ?? 'no injected-fault count logged by the last runtime'}; ` +
      `records failed back to the queue after the SDK's retries: ${failedBack}; DLQ at the end: ${chaos.deadLetters} (clean ${clean.deadLetters})`,
    ...(options.parallel ? ['(the clean and the chaos run shared the machine: their speed figures are lower than alone)'] : []),
    `compared: ${JSON.stringify(comparison.compared)}; fields left out: ${JSON.stringify(COMPARED)}`,
    `not compared: ${JSON.stringify(comparison.skipped)} (${Object.values(NOT_COMPARED).join('; ')})`,
    comparison.differences.length === 0 && chaos.deadLetters === 0
      ? 'EQUAL: every compared item of the chaos run equals the clean run'
      : `DIFFERENT: ${comparison.differences.length} differences, ${chaos.deadLetters} dead letters`,
    ...comparison.differences.slice(0, 40).map((d) => `  ${d}`),
  ];
  return { stream, clean, chaos, comparison, injected, latencyMs, lines };
}
