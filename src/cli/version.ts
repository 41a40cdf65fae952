import { readFileSync } from 'node:fs';
import { packagePath } from '../util/package-root.js';

/** The version in the package's package.json (what `perfhound --version` prints). */
export function packageVersion(): string {
  try {
    return (JSON.parse(readFileSync(packagePath('package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}
