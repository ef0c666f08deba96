import { DEFAULT_FAULTS, runChaos } from '../test/support/chaos.js';
import { runWorldChaos } from '../test/support/chaos-world-run.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/**
 * `npm run chaos [-- --events N] [--seed N]`: the chaos proof (see docs/guarantees.md, The chaos proof). Exits 1 when
 * the chaos run differs from the clean run in any compared item or leaves dead letters.
 *
 * `npm run chaos -- --world [--sends N] [--seed N] [--time-scale N]`: the same proof with the mailbox world, sends,
 * retries, a pause and kills during retries. Exits 1 on any failed check.
 */
function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  if (at === -1) return fallback;
  const value = Number(process.argv[at + 1]);
  if (!Number.isInteger(value) || value <= 0) {
    console.error(`chaos: --${name} takes a positive whole number`);
    process.exit(2);
  }
  return value;
}

const seed = option('seed', 1);
const started = Date.now();
const progress = (line: string) => console.log(`[${((Date.now() - started) / 1000).toFixed(0)} s] ${line}`);

if (process.argv.includes('--world')) {
  // 1,000 recipients take about 15 minutes here (docs/guarantees.md, The chaos proof). 600x: an hour of the
  // runtime clock is 6 s, so a restart (seconds) costs a retry story minutes, not its 24-hour window.
  const report = await runWorldChaos({ sends: option('sends', 1000), seed, timeScale: option('time-scale', 600), progress });
  console.log('');
  for (const line of report.lines) console.log(line);
  console.log(`total run time (both runs, checks): ${((Date.now() - started) / 1000).toFixed(0)} s`);
  process.exit(report.pass ? 0 : 1);
}

// 100,000 events take well over an hour on a busy 2-core machine (docs/guarantees.md, The chaos proof): 10,000 is the default.
const events = option('events', 10_000);
const report = await runChaos({
  events,
  seed,
  faults: process.env.BOUNCE_INJECT_FAULTS ?? DEFAULT_FAULTS,
  progress,
});
console.log('');
for (const line of report.lines) console.log(line);
console.log(`total run time (generation, both runs, comparison): ${((Date.now() - started) / 1000).toFixed(0)} s`);
process.exit(report.comparison.differences.length === 0 && report.chaos.deadLetters === 0 ? 0 : 1);
