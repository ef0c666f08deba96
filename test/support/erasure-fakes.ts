import { HmacAddressHasher } from '../../shared/adapters/outbound/hmac-address-hasher.js';
import type { ErasureDeps } from '../../shared/app/erasure.js';
import { namesAddress } from '../../shared/adapters/outbound/message-bodies.js';
import type { ErasedItems, ErasureStore } from '../../shared/app/ports.js';
import type { Tombstone } from '../../shared/domain/index.js';
import type { FakeAddresses, FakeCampaigns } from './fakes.js';
import type { FakeMessages, FakeOutbound, FakeRetryStates } from './retry-fakes.js';

/** Tombstones in memory, and erasure over the other fakes, with the DynamoDB adapter's semantics. */
export class FakeErasureStore implements ErasureStore {
  readonly tombstones = new Map<string, Tombstone>();

  constructor(
    private readonly addresses: FakeAddresses,
    private readonly others: {
      campaigns?: FakeCampaigns;
      retries?: FakeRetryStates;
      outbound?: FakeOutbound;
      messages?: FakeMessages;
    } = {},
  ) {}

  async getTombstone(key: string) {
    return this.tombstones.get(key) ?? null;
  }
  async getTombstones(keys: readonly string[]) {
    return new Map(keys.flatMap((key) => (this.tombstones.has(key) ? [[key, this.tombstones.get(key) as Tombstone] as const] : [])));
  }
  async putTombstone(key: string, tombstone: Tombstone, expectedVersion: number) {
    if ((this.tombstones.get(key)?.version ?? 0) !== expectedVersion) return false;
    this.tombstones.set(key, tombstone);
    return true;
  }
  async deleteAddressData(email: string, recordVersion: number): Promise<ErasedItems | null> {
    const { addresses } = this;
    const state = addresses.states.get(email);
    if ((state?.version ?? 0) !== recordVersion) return null;
    addresses.states.delete(email);
    const history = addresses.historyEntries.filter((h) => h.email === email);
    const soft = [...addresses.softBounces.entries()].filter(([, item]) => item.email === email);
    const retries = [...(this.others.retries?.states.entries() ?? [])].filter(([, r]) => r.email === email);
    const messageIds = new Set(
      [
        state?.messageId,
        ...history.map((h) => h.messageId),
        ...soft.map(([, s]) => s.evidence.messageId),
        ...retries.flatMap(([, r]) => [r.originalMessageId, r.lastMessageId]),
      ].filter((id): id is string => typeof id === 'string'),
    );
    const sent = [...(this.others.outbound?.records.values() ?? [])].filter((r) => messageIds.has(r.messageId) && r.to === email);
    const delays = this.others.campaigns?.delays.filter((d) => d.email === email) ?? [];

    addresses.historyEntries.splice(0, addresses.historyEntries.length, ...addresses.historyEntries.filter((h) => h.email !== email));
    for (const [key] of soft) addresses.softBounces.delete(key);
    for (const [key] of retries) this.others.retries?.states.delete(key);
    for (const record of sent) this.others.outbound?.records.delete(record.messageId);
    // A personal message is kept with the address (its key starts with the address); a shared one a
    // retry state names goes when its content names the address.
    const messages = this.others.messages;
    const personal = [...(messages?.stored.keys() ?? [])].filter((key) => key.startsWith(`${email} `));
    for (const key of personal) messages?.stored.delete(key);
    for (const [, r] of retries) {
      const stored = r.bodyHash === null ? undefined : messages?.stored.get(r.bodyHash);
      if (stored && namesAddress(stored.content, email)) messages?.stored.delete(r.bodyHash as string);
    }
    if (this.others.campaigns)
      this.others.campaigns.delays.splice(
        0,
        this.others.campaigns.delays.length,
        ...this.others.campaigns.delays.filter((d) => d.email !== email),
      );
    return {
      records: state ? 1 : 0,
      history: history.length,
      softBounces: soft.length,
      retries: retries.length,
      sentMessages: sent.length + personal.length,
      deliveryDelays: delays.length,
    };
  }
}

/** The erasure key of tests (compositions over a real store need one: there is no send path without it). */
export const TEST_ERASURE_KEY = async (): Promise<string> => 'test-erasure-key-'.repeat(4);

/** Erasure over the in-memory fakes: what every send path and retry runner built from fakes gets. */
export function fakeErasure(addresses: FakeAddresses, others: ConstructorParameters<typeof FakeErasureStore>[1] = {}): ErasureDeps {
  return { hasher: new HmacAddressHasher(TEST_ERASURE_KEY), store: new FakeErasureStore(addresses, others) };
}
