import { describe, expect, it } from 'vitest';
import { demoCampaign, generateCampaign, worldOf, type Recipient } from '../../cli/demo-campaign.js';
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

describe("the demo's campaign (a realistic mix plus a cast)", () => {
  /** Each part of the story and how many recipients play it. */
  const parts = (recipients: readonly Recipient[]) => {
    const tally = new Map<string, number>();
    for (const r of recipients) {
      const o = r.outcome;
      const part =
        o.kind !== 'bounce'
          ? o.kind
          : o.type === 'Permanent'
            ? `${o.status} ${o.type}`
            : `${o.status} ${(o.repeats ?? 1) > 1 ? 'for good' : 'once'}${r.batch === 'import-2019-legacy' ? ' stale' : ''}`;
      tally.set(part, (tally.get(part) ?? 0) + 1);
    }
    return tally;
  };

  it.each([1, 42, 2026, 123456])('seed %i: even 100 recipients have every behaviour the report tells', (seed) => {
    const recipients = demoCampaign(100, seed);
    expect(recipients).toHaveLength(100);
    const tally = parts(recipients);
    // Dead mailboxes: at least the cast's ten (a hard-bounce verdict's minimum); full ones in the stale batch, for good and once;
    // busy ones, for good and once.
    expect(tally.get('5.1.1 Permanent') ?? 0).toBeGreaterThanOrEqual(10);
    expect(tally.get('4.2.2 for good stale') ?? 0).toBeGreaterThanOrEqual(3);
    expect(tally.get('4.2.2 once stale') ?? 0).toBeGreaterThanOrEqual(2);
    expect(tally.get('4.2.0 for good') ?? 0).toBeGreaterThanOrEqual(1);
    expect(tally.get('4.2.0 once') ?? 0).toBeGreaterThanOrEqual(1);
    expect(tally.get('complaint') ?? 0).toBeGreaterThanOrEqual(1);
    expect(tally.get('5.7.1 Permanent') ?? 0).toBeGreaterThanOrEqual(2); // Gmail and Outlook blocks
    expect(tally.get('4.7.0 once') ?? 0).toBeGreaterThanOrEqual(1); // Yahoo's deferral
    expect(tally.get('5.4.1 Permanent') ?? 0).toBeGreaterThanOrEqual(1);
    // The same seed, the same campaign; the cast only changes recipients the mix delivered.
    expect(demoCampaign(100, seed)).toEqual(recipients);
    const mix = generateCampaign(100, seed);
    recipients.forEach((r, i) => {
      if (JSON.stringify(r.outcome) !== JSON.stringify(mix[i]?.outcome)) expect(mix[i]?.outcome).toEqual({ kind: 'delivered' });
    });
  });
});
