import { statSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { NotFoundError, UserError } from '../util/errors.js';

/**
 * The analysis configs a daemon may run by name (`--config-dir`): `NAME.yaml` / `NAME.yml` files directly
 * in the folder. Names are plain file names, so a request can never reach outside the folder.
 */
const CONFIG_FILE = /^([A-Za-z0-9][A-Za-z0-9._-]*)\.ya?ml$/;

export async function configNames(dir: string | undefined): Promise<string[]> {
  if (dir === undefined) return [];
  const entries = await readdir(dir, { withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && CONFIG_FILE.test(e.name))
    .map((e) => CONFIG_FILE.exec(e.name)![1])
    .sort();
}

/** The path of config `name` in `dir`; 404 when there is no such config. */
export async function configPath(dir: string | undefined, name: string): Promise<string> {
  if (dir === undefined) throw new NotFoundError('this daemon has no config directory (start it with --config-dir)', { field: 'test_name' });
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name) || name.includes('..')) {
    throw new UserError(`"${name}" is not a config name (letters, digits, . _ -)`, { field: 'test_name' });
  }
  // stat rather than readdir: one small synchronous call per candidate on every series request.
  const file = [`${name}.yaml`, `${name}.yml`].find((f) => statSync(join(dir, f), { throwIfNoEntry: false })?.isFile());
  if (!file) throw new NotFoundError(`no config "${name}" in the config directory (see GET /daemon/options)`, { field: 'test_name' });
  return join(dir, file);
}
