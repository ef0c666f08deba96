import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * Seconds a file took on the 2-core reference machine: the order for a clean clone, which has no
 * timing cache yet (vitest would run the largest files first, which is a different list).
 */
const FIRST_RUN_SECONDS: Record<string, number> = {
  'test/integration/cli-first-run.test.ts': 95,
  'test/integration/chaos.test.ts': 50,
  'test/integration/exactly-once.test.ts': 45,
  'test/integration/closed-loop.test.ts': 45,
  'test/integration/world-kill.test.ts': 40,
  'test/integration/runtime.test.ts': 35,
  'test/integration/failed-back.test.ts': 30,
  'test/integration/crash.test.ts': 30,
  'test/integration/campaign-periods-cli.test.ts': 25,
  'test/integration/api.test.ts': 25,
  'test/integration/doc-commands.test.ts': 20,
  'test/integration/runtime-clock.test.ts': 20,
  'test/infra/stack.test.ts': 20,
  'test/integration/cli-rough-edges.test.ts': 20,
};

/**
 * Longest file first across both projects (vitest's own order runs one project's files before the
 * other's, so a slow file of the second can start last and leave a core idle at the end): the
 * timing of the last run when there is one, else the table above, failed files first either way.
 */
export class SlowestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const root = this.ctx.config.root;
    const weight = (spec: TestSpecification) => {
      const path = relative(root, spec.moduleId);
      const cached = this.ctx.cache.getFileTestResults(`${spec.project.name}:${path}`);
      return (cached?.failed ? 1e9 : 0) + (cached?.duration ?? (FIRST_RUN_SECONDS[path] ?? 0) * 1000);
    };
    // Stable: files of equal weight (unknown ones) keep vitest's order.
    return (await super.sort(files))
      .map((spec) => ({ spec, weight: weight(spec) }))
      .sort((a, b) => b.weight - a.weight)
      .map(({ spec }) => spec);
  }
}
