import { createHash } from 'node:crypto';
import type { StoredMessage } from '../../app/retry-ports.js';
import { RETRY_STATE_RETENTION_SECONDS } from '../../domain/index.js';

/**
 * How long a stored body outlives the message that (re)wrote it. A body is written with an expiry this
 * far past that message's and rewritten only when a new message would outlive it (before that message's
 * item is written): so no message outlives its body, and one write covers the next half retention
 * (5 days) of sends of that body in this container, instead of a write per send to push the expiry on.
 * The price is storage: a body stays at most half a retention longer than its last message.
 */
export const BODY_EXPIRY_SLACK_SECONDS = Math.floor(RETRY_STATE_RETENTION_SECONDS / 2);

/** Hashes whose stored expiry one container remembers: a campaign's body is one entry. */
export const KNOWN_BODIES = 1000;

/** JSON with every object's keys sorted and undefined fields left out: one text per content, whatever its key order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((element) => canonicalJson(element ?? null)).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, element]) => element !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([name, element]) => `${JSON.stringify(name)}:${canonicalJson(element)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * Whether a message's content names the address (a personalised body), as it is written or URL-encoded
 * (an unsubscribe link): such a copy is kept with the address's items, and erasure deletes it.
 */
export function namesAddress(content: unknown, email: string): boolean {
  const text = JSON.stringify(content ?? null).toLowerCase();
  return text.includes(email) || text.includes(encodeURIComponent(email).toLowerCase());
}

/** The key of a stored message: SHA-256 (hex) of its canonical JSON, sender and content (a template is its name and data). */
export const messageHash = (message: StoredMessage): string => createHash('sha256').update(canonicalJson(message)).digest('hex');

/**
 * The bodies this container stored or saw stored, by hash, with the expiry it knows they have (a lower
 * bound: another container may have pushed it on). Bounded: the least recently used hash is forgotten
 * first, which costs one more read of it at most.
 */
export class KnownBodies {
  private readonly expiries = new Map<string, number>();

  constructor(private readonly capacity = KNOWN_BODIES) {}

  expiryOf(hash: string): number | undefined {
    const expiresAt = this.expiries.get(hash);
    if (expiresAt !== undefined) {
      // Map keeps insertion order: re-inserting marks the hash as the most recently used.
      this.expiries.delete(hash);
      this.expiries.set(hash, expiresAt);
    }
    return expiresAt;
  }

  remember(hash: string, expiresAt: number): void {
    const known = this.expiries.get(hash) ?? 0;
    this.expiries.delete(hash);
    this.expiries.set(hash, Math.max(expiresAt, known));
    if (this.expiries.size > this.capacity) {
      const oldest = this.expiries.keys().next();
      if (!oldest.done) this.expiries.delete(oldest.value);
    }
  }

  get size(): number {
    return this.expiries.size;
  }
}
