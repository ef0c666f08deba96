import { createHmac } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { HmacAddressHasher } from '../../shared/adapters/outbound/hmac-address-hasher.js';
import { secretsManagerKey } from '../../shared/adapters/outbound/secrets-manager-key.js';
import { ERASURE_KEY_FILE, localErasureKey } from '../../local/erasure-key.js';

const secrets = mockClient(SecretsManagerClient);
const KEY = 'Zq3'.repeat(21) + 'x';
const hmac = (key: string, text: string) => createHmac('sha256', key).update(text, 'utf8').digest('hex');

beforeEach(() => {
  secrets.reset();
  Object.assign(process.env, { AWS_REGION: 'eu-west-1', AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'x' });
});

describe('erasure key from Secrets Manager', () => {
  it('is read once (at construction, a cold start) and hashes the normalised address with HMAC-SHA256', async () => {
    secrets.on(GetSecretValueCommand).resolves({ SecretString: KEY });
    const hasher = new HmacAddressHasher(secretsManagerKey('arn:aws:secretsmanager:eu-west-1:1:secret:erasure'));
    const a = await hasher.hash(' Kim@München.de ');
    const b = await hasher.hash('kim@xn--mnchen-3ya.de');
    expect(a).toBe(hmac(KEY, 'kim@xn--mnchen-3ya.de'));
    expect(b).toBe(a);
    expect(await new HmacAddressHasher(async () => 'other'.repeat(8)).hash('kim@xn--mnchen-3ya.de')).not.toBe(a);
    expect(secrets).toHaveReceivedCommandTimes(GetSecretValueCommand, 1);
    expect(secrets).toHaveReceivedCommandWith(GetSecretValueCommand, { SecretId: 'arn:aws:secretsmanager:eu-west-1:1:secret:erasure' });
  });

  it('a failed read fails the hash and is tried again by the next one; a short key is refused', async () => {
    secrets.on(GetSecretValueCommand).rejectsOnce(new Error('throttled')).resolves({ SecretString: KEY });
    const hasher = new HmacAddressHasher(secretsManagerKey('erasure'));
    await expect(hasher.hash('kim@example.org')).rejects.toThrow('throttled');
    expect(await hasher.hash('kim@example.org')).toBe(hmac(KEY, 'kim@example.org'));
    await expect(new HmacAddressHasher(async () => 'short').hash('kim@example.org')).rejects.toThrow(/too short/);
  });
});

describe('local erasure key', () => {
  it('is made once with mode 0600 and read as is by later starts (even if its mode was widened)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'erasure-key-'));
    const first = await localErasureKey(dir);
    expect(first).toMatch(/^[0-9a-f]{64}$/);
    const file = join(dir, ERASURE_KEY_FILE);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    chmodSync(file, 0o644);
    expect(await localErasureKey(dir)).toBe(first);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(await localErasureKey(mkdtempSync(join(tmpdir(), 'erasure-key-')))).not.toBe(first);
    writeFileSync(file, 'k'.repeat(40));
    expect(await localErasureKey(dir)).toBe(readFileSync(file, 'utf8'));
  });
});
