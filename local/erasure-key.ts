import { randomBytes } from 'node:crypto';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** The local erasure key's file in the data folder. */
export const ERASURE_KEY_FILE = 'erasure.key';

/**
 * The local runtime's erasure key: 32 random bytes (hex) in `DIR/erasure.key`,
 * created on the first start with mode 0600 and read as is by every later
 * start, so tombstone keys (keyed hashes) stay the same across restarts.
 */
export async function localErasureKey(dataDir: string): Promise<string> {
  const file = join(dataDir, ERASURE_KEY_FILE);
  try {
    // `wx`: never overwrite a key another start wrote first.
    await writeFile(file, `${randomBytes(32).toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  await chmod(file, 0o600); // a umask or a copy may have widened it
  return (await readFile(file, 'utf8')).trim();
}
