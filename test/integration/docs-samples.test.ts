import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bounce, startBounce } from '../support/cli.js';
import { projectRoot } from '../support/corpus.js';

/** The first fenced block of `language` after `marker` in `docs/<file>`. */
function sampleAfter(file: string, marker: string, language: string): string {
  const readme = readFileSync(join(projectRoot, 'docs', file), 'utf8');
  const at = readme.indexOf(marker);
  expect(at, `docs/${file} has "${marker}"`).toBeGreaterThanOrEqual(0);
  const open = readme.indexOf(`\`\`\`${language}\n`, at);
  const close = readme.indexOf('\n```', open + 1);
  return readme.slice(open + language.length + 4, close);
}

/**
 * A README value stands for a real one when it has the same shape: numbers
 * (ports, pids, times) may differ, "…" stands for anything, "/abs/…" for any absolute path (the data folder).
 */
function shapeOf(sample: string): RegExp {
  const pattern = sample
    .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    .replace(/\d+/g, '\\d+')
    .replace(/…/g, '.*')
    .replace(/^\/abs\/.*$/, '/.+');
  return new RegExp(`^${pattern}$`);
}

/** Every difference between a README sample and a real value: keys, types, and the shape of strings. */
function differences(sample: unknown, real: unknown, path = '$'): string[] {
  if (sample === null || typeof sample !== 'object') {
    if (typeof sample !== typeof real) return [`${path}: README ${JSON.stringify(sample)}, real ${JSON.stringify(real)}`];
    if (typeof sample === 'string' && !shapeOf(sample).test(String(real))) return [`${path}: README "${sample}", real "${String(real)}"`];
    return [];
  }
  if (real === null || typeof real !== 'object') return [`${path}: README has an object, real ${JSON.stringify(real)}`];
  const sampleKeys = Object.keys(sample);
  const realKeys = Object.keys(real);
  return [
    ...realKeys.filter((key) => !sampleKeys.includes(key)).map((key) => `${path}.${key}: missing from the README`),
    ...sampleKeys.filter((key) => !realKeys.includes(key)).map((key) => `${path}.${key}: in the README, not in a real run`),
    ...sampleKeys
      .filter((key) => realKeys.includes(key))
      .flatMap((key) => differences((sample as Record<string, unknown>)[key], (real as Record<string, unknown>)[key], `${path}.${key}`)),
  ];
}

describe('docs samples match a real run', () => {
  it('the shape check tells a matching value from a wrong one', () => {
    expect(differences({ url: 'http://sqs.us-east-1.localhost:41235/x' }, { url: 'http://sqs.us-east-1.127.0.0.1:38001/x' })).toEqual([
      '$.url: README "http://sqs.us-east-1.localhost:41235/x", real "http://sqs.us-east-1.127.0.0.1:38001/x"',
    ]);
    expect(differences({ url: 'http://127.0.0.1:41235', n: 1 }, { url: 'http://127.0.0.1:38001', n: 7 })).toEqual([]);
    expect(differences({ a: 1 }, { a: 1, b: 2 })).toEqual(['$.b: missing from the README']);
  });

  it('runtime.json, as `bounce start` writes it', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'bounce-docs-samples-'));
    const runtime = await startBounce(dataDir, ['--port', '0', '--memory']);
    try {
      const real = JSON.parse(readFileSync(join(dataDir, 'runtime.json'), 'utf8')) as unknown;
      const sample = JSON.parse(sampleAfter('local-runtime.md', 'While it runs it writes `DIR/runtime.json`', 'json')) as unknown;
      expect(differences(sample, real)).toEqual([]);
    } finally {
      await runtime.stop();
    }
  }, 60_000);

  it('a `bounce classify` decision line', async () => {
    const run = await bounce(['classify', 'examples/notifications.jsonl']);
    const real = JSON.parse(run.stdout.split('\n')[0] ?? '') as Record<string, unknown>;
    const sample = JSON.parse(sampleAfter('cli.md', 'It writes one JSON line per recipient decision', 'json')) as Record<string, unknown>;
    expect(Object.keys(sample)).toEqual(Object.keys(real));
    // A notification has no input id (null) where the sample's recipient line has one: types are compared where both have a value.
    for (const key of Object.keys(sample))
      if (sample[key] !== null && real[key] !== null) expect(typeof sample[key], key).toBe(typeof real[key]);
    expect(real).toMatchObject({ recipient: expect.stringContaining('@'), category: expect.any(String), rule: expect.any(String) });
  }, 60_000);
});
