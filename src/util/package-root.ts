/**
 * Files the package ships beside its code (package.json, data/, web/dist/), found from the package root.
 *
 * This module sits two levels below the root in every form the code runs in: src/util/ (vitest),
 * dist/cli/ (the bundle, scripts/build-cli.mjs puts every chunk there), so `../../` is the root in all
 * of them. Paths must be computed here, not in the modules that use them: bundled, a module's
 * import.meta.url is its chunk's, whatever folder its source sat in.
 *
 * @example
 * packagePath('data/demo/config.yaml'); // → /…/perfhound/data/demo/config.yaml
 */
import { fileURLToPath } from 'node:url';

export function packagePath(relative: string): string {
  return fileURLToPath(new URL(`../../${relative}`, import.meta.url));
}
