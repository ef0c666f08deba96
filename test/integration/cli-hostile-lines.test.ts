import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRuntime, type Runtime } from '../../local/runtime.js';
import { MAX_JSON_DEPTH } from '../../shared/domain/index.js';
import { bounceFor } from '../support/batches.js';
import { bounce } from '../support/cli.js';
import { settled } from '../support/runtime-process.js';
import { RecordingLogger } from '../support/fakes.js';

/** 10 good lines, one line nested 100,000 deep, 10 good lines: the deep line is line 11 (each good line is a write or a send). */
const SIDE = 10;
const GOOD = 2 * SIDE;
const BAD_LINE = SIDE + 1;
const DEEP = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
const around = (good: (i: number) => string, bad: string) =>
  `${[...Array.from({ length: SIDE }, (_, i) => good(i)), bad, ...Array.from({ length: SIDE }, (_, i) => good(SIDE + i))].join('\n')}\n`;
const TOO_DEEP = `JSON nested deeper than ${MAX_JSON_DEPTH} levels`;

let dataDir: string;
let runtime: Runtime;
beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'bounce-hostile-'));
  runtime = await startRuntime({ port: 0, dataDir, logger: new RecordingLogger(), healthEverySeconds: 0 });
});
afterAll(async () => {
  await runtime?.stop();
});

describe('one line nested 100,000 deep between 20 good ones', () => {
  it('bounce ingest publishes the 20, names line 11 with its reason, and exits 1', async () => {
    const at = new Date(Date.now() - 3600_000).toISOString();
    const good = (i: number) =>
      JSON.stringify(
        bounceFor(`deep${i}@example.org`, { feedbackId: `fb-deep-${i}`, status: '5.1.1', diagnosticCode: 'smtp; 550 5.1.1', at }),
      );
    const file = join(dataDir, 'nested.jsonl');
    writeFileSync(file, around(good, `{"eventType":"Bounce","x":${DEEP}}`));
    const run = await bounce(['ingest', file, '--data', dataDir]);
    expect(run.status).toBe(1);
    expect(run.stderr).not.toContain('Maximum call stack');
    expect(run.stderr).toContain(`ingest: ${GOOD} published, 0 failed`);
    expect(run.stderr).toContain(`${file}:${BAD_LINE}: ${TOO_DEEP}`);
    await settled(runtime);

    // bounce check of the same 20 addresses, the deep line in the middle: 20 suppressed, line 11 invalid.
    const list = join(dataDir, 'nested.txt');
    writeFileSync(
      list,
      around((i) => `deep${i}@example.org`, DEEP),
    );
    const checked = await bounce(['check', list, '--data', dataDir]);
    expect(checked.status).toBe(0);
    const rows = checked.stdout.trimEnd().split('\n').slice(1);
    expect(rows).toHaveLength(GOOD + 1);
    expect(rows.filter((row) => /^deep\d+@example\.org,true,suppressed,hard-bounce$/.test(row))).toHaveLength(GOOD);
    expect(rows[SIDE]).toMatch(/,invalid,,$/);
    expect(checked.stderr).toContain(`line ${BAD_LINE}: not a valid address`);
    expect(checked.stderr.trimEnd().split('\n').at(-1)).toBe(`check: ${GOOD + 1} checked, 1 invalid`);
  }, 120_000);

  it('bounce import adds the 20 and skips line 11, named', async () => {
    const file = join(dataDir, 'import.csv');
    writeFileSync(
      file,
      around((i) => `imported${i}@example.org,BOUNCE`, DEEP),
    );
    const run = await bounce(['import', file, '--data', dataDir]);
    expect(run.status).toBe(0);
    expect(run.stderr).toContain(`line ${BAD_LINE}: skipped (not a valid address)`);
    expect(run.stderr).toContain(`import: ${GOOD} new, 0 already on file, 1 invalid, 0 failed`);
  }, 120_000);

  it('bounce send sends the 20 and refuses line 11 with its reason', async () => {
    const message = (to: string) =>
      JSON.stringify({ to, from: 'news@mail.example.com', subject: 'hi', text: 'x', tags: { campaign: 'deep' } });
    const deepMessage = JSON.stringify({
      to: 'deep.template@example.org',
      from: 'news@mail.example.com',
      template: 't',
      templateData: 0,
      tags: { campaign: 'deep' },
    }).replace('"templateData":0', `"templateData":${DEEP}`);
    const run = await bounce(['send', '-', '--data', dataDir], { input: around((i) => message(`sent${i}@example.org`), deepMessage) });
    expect(run.stderr.trimEnd().split('\n').at(-1)).toBe(`send: ${GOOD} sent, 1 refused (1 not a message), 0 errors`);
    expect(run.status).toBe(1);
    const answers = run.stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as { status: string; reason?: string });
    expect(answers).toHaveLength(GOOD + 1);
    expect(answers.filter((a) => a.status === 'sent')).toHaveLength(GOOD);
    expect(answers[SIDE]).toEqual({ to: null, status: 'refused', reason: `line ${BAD_LINE}: ${TOO_DEEP}` });
  }, 120_000);
});
