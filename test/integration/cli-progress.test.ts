import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bounce, startBounce, type StartedRuntime } from '../support/cli.js';

describe('check, import and export show progress on large inputs (spawned, stderr not a terminal)', () => {
  let dataDir: string;
  let runtime: StartedRuntime;
  const env = { BOUNCE_PROGRESS_SECONDS: '0.05' };
  // Enough lines for a 0.05 s progress period to pass several times (each import line is an API write).
  const IMPORTED = 40;
  const progressLines = (stderr: string, label: string, unit: string) =>
    stderr.split('\n').filter((line) => new RegExp(`^${label}: [\\d,]+ ${unit}( · [\\d,]+/s)?$`).test(line));

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'bounce-cli-progress-'));
    runtime = await startBounce(dataDir, ['--port', '0', '--memory']);
  }, 60_000);
  afterAll(async () => {
    await runtime.stop();
  }, 60_000);

  it('import: periodic plain lines, then the summary', async () => {
    const file = join(dataDir, 'ses.csv');
    writeFileSync(file, `email,reason\n${Array.from({ length: IMPORTED }, (_, i) => `bulk${i}@progress.example,BOUNCE`).join('\n')}\n`);
    const run = await bounce(['import', file, '--data', dataDir], { env });
    expect(run.status).toBe(0);
    expect(progressLines(run.stderr, 'import', 'lines read').length).toBeGreaterThanOrEqual(1);
    expect(run.stderr).not.toContain('\r');
    expect(run.stderr.trimEnd().split('\n').at(-1)).toBe(`import: ${IMPORTED} new, 0 already on file, 0 invalid, 0 failed`);
  }, 120_000);

  it('check: periodic plain lines, then the count', async () => {
    const input = `${Array.from({ length: 3000 }, (_, i) => `bulk${i}@progress.example`).join('\n')}\n`;
    const run = await bounce(['check', '-', '--data', dataDir], { input, env });
    expect(run.status).toBe(0);
    expect(run.stdout.trim().split('\n')).toHaveLength(3001);
    expect(progressLines(run.stderr, 'check', 'checked').length).toBeGreaterThanOrEqual(1);
    expect(run.stderr.trimEnd().split('\n').at(-1)).toBe('check: 3000 checked');
  }, 120_000);

  it('export: the count at the end (and periodic lines while pages come)', async () => {
    const run = await bounce(['export', '--data', dataDir], { env });
    expect(run.status).toBe(0);
    expect(
      run.stdout
        .trim()
        .split('\n')
        .filter((line) => line.endsWith('@progress.example,BOUNCE')),
    ).toHaveLength(IMPORTED);
    expect(run.stderr.trimEnd().split('\n').at(-1)).toBe(`export: ${IMPORTED} exported`);
    expect(run.stderr).not.toContain('\r');
  }, 120_000);
});
