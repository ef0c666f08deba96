import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capture, settled } from '../support/runtime-process.js';
import { ApiClient } from '../../cli/api-client.js';
import { campaignsCommand, healthCommand } from '../../cli/campaign-commands.js';
import { ingestCommand } from '../../cli/ingest-command.js';
import { importCommand, lookupCommand } from '../../cli/suppression-commands.js';
import { startRuntime, type Runtime } from '../../local/runtime.js';
import { silentLogger } from '../../shared/app/ports.js';
import { bounceFor } from '../support/batches.js';

/** A campaign tag an attacker (or a careless template) could set: a newline, a colour escape, C1 NEL, and an emoji. */
const HOSTILE = 'spring\nFAKE LINE \u001b[31mred\u001b[0m \u0085nel 🎉';
// eslint-disable-next-line no-control-regex -- what must never reach a terminal raw
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029]/;

let runtime: Runtime;
let dataDir: string;
let api: ApiClient;

/** Text a command printed: no raw control character but its own line ends, and each of its lines is its own. */
function expectSafe(text: string): void {
  expect(text).not.toMatch(RAW_CONTROL);
  expect(text.split('\n').some((line) => line.startsWith('FAKE LINE'))).toBe(false);
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'bounce-hostile-'));
  runtime = await startRuntime({ port: 0, dataDir, memory: true, healthEverySeconds: 0, logger: silentLogger });
  api = new ApiClient(runtime.file.apiUrl);
}, 60_000);
afterAll(async () => {
  await runtime?.stop(2);
});

describe('text output of names that came from outside', () => {
  it('a hostile campaign tag prints escaped in campaigns, health and lookup text; the emoji stays', async () => {
    const file = join(dataDir, 'hostile.jsonl');
    const at = runtime.clock().toISOString();
    const event = bounceFor('hostile@example.org', {
      feedbackId: 'fb-hostile',
      status: '5.1.1',
      diagnosticCode: 'smtp; 550 5.1.1',
      at,
      campaign: HOSTILE,
    });
    writeFileSync(file, `${JSON.stringify({ ...event, mail: { ...(event.mail as object), timestamp: at } })}\n`);
    expect(await ingestCommand({ sources: [file], dataDir }, capture().io)).toBe(0);
    await settled(runtime);

    const campaigns = capture();
    expect(await campaignsCommand(api, { json: false }, campaigns.io)).toBe(0);
    expectSafe(campaigns.out());
    expect(campaigns.out()).toContain('spring\\nFAKE LINE \\x1b[31mred\\x1b[0m \\x85nel 🎉');

    const health = capture();
    expect(await healthCommand(api, HOSTILE, { json: false }, health.io)).toBe(0);
    expectSafe(health.out());
    expect(health.out()).toContain('🎉');

    const lookup = capture();
    expect(await lookupCommand(api, 'hostile@example.org', lookup.io)).toBe(0);
    expectSafe(lookup.out());
    expect(lookup.out()).toContain('\\x1b[31mred');

    // JSON stays JSON: the name comes back whole.
    const json = capture();
    expect(await campaignsCommand(api, { json: true }, json.io)).toBe(0);
    expect((JSON.parse(json.out()) as Array<{ campaign: string }>).map((c) => c.campaign)).toContain(HOSTILE);
  }, 60_000);

  it('an import line with a hostile reason is named escaped', async () => {
    const file = join(dataDir, 'import.csv');
    writeFileSync(file, 'email,reason\nzed@example.org,BOUNCE\u001b]0;owned\u0007\n');
    const run = capture();
    await importCommand(api, file, run.io);
    expect(run.err()).toContain('\\x1b]0;owned\\x07');
    expectSafe(run.err());
  }, 60_000);
});
