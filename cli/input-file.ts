import { access, stat } from 'node:fs/promises';
import { constants } from 'node:fs';

const WORDS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'is a directory',
  ENOTDIR: 'a part of the path is not a directory',
  ELOOP: 'too many symbolic links',
  ENAMETOOLONG: 'the name is too long',
};

/** A file system error in a few words ("no such file"), not Node's "ENOENT: no such file or directory, open 'x'". */
export function readFailure(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return (code && WORDS[code]) ?? (error as Error).message;
}

/** "cannot read FILE: no such file": the one line a command prints when its input cannot be read. */
export const cannotRead = (file: string, error: unknown): string => `cannot read ${file}: ${readFailure(error)}`;

/**
 * Why `file` cannot be read as input, or null when it can (`-`, stdin, always can). Checked before a
 * command writes anything, so a missing file is one clear line and not a header followed by an error.
 * `directories`: a folder is valid input (ingest reads its files).
 */
export async function unreadable(file: string, options: { readonly directories?: boolean } = {}): Promise<string | null> {
  if (file === '-') return null;
  try {
    const info = await stat(file);
    if (info.isDirectory() && !options.directories) return cannotRead(file, Object.assign(new Error('EISDIR'), { code: 'EISDIR' }));
    await access(file, constants.R_OK);
    return null;
  } catch (error) {
    return cannotRead(file, error);
  }
}
