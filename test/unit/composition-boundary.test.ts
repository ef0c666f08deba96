import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/** Retry and send-path adapters are built in shared/adapters/compose.ts only. */
const COMPOSED_ONLY = ['outbound/dynamo-retry-stores.js', 'outbound/sqs-retry-timers.js'];

describe('composition boundary', () => {
  it('local/ and cli/ build the retry stores and timer queue through compose.ts, never directly', () => {
    const offenders: string[] = [];
    for (const folder of ['local', 'cli']) {
      for (const name of readdirSync(folder).filter((file) => file.endsWith('.ts'))) {
        const text = readFileSync(join(folder, name), 'utf8');
        for (const adapter of COMPOSED_ONLY) if (text.includes(adapter)) offenders.push(`${folder}/${name} imports ${adapter}`);
      }
    }
    expect(offenders).toEqual([]);
  });
});
