import { readdirSync } from 'node:fs';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { bundleOptions, TARGETS } from '../../bench/bundles.js';

const functions = readdirSync(new URL('../../functions/', import.meta.url)).sort();

// The size half of issue 21's "every function small", bundled exactly as `npm run bench` does (its cold imports stay in the bench).
describe('Lambda bundles', () => {
  it.each(functions)('%s stays within the bundle target with the SDK left to the runtime', { timeout: 60_000 }, async (name) => {
    const result = await build({ ...bundleOptions(name, true), write: false, metafile: false });
    const bytes = result.outputFiles.reduce((sum, file) => sum + file.contents.byteLength, 0);
    expect(bytes).toBeLessThanOrEqual(TARGETS.bundleBytes);
  });
});
