import { createHmac } from 'node:crypto';
import type { AddressHasher } from '../../app/ports.js';
import { normaliseAddress } from '../../domain/index.js';

/** Shortest key accepted: 32 bytes of randomness, written as 64 hex characters (or any longer text). */
export const MIN_KEY_CHARS = 32;

/**
 * HMAC-SHA256 of the normalised address (the rule every look-up uses), hex.
 * The key comes from a loader (a Secrets Manager secret on AWS, a file
 * locally) read once and kept: a different key would orphan every tombstone.
 */
export class HmacAddressHasher implements AddressHasher {
  private key: Promise<string> | null = null;

  constructor(private readonly loadKey: () => Promise<string>) {}

  async hash(email: string): Promise<string> {
    this.key ??= this.loadKey().then(
      (key) => {
        if (key.length < MIN_KEY_CHARS)
          throw new Error(`the erasure key is too short (${key.length} characters, at least ${MIN_KEY_CHARS})`);
        return key;
      },
      (error: unknown) => {
        this.key = null; // a failed read is tried again by the next call
        throw error;
      },
    );
    return createHmac('sha256', await this.key)
      .update(normaliseAddress(email), 'utf8')
      .digest('hex');
  }
}
