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
    const code = (err as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'file not found' : code === 'EISDIR' ? 'is a directory' : (err as Error).message;
    throw new UserError(`cannot read ${what}: ${reason}`, place);
  }
}
