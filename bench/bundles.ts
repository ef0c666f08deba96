import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type BuildOptions, type Metafile } from 'esbuild';
import { safeParse } from 'zod/v4/core';
import { FUNCTION_ENVIRONMENTS, type FunctionName } from '../shared/config/index.js';

const root = fileURLToPath(new URL('../', import.meta.url));
// Inside the project, so the SDK left external resolves from node_modules as on Lambda (where the runtime provides it);
// one folder per run, so two runs sharing node_modules never remove each other's bundles.
const outDir = join(root, `node_modules/.cache/bounce-bench-bundles-${process.pid}`);

/** The SDK's part of every cold import's environment (nothing is called). */
const SDK_ENV: Record<string, string> = {
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'bench',
  AWS_SECRET_ACCESS_KEY: 'bench',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};

/** Enough environment for a function's config to load, from its contract: a stand-in for each required variable. */
function environmentOf(name: FunctionName): Record<string, string> {
  const { schema } = FUNCTION_ENVIRONMENTS[name];
  const required = Object.entries(schema.shape).filter(([, variable]) => !safeParse(variable, undefined).success);
  return Object.fromEntries(
    required.map(([variable]) => {
      const id = variable.toLowerCase();
      return [variable, variable.endsWith('_URL') ? `https://sqs.us-east-1.amazonaws.com/1/${id}` : `arn:aws:bench:us-east-1:1:${id}`];
    }),
  );
}

/** Targets of issue 21 (every function small), printed next to each figure. */
export const TARGETS = { bundleBytes: 200 * 1024, importRatio: 1.15 };
const ROUNDS = 11;

/** esbuild's options for a handler as infra/constructs/pipeline-function.ts has the CDK bundle it (ESM, minified, node24). */
export const bundleOptions = (name: string, sdkExternal: boolean) =>
  ({
    entryPoints: [join(root, `functions/${name}/handler.ts`)],
    bundle: true,
    platform: 'node',
    format: 'esm',
    minify: true,
    target: 'node24',
    mainFields: ['module', 'main'],
    banner: { js: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);" },
    external: sdkExternal ? ['@aws-sdk/*'] : [],
    metafile: true,
    logLevel: 'error',
  }) satisfies BuildOptions;

async function bundle(name: string, sdkExternal: boolean): Promise<{ file: string; bytes: number; sdkPackages: string[] }> {
  const file = join(outDir, `${name}${sdkExternal ? '' : '-with-sdk'}.mjs`);
  const result = await build({ ...bundleOptions(name, sdkExternal), outfile: file });
  return { file, bytes: statSync(file).size, sdkPackages: sdkPackagesOf(result.metafile) };
}

/** The SDK packages a bundle leaves to the runtime (`@aws-sdk/client-sqs`, …). */
function sdkPackagesOf(metafile: Metafile): string[] {
  const packages = new Set<string>();
  for (const input of Object.values(metafile.inputs)) {
    for (const { path, external } of input.imports) {
      const match = external ? /^@aws-sdk\/[^/]+/.exec(path) : null;
      if (match) packages.add(match[0]);
    }
  }
  return [...packages].sort();
}

/**
 * Milliseconds to import `specifiers` in a fresh Node process (the cold part of a Lambda cold start):
 * wall time, and the CPU time it took (user + system), which a busy machine disturbs far less.
 */
function coldImport(specifiers: readonly string[], env: Record<string, string>): { wall: number; cpu: number } {
  const imports = specifiers.map((s) => `await import(${JSON.stringify(s)});`).join(' ');
  const script =
    `const c = process.cpuUsage(); const t = performance.now(); ${imports} const u = process.cpuUsage(c);` +
    ' console.log(JSON.stringify({ wall: performance.now() - t, cpu: (u.user + u.system) / 1000 }));';
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: outDir,
    env: { ...process.env, ...SDK_ENV, ...env },
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(`cold import of ${specifiers.join(', ')} failed: ${run.stderr.slice(0, 400)}`);
  return JSON.parse(run.stdout.trim().split('\n').pop() ?? '') as { wall: number; cpu: number };
}

type Timing = { wall: number; cpu: number };
const median = (values: readonly number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
const medians = (timings: readonly Timing[]): Timing => ({
  wall: median(timings.map((t) => t.wall)),
  cpu: median(timings.map((t) => t.cpu)),
});
const kb = (bytes: number): string => `${(bytes / 1024).toFixed(0)} KB`;

const mark = (ok: boolean): string => (ok ? 'ok' : 'MISSED');

/** Each function's bundle size and cold import, against importing just the SDK clients it uses, next to the targets. */
export async function benchBundles(): Promise<void> {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const names = readdirSync(join(root, 'functions')).sort() as FunctionName[];
  console.log(`\nLambda bundles (esbuild as the CDK app bundles them; medians of ${ROUNDS} cold imports in fresh processes, interleaved)`);
  console.log(
    `  targets: bundle (SDK external) <= ${kb(TARGETS.bundleBytes)}; cold import <= ${TARGETS.importRatio} x its SDK clients alone` +
      " (judged on CPU time; wall time beside it moves with the machine's load)",
  );
  console.log(
    '  function      bundle (SDK external)     import: CPU / wall   SDK clients alone  ratio CPU (target)       wall' +
      '  | SDK bundled in: size, import',
  );
  const missed: string[] = [];
  for (const name of names) {
    const env = environmentOf(name);
    const external = await bundle(name, true);
    const inlined = await bundle(name, false);
    const sdk = external.sdkPackages.map((p) => import.meta.resolve(p, `file://${outDir}/`));
    const rounds = { bundle: [] as Timing[], sdk: [] as Timing[], inlined: [] as Timing[] };
    for (let round = 0; round < ROUNDS; round++) {
      rounds.sdk.push(coldImport(sdk, env));
      rounds.bundle.push(coldImport([`./${name}.mjs`], env));
      rounds.inlined.push(coldImport([`./${name}-with-sdk.mjs`], env));
    }
    const [b, s, i] = [medians(rounds.bundle), medians(rounds.sdk), medians(rounds.inlined)];
    const ratio = b.cpu / s.cpu;
    const small = external.bytes <= TARGETS.bundleBytes;
    const quick = ratio <= TARGETS.importRatio;
    if (!small) missed.push(`${name} bundle ${kb(external.bytes)}`);
    if (!quick) missed.push(`${name} import ${ratio.toFixed(2)} x`);
    console.log(
      `  ${name.padEnd(12)}  ${`${kb(external.bytes)} (<= ${kb(TARGETS.bundleBytes)}) ${mark(small)}`.padEnd(24)}` +
        `  ${`${b.cpu.toFixed(0)} / ${b.wall.toFixed(0)} ms`.padStart(19)}` +
        `  ${`${s.cpu.toFixed(0)} / ${s.wall.toFixed(0)} ms`.padStart(17)}` +
        `  ${`${ratio.toFixed(2)} (<= ${TARGETS.importRatio}) ${mark(quick)}`.padEnd(23)}` +
        `  ${(b.wall / s.wall).toFixed(2).padStart(4)}  | ${kb(inlined.bytes)}, ${i.cpu.toFixed(0)} / ${i.wall.toFixed(0)} ms`,
    );
  }
  console.log(`  missed: ${missed.length === 0 ? 'none' : missed.join('; ')}`);
  console.log('  deployed: the SDK bundled in (bundleAwsSDK in infra/constructs/pipeline-function.ts), chosen by the last column');
  rmSync(outDir, { recursive: true, force: true });
}
