import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Metafile } from 'esbuild';

const root = fileURLToPath(new URL('../', import.meta.url));
// Inside the project, so the SDK left external resolves from node_modules as on Lambda (where the runtime provides it).
const outDir = join(root, 'node_modules/.cache/bounce-bench-bundles');

/** Enough environment for every function's config to load (values are never used: nothing is called). */
const FAKE_ENV: Record<string, string> = {
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'bench',
  AWS_SECRET_ACCESS_KEY: 'bench',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  ADDRESS_TABLE_NAME: 'addresses',
  CAMPAIGN_TABLE_NAME: 'campaigns',
  DEAD_LETTER_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/1/dlq',
  RETRY_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/1/retry',
  RETRY_DEAD_LETTER_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/1/retry-dlq',
  RETRY_DUE_TOPIC_ARN: 'arn:aws:sns:us-east-1:1:retry-due',
  ALERT_TOPIC_ARN: 'arn:aws:sns:us-east-1:1:alerts',
  CONFIGURATION_SET_NAME: 'bounce',
};

/** Bundle a handler as infra/constructs/pipeline-function.ts has the CDK bundle it (ESM, minified, node24). */
async function bundle(name: string, sdkExternal: boolean): Promise<{ file: string; bytes: number; sdkPackages: string[] }> {
  const file = join(outDir, `${name}${sdkExternal ? '' : '-with-sdk'}.mjs`);
  const result = await build({
    entryPoints: [join(root, `functions/${name}/handler.ts`)],
    bundle: true,
    platform: 'node',
    format: 'esm',
    minify: true,
    target: 'node24',
    mainFields: ['module', 'main'],
    banner: { js: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);" },
    external: sdkExternal ? ['@aws-sdk/*'] : [],
    outfile: file,
    metafile: true,
    logLevel: 'error',
  });
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

/** Milliseconds to import `specifiers` in a fresh Node process (the cold part of a Lambda cold start). */
function coldImport(specifiers: readonly string[]): number {
  const imports = specifiers.map((s) => `await import(${JSON.stringify(s)});`).join(' ');
  const script = `const t = performance.now(); ${imports} console.log(performance.now() - t);`;
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: outDir,
    env: { ...process.env, ...FAKE_ENV },
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(`cold import of ${specifiers.join(', ')} failed: ${run.stderr.slice(0, 400)}`);
  return Number(run.stdout.trim().split('\n').pop());
}

const median = (values: readonly number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
const kb = (bytes: number): string => `${(bytes / 1024).toFixed(0)} KB`;

/** Each function's bundle size and cold import, against importing just the SDK clients it uses. */
export async function benchBundles(): Promise<void> {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const names = readdirSync(join(root, 'functions')).sort();
  console.log('\nLambda bundles (esbuild as the CDK app bundles them; median of 7 cold imports in fresh processes)');
  console.log('  function   bundle (SDK external)  import   SDK clients alone  ratio   | SDK bundled in: size, import');
  for (const name of names) {
    const external = await bundle(name, true);
    const inlined = await bundle(name, false);
    const sdk = external.sdkPackages.map((p) => import.meta.resolve(p, `file://${outDir}/`));
    const rounds = { bundle: [] as number[], sdk: [] as number[], inlined: [] as number[] };
    for (let round = 0; round < 7; round++) {
      rounds.sdk.push(coldImport(sdk));
      rounds.bundle.push(coldImport([`./${name}.mjs`]));
      rounds.inlined.push(coldImport([`./${name}-with-sdk.mjs`]));
    }
    const [b, s, i] = [median(rounds.bundle), median(rounds.sdk), median(rounds.inlined)];
    console.log(
      `  ${name.padEnd(9)}  ${kb(external.bytes).padStart(21)}` +
        `  ${`${b.toFixed(0)} ms`.padStart(6)}` +
        `  ${`${s.toFixed(0)} ms`.padStart(17)}` +
        `  ${(b / s).toFixed(2).padStart(5)}   | ${kb(inlined.bytes)}` +
        `, ${i.toFixed(0)} ms`,
    );
  }
  console.log('  targets (classify): bundle <= 200 KB; import <= 1.15 x its SDK clients alone');
  console.log('  deployed: the SDK bundled in (bundleAwsSDK in infra/constructs/pipeline-function.ts), chosen by the last column');
  rmSync(outDir, { recursive: true, force: true });
}
