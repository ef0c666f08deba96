import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';
import { SlowestFirst } from './test/support/slowest-first.js';

const shared = {
  setupFiles: ['test/setup.ts'],
  testTimeout: 30_000,
  hookTimeout: 60_000,
  env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', FAUXQS_LOGGER: 'false' },
};

/** Integration files that start their emulators in process and spawn nothing (a new file is isolated until listed here). */
const IN_PROCESS_INTEGRATION = [
  'bad-input',
  'campaign-cli',
  'closed-loop',
  'concurrency',
  'counter-contention',
  'dynalite-iterators',
  'erasure-composition',
  'exactly-once',
  'fault-injection',
  'health-job',
  'history-batch-write',
  'hostile-names',
  'ingestion',
  'journal-compaction',
  'local-api-guard',
  'message-bodies',
  'repository-contract',
  'retry-adapters',
  'ses-world-stop',
  'soft-bounce-redelivery',
  'world-journal',
].map((name) => `test/integration/${name}.test.ts`);

export default defineConfig({
  test: {
    globalSetup: ['test/global-setup.ts'],
    // Vitest's default on 2 cores is one worker (cores - 1), which leaves a core idle while integration
    // tests wait on timers, fast clocks and child processes: one worker more than cores keeps both busy
    // (2 cores, 3 workers: 291 s wall for 547 s of CPU; with 2 the cores sat idle a fifth of the time).
    maxWorkers: availableParallelism() + 1,
    sequence: { sequencer: SlowestFirst },
    reporters: process.env.CI_JSON_REPORT ? ['default', ['json', { outputFile: process.env.CI_JSON_REPORT }]] : ['default'],
    projects: [
      {
        // In-process tests (fakes, mocks, CDK templates, emulators in process) share one module graph per
        // worker: aws-cdk-lib and the SDK load once per worker instead of once per file. The extra setup
        // file puts back, after each file, the environment and the SDK client mocks it changed.
        test: {
          ...shared,
          name: 'in-process',
          include: ['test/unit/**/*.test.ts', 'test/infra/**/*.test.ts', ...IN_PROCESS_INTEGRATION],
          isolate: false,
          setupFiles: [...shared.setupFiles, 'test/support/shared-worker-setup.ts'],
        },
      },
      {
        // Emulators, runtimes and child processes: a fresh module graph per file.
        test: {
          ...shared,
          name: 'isolated',
          include: ['test/integration/**/*.test.ts', 'test/browser/**/*.test.ts'],
          exclude: IN_PROCESS_INTEGRATION,
        },
      },
    ],
  },
});
