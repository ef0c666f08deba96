import { describe, expect, it } from 'vitest';
import { worldOf } from '../../cli/demo-loop.js';
import { generateCampaign } from '../../cli/demo-command.js';
import { parseWorld } from '../../local/mailbox-world.js';

describe('the demo loop world', () => {
  const recipients = generateCampaign(3000, 2026);
  const world = worldOf(recipients);
  const byAddress = new Map(world.map((entry) => [entry.address, entry.responses]));

  it('lists every recipient that does not simply take the mail, and no one else', () => {
    const failing = recipients.filter((r) => r.outcome.kind !== 'delivered');
    expect(world.map((e) => e.address).sort()).toEqual(failing.map((r) => r.email).sort());
    // It is a valid world file.
    expect(parseWorld(world.map((entry) => JSON.stringify(entry)).join('\n'))).toHaveLength(world.length);
  });

  it('a world file listing an address twice is refused by line numbers, without the address', () => {
    const line = (address: string) => JSON.stringify({ address, responses: [{ deliver: true }] });
    const text = [line('kim@example.org'), line('lee@example.org'), '', line('Kim@Example.org')].join('\n');
    expect(() => parseWorld(text, 'w.jsonl')).toThrow(new Error('w.jsonl line 4: the same address as line 1'));
  });

  it('a temporary failure that repeats fails forever; a one-off one is delivered on the retry; permanent ones bounce', () => {
    for (const r of recipients) {
      const responses = byAddress.get(r.email);
      if (r.outcome.kind === 'complaint') expect(responses).toEqual([{ complaint: true }]);
      if (r.outcome.kind !== 'bounce') continue;
      const bounce = {
        bounceType: r.outcome.type,
        bounceSubType: r.outcome.subType,
        status: r.outcome.status,
        diagnosticCode: r.outcome.diagnostic,
      };
      if (r.outcome.type === 'Permanent' || (r.outcome.repeats ?? 1) > 1) expect(responses).toEqual([{ bounce }]);
      else expect(responses).toEqual([{ bounce }, { deliver: true }]);
    }
    expect(recipients.some((r) => r.outcome.kind === 'bounce' && r.outcome.type === 'Transient' && (r.outcome.repeats ?? 1) > 1)).toBe(
      true,
    );
  });
});
