import { readFile } from 'node:fs/promises';
import { UserError, type Place } from './errors.js';

/**
 * The text of a file the user named. A missing or unreadable file is a {@link UserError} at `place`
 * (the file itself unless, say, a config line names it) saying why in words, not an errno dump.
 *
 * @example
 * const text = await readUserFile('acks.yaml', 'ack file');
 * // missing → "acks.yaml: cannot read ack file: file not found"
 */
export async function readUserFile(path: string, what = path, place: Place = { file: path }): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    throw new UserError(`cannot read ${what}: ${unreadableReason(err)}`, place);
  }
}

const REASONS: Record<string, string> = {
  ENOENT: 'file not found',
  ENOTDIR: 'file not found (a part of its path is not a directory)',
  EISDIR: 'it is a directory',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ELOOP: 'too many symbolic links',
  ENAMETOOLONG: 'the name is too long',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files',
  EIO: 'input/output error',
};

/** Whether `err` is a file system error {@link unreadableReason} can say in words. */
export function isFileError(err: unknown): err is NodeJS.ErrnoException {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  return typeof code === 'string' && code in REASONS;
}

/**
 * Why a file could not be read, in words and without its path (an errno message names the path as the
 * process saw it: a temporary file, an absolute path the user never typed).
 *
 * @example
 * unreadableReason(Object.assign(new Error('EACCES: permission denied, open …'), { code: 'EACCES' })) // → 'permission denied'
 */
export function unreadableReason(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  if (typeof code === 'string' && code in REASONS) return REASONS[code];
  return typeof code === 'string' ? `the system refused (${code})` : String((err as Error | null)?.message ?? err);
}
