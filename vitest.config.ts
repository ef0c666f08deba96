import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

const shared = {
  setupFiles: ['test/setup.ts'],
  testTimeout: 30_000,
  hookTimeout: 60_000,
  env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', FAUXQS_LOGGER: 'false' },
};

export default defineConfig({
  test: {
    globalSetup: ['test/global-setup.ts'],
    // Vitest's default on 2 cores is one worker (cores - 1), which leaves a core idle while integration
    // tests wait on timers and child processes: two at least.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    reporters: process.env.CI_JSON_REPORT ? ['default', ['json', { outputFile: process.env.CI_JSON_REPORT }]] : ['default'],
    projects: [
      {
        // In-process tests over fakes, mocks and CDK templates share one module graph per worker: loading
        // aws-cdk-lib and the SDK once instead of once per file takes most of their time off. The extra
        // setup file puts back, after each file, the environment and the SDK client mocks it changed.
        test: {
          ...shared,
          name: 'unit',
          include: ['test/unit/**/*.test.ts', 'test/infra/**/*.test.ts'],
          isolate: false,
          setupFiles: [...shared.setupFiles, 'test/support/shared-worker-setup.ts'],
        },
      },
      {
        // Emulators, runtimes and child processes: a fresh module graph per file.
        test: { ...shared, name: 'integration', include: ['test/integration/**/*.test.ts', 'test/browser/**/*.test.ts'] },
      },
    ],
  },
});
