import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));
const ROUNDS = 10;
/** Issue 22: the way the README runs `bounce` costs at most twice a bare `node -e 0`. */
const TARGET = 2;

/** Wall milliseconds of one run of `command args` from the repository root (its exit status is not judged: lookup exits 1). */
function wall(command: string, args: readonly string[]): number {
  const start = process.hrtime.bigint();
  const result = spawnSync(command, args, { cwd: root, stdio: 'ignore' });
  if (result.error) throw result.error;
  return Number(process.hrtime.bigint() - start) / 1e6;
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
};

/**
 * Start-up of the CLI as the README runs it (./bounce, a link to bin/bounce.mjs), of the bundle
 * itself, and of `npx bounce` (what the README used to say), each round interleaved with a bare
 * `node -e 0` so that a machine whose speed drifts weighs on both alike. Medians of 10 runs.
 */
export function benchCliStart(options: { readonly npx?: boolean } = {}): void {
  const empty = mkdtempSync(join(tmpdir(), 'bounce-bench-start-'));
  const node = process.execPath;
  const ways: Array<[string, string, readonly string[]]> = [
    ['node bin/bounce.mjs --version (the bundle)', node, ['bin/bounce.mjs', '--version']],
    ['./bounce --version (README)', './bounce', ['--version']],
    ['./bounce --help', './bounce', ['--help']],
    ['./bounce lookup x (API command, no runtime)', './bounce', ['lookup', 'x@example.org', '--data', empty]],
    ...(options.npx === false
      ? []
      : [['npx bounce --version (the old README)', 'npx', ['bounce', '--version']] as [string, string, string[]]]),
  ];
  try {
    const bare: number[] = [];
    const times = ways.map((): number[] => []);
    for (let round = 0; round < ROUNDS; round++) {
      bare.push(wall(node, ['-e', '0']));
      ways.forEach(([, command, args], i) => times[i]?.push(wall(command, args)));
    }
    const base = median(bare);
    console.log(`\nCLI start, wall ms (median of ${ROUNDS}; target: the README's way <= ${TARGET}x node -e 0)`);
    console.log(`  ${'node -e 0'.padEnd(46)} ${base.toFixed(0).padStart(6)}`);
    ways.forEach(([name], i) => {
      const ms = median(times[i] ?? []);
      const ratio = ms / base;
      const verdict = name.includes('npx') ? '' : ratio <= TARGET ? '  MET' : '  MISSED';
      console.log(`  ${name.padEnd(46)} ${ms.toFixed(0).padStart(6)}   ${ratio.toFixed(2)}x (target <= ${TARGET}x)${verdict}`);
    });
  } finally {
    rmSync(empty, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) benchCliStart({ npx: !process.argv.includes('--no-npx') });
