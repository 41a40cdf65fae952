/**
 * Otava configuration text → {@link OtavaConfig}, with the line of the problem in every error: the reader
 * (config.ts) names the test and key, this module finds them in the YAML (a key a test inherits from a
 * template points at the test). Also tells an Otava layout (`tests` as a mapping) from an Orion one.
 *
 * @example
 * const config = parseOtavaConfigText(readFileSync('otava.yaml', 'utf8'), 'otava.yaml');
 * // a bad direction → "otava.yaml:7: test my.test: field metrics.p99.direction: direction must be 1 or -1 (got 2)"
 */
// Static, not import(): bundled (scripts/build-cli.mjs), a dynamic import of this CommonJS package gives
// its default export alone.
import { isMap, LineCounter, parseDocument, type Document } from 'yaml';
import { formatPlace, UserError } from '../util/errors.js';
import { readOtavaConfig, type OtavaConfig } from './config.js';

/** Parsed YAML and the line of a key path in it. */
interface Source {
  value: unknown;
  lineOf(path: string[]): number | undefined;
}

function parseSource(text: string, file: string): Source {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter });
  const first = doc.errors[0];
  if (first) throw new UserError(`not valid YAML: ${first.message.split('\n')[0]}`, { file, line: first.linePos?.[0]?.line });
  let value: unknown;
  try {
    // the alias limit refuses "billion laughs" documents instead of expanding them
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    throw new UserError(`not valid YAML: ${(err as Error).message.split('\n')[0]}`, { file });
  }
  return { value, lineOf: (path) => lineOfPath(doc, counter, path) };
}

/** The line of the deepest key of `path` present in the document. */
function lineOfPath(doc: Document, counter: LineCounter, path: string[]): number | undefined {
  let node: unknown = doc.contents;
  let offset: number | undefined;
  for (const segment of path) {
    const items = (node as { items?: { key?: { value?: unknown; range?: [number, number, number] }; value?: unknown }[] } | null)?.items;
    const pair = items?.find((p) => p.key !== undefined && String(p.key.value) === segment);
    if (!pair?.key?.range) break;
    offset = pair.key.range[0];
    node = pair.value;
  }
  return offset === undefined ? undefined : counter.linePos(offset).line;
}

/** The key path an error of the reader names: `tests.<test>.<field…>`, or a top-level field. */
function pathOf(error: UserError): string[] {
  const field = error.place.field ? error.place.field.split('.') : [];
  return error.place.test !== undefined ? ['tests', error.place.test, ...field] : field;
}

/** Reads Otava configuration text; an error names file, line, test and key. */
export function parseOtavaConfigText(text: string, file: string): OtavaConfig {
  const source = parseSource(text, file);
  try {
    return readOtavaConfig(source.value, file);
  } catch (err) {
    if (!(err instanceof UserError) || err.place.line !== undefined) throw err;
    const line = source.lineOf(pathOf(err));
    if (line === undefined) throw err;
    throw new UserError(err.message.slice(formatPlace(err.place).length), { ...err.place, line }, err.status);
  }
}

/** An Otava layout: a mapping whose `tests` is a mapping (Orion's is a list). Text that is not YAML (a Jinja template) is not. */
export function isOtavaLayout(text: string): boolean {
  // Only the node tree is looked at: turning a Jinja template into values would warn about its `{{ … }}` keys.
  const doc = parseDocument(text, { logLevel: 'silent' });
  return doc.errors.length === 0 && isMap(doc.contents) && isMap(doc.contents.get('tests'));
}
