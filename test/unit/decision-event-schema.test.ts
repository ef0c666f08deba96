import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { DecisionEventSchema, decisionEventJsonSchema } from '../../shared/app/decision-event-schema.js';
import type { DecisionEvent } from '../../shared/app/decision-events.js';
import { pauseCampaign, resumeCampaign } from '../../shared/app/pause.js';
import { erase } from '../../shared/app/erasure.js';
import { release, suppress } from '../../shared/app/suppressions.js';
import { HmacAddressHasher } from '../../shared/adapters/outbound/hmac-address-hasher.js';
import { FakeErasureStore } from '../support/erasure-fakes.js';
import { bounceFor, deliveryFor, sqsEvent } from '../support/batches.js';
import { CLASSIFY_NOW, classifyOverFakes, noCampaignReads } from '../support/classify-fakes.js';
import { FakePauses } from '../support/retry-fakes.js';

const SCHEMA_FILE = fileURLToPath(new URL('../../docs/decision-events.schema.json', import.meta.url));

// Both ways assignable: the schema describes exactly the TypeScript type the code builds.
type FromSchema = z.infer<typeof DecisionEventSchema>;
const toType = (event: FromSchema): DecisionEvent => event;
const toSchema = (event: DecisionEvent): FromSchema => event;

/** Events of every address type and of pauses, built by the use cases themselves. */
async function builtEvents(): Promise<DecisionEvent[]> {
  const events: DecisionEvent[] = [];
  const bus = { publish: async (batch: readonly DecisionEvent[]) => void events.push(...batch) };
  const { addresses, handler, logger } = classifyOverFakes({ events: bus });
  const clock = () => CLASSIFY_NOW;
  const bounce = (to: string, status: string, diagnosticCode: string) =>
    JSON.stringify(bounceFor(to, { feedbackId: `fb-${to}`, status, diagnosticCode, at: '2026-11-20T10:00:00.000Z', campaign: 'nov' }));
  await handler(sqsEvent([bounce('gone@example.com', '5.1.1', 'smtp; 550 5.1.1 user unknown')]));
  await handler(sqsEvent([bounce('held@contoso.example', '5.4.1', 'smtp; 550 5.4.1 Recipient address rejected: Access denied')]));
  await handler(sqsEvent([JSON.stringify(deliveryFor('held@contoso.example', '2026-11-20T11:00:00.000Z'))], 'd'));
  await release('gone@example.com', 'fixed', 'ops', { addresses, campaigns: noCampaignReads, clock, events: bus });
  // With an erasure key: address events carry the keyed hash, and an erasure publishes it alone.
  const erasure = { hasher: new HmacAddressHasher(async () => 'k'.repeat(64)), store: new FakeErasureStore(addresses) };
  await suppress('erased@example.com', { note: 'asked' }, 'ops', { addresses, campaigns: noCampaignReads, clock, events: bus, erasure });
  await erase('erased@example.com', { note: 'data-protection request', actor: 'ops' }, { addresses, erasure, clock, logger, events: bus });
  const pauses = { pauses: new FakePauses(), clock, events: bus };
  await pauseCampaign('nov', 'bought list', 'ops', false, pauses);
  await resumeCampaign('nov', pauses, { reason: 'cleaned', actor: 'ops' });
  return events;
}

describe('decision event schema', () => {
  it('docs/decision-events.schema.json is generated from the schema (UPDATE_SCHEMA=1 rewrites it; then run prettier on it)', () => {
    if (process.env.UPDATE_SCHEMA === '1') writeFileSync(SCHEMA_FILE, `${JSON.stringify(decisionEventJsonSchema(), null, 2)}\n`);
    expect(JSON.parse(readFileSync(SCHEMA_FILE, 'utf8'))).toEqual(decisionEventJsonSchema());
  });

  it('holds every address and pause event the use cases build, field for field (an undocumented field fails)', async () => {
    const events = await builtEvents();
    expect(events.map((e) => e.type)).toEqual([
      'address.suppressed',
      'address.review',
      'address.released',
      'address.released',
      'address.suppressed',
      'address.erased',
      'campaign.paused',
      'campaign.resumed',
    ]);
    for (const event of events) {
      // The schema strips what it does not name: parsing gives back the event only if it names every field.
      expect(DecisionEventSchema.parse(event)).toEqual(event);
    }
    expect([toType, toSchema]).toHaveLength(2);
    // The erasure names the address by the key its address events carried, never by the address.
    const [suppressed, erased] = events.slice(4, 6);
    expect(suppressed).toMatchObject({ address: 'erased@example.com', addressKey: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(erased).toEqual({
      version: 1,
      type: 'address.erased',
      id: `erased:${(suppressed as { addressKey: string }).addressKey}:2026-11-20T12:00:00.000Z`,
      at: '2026-11-20T12:00:00.000Z',
      addressKey: (suppressed as { addressKey: string }).addressKey,
      kept: true,
      status: 'suppressed',
      actor: 'ops',
      note: 'data-protection request',
    });
    expect(JSON.stringify(erased)).not.toContain('@');
    expect(events.slice(0, 4).every((e) => 'addressKey' in e && e.addressKey === null)).toBe(true);
  });

  it('refuses what is not an event of version 1', () => {
    const [good] = [
      {
        version: 1,
        type: 'campaign.paused',
        id: 'p',
        at: '2026-11-20T12:00:00.000Z',
        campaign: 'nov',
        pause: { reason: 'r', actor: 'a', automatic: false },
      },
    ];
    expect(DecisionEventSchema.safeParse(good).success).toBe(true);
    expect(DecisionEventSchema.safeParse({ ...good, version: 2 }).success).toBe(false);
    expect(DecisionEventSchema.safeParse({ ...good, type: 'address.suppressed' }).success).toBe(false);
    expect(DecisionEventSchema.safeParse({ ...good, at: 'yesterday' }).success).toBe(false);
  });
});
