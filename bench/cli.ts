import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bounceStream, type Repetition } from './bounce-stream.js';
import { benchCliStart } from './cli-start.js';

const root = fileURLToPath(new URL('../', import.meta.url));
const NOTIFICATIONS = 100_000;
/** Rounds per stream: the machine's speed drifts, so one figure per round pair and the spread are printed. */
const CLI_ROUNDS = 5;

/** The plain script `bounce classify` is measured against: parse each line and its Message, one small line per recipient. */
const BASELINE = `
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
let out = '';
for await (const line of createInterface({ input: createReadStream(process.argv[2]), crlfDelay: Infinity })) {
  const envelope = JSON.parse(line);
  const message = JSON.parse(envelope.Message);
  for (const r of message.bounce.bouncedRecipients) {
    out += JSON.stringify({ recipient: r.emailAddress, status: r.status ?? null }) + '\\n';
    if (out.length > 65536) { process.stdout.write(out); out = ''; }
  }
}
process.stdout.write(out);
`;

/** CPU seconds used by finished children of this process (Linux), or null elsewhere. */
function childCpuSeconds(): number | null {
  if (!existsSync('/proc/self/stat')) return null;
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]?.split(' ') ?? [];
  // Fields 16 and 17 of stat (cutime, cstime), in clock ticks of 1/100 s on Linux.
  return (Number(fields[13]) + Number(fields[14])) / 100;
}

interface Run {
  readonly wall: number;
  readonly cpu: number | null;
}

function run(args: readonly string[]): Run {
  const cpuBefore = childCpuSeconds();
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { cwd: root, stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 20 });
  const wall = Number(process.hrtime.bigint() - start) / 1e9;
  if (result.status !== 0) throw new Error(`${args.join(' ')} exited ${result.status}: ${result.stderr.toString().slice(0, 300)}`);
  const cpuAfter = childCpuSeconds();
  return { wall, cpu: cpuBefore === null || cpuAfter === null ? null : cpuAfter - cpuBefore };
}

const median = (values: readonly number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

function medians(runs: readonly Run[]): Run {
  const cpus = runs.map((r) => r.cpu);
  return { wall: median(runs.map((r) => r.wall)), cpu: cpus.every((c) => c !== null) ? median(cpus as number[]) : null };
}

function notificationsFile(dir: string, repetition: Repetition): { file: string; distinctDiagnostics: number } {
  const stream = bounceStream(NOTIFICATIONS, repetition);
  const file = join(dir, `notifications-${repetition}.jsonl`);
  writeFileSync(file, `${stream.payloads.join('\n')}\n`);
  return { file, distinctDiagnostics: stream.distinctDiagnostics };
}

const ratio = (a: number | null, b: number | null): string => (a === null || b === null ? 'n/a' : (a / b).toFixed(2));
const seconds = (value: number | null): string => (value === null ? 'n/a' : `${value.toFixed(2)} s`);

/** `bounce classify` end to end against a plain script, and the CLI's start against a bare node. */
export function benchCli(): void {
  const dir = mkdtempSync(join(tmpdir(), 'bounce-bench-'));
  try {
    const baseline = join(dir, 'baseline.mjs');
    writeFileSync(baseline, BASELINE);
    const bin = join(root, 'bin/bounce.mjs');
    const builtOrSources = existsSync(join(root, 'dist/main.js')) ? 'bundled dist/' : 'sources through tsx (run npm run build)';
    console.log(
      `\nbounce classify, ${NOTIFICATIONS.toLocaleString('en-US')} SNS-wrapped notifications ` +
        `(${builtOrSources}; ${CLI_ROUNDS} rounds, each the plain script then bounce classify)`,
    );
    for (const repetition of ['realistic', 'distinct'] as const) {
      const { file, distinctDiagnostics } = notificationsFile(dir, repetition);
      const cli: Run[] = [];
      const plain: Run[] = [];
      for (let round = 0; round < CLI_ROUNDS; round++) {
        plain.push(run([baseline, file]));
        cli.push(run([bin, 'classify', file]));
      }
      const c = medians(cli);
      const p = medians(plain);
      // This machine's speed drifts within minutes: the ratio of each round's pair, run back to back, is the steadier figure.
      const paired = cli.flatMap((r, i) => (r.cpu === null || plain[i]?.cpu == null ? [] : [r.cpu / (plain[i]?.cpu as number)]));
      console.log(`  ${repetition} stream (${distinctDiagnostics.toLocaleString('en-US')} distinct diagnostics):`);
      console.log(`    bounce classify:  ${seconds(c.wall)} wall, ${seconds(c.cpu)} CPU (medians)`);
      console.log(`    plain script:     ${seconds(p.wall)} wall, ${seconds(p.cpu)} CPU (medians)`);
      console.log(`    ratio of medians: ${ratio(c.wall, p.wall)} wall, ${ratio(c.cpu, p.cpu)} CPU (target <= 2)`);
      if (paired.length > 0)
        console.log(
          `    CPU ratio per round: median ${median(paired).toFixed(2)}, ` +
            `from ${Math.min(...paired).toFixed(2)} to ${Math.max(...paired).toFixed(2)} (target <= 2)`,
        );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  benchCliStart();
}
