/**
 * YAML parsing the way Orion's `yaml.safe_load` (PyYAML, YAML 1.1) reads configs — `4.20` is a float,
 * `yes`/`on` are booleans, `<<` merge keys work — plus what PyYAML cannot give: the line of every value,
 * so config errors can point at it.
 *
 * @example
 * const src = parseYamlSource(text, 'ci.yaml');
 * src.lineOf(['tests', 0, 'metrics', 2, 'agg']); // → 31
 */
// Imported statically: the installed CLI is a bundle (scripts/build-cli.mjs), where loading the package
// costs ~5 ms of CPU (~35 ms as its 70-odd files from node_modules); plain configs still skip its parser.
import { LineCounter, isMap, isPair, isScalar, isSeq, parseDocument, visit } from 'yaml';
import type { Document, Node, Scalar, ScalarTag, Tags } from 'yaml';
import { UserError } from '../util/errors.js';
import { parsePlainYaml, type Outputs } from './plain-yaml.js';

export type PathSegment = string | number;

export interface YamlSource {
  /** File name used in error places. */
  file?: string;
  /** The parsed value, with YAML 1.1 timestamps turned into strings as Python's `str()` prints them. */
  value: unknown;
  /** 1-based line of the key (for map entries) or value at `path`; the nearest existing ancestor's line. */
  lineOf(path: readonly PathSegment[]): number | undefined;
}

// PyYAML's boolean words; the `yaml` package's 1.1 schema also takes y/Y/n/N, which PyYAML reads as strings.
const PY_TRUE = /^(?:yes|Yes|YES|true|True|TRUE|on|On|ON)$/;
const PY_FALSE = /^(?:no|No|NO|false|False|FALSE|off|Off|OFF)$/;

function pyyamlTags(tags: Tags): Tags {
  return tags.map((tag) => {
    if (typeof tag !== 'object' || tag.tag !== 'tag:yaml.org,2002:bool' || !('test' in tag) || !tag.test) return tag;
    const resolvesTrue = tag.test.test('true');
    return { ...tag, test: resolvesTrue ? PY_TRUE : PY_FALSE };
  });
}

export function parseYamlSource(text: string, file?: string): YamlSource {
  // Plain configs are read by the fast path, which knows their lines too.
  const plain = parsePlainYaml(text);
  if (plain) return { file, value: plain.value, lineOf: plain.lineOf };
  return parseWithYaml(text, file);
}


/**
 * Parses a rendered template whose `{{ … }}` outputs are still markers, then fills the scalars holding
 * markers: a quoted or block scalar gets the outputs as they are; a plain one is read as YAML reads a
 * plain scalar (`4.20` a number, `true` a boolean) — but always as one scalar, whatever the output holds.
 */
export function parseTemplatedYaml(text: string, outputs: Outputs, file?: string): YamlSource {
  // Templated configs too are mostly plain: the fast path fills their scalars as below, or declines.
  const plain = parsePlainYaml(text, outputs);
  if (plain) return { file, value: plain.value, lineOf: plain.lineOf };
  return parseWithYaml(text, file, outputs);
}

/** The yaml package's reading (exported for the fast path's tests). */
export function parseWithYaml(text: string, file?: string, outputs?: Outputs): YamlSource {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, {
    version: '1.1',
    merge: true,
    customTags: pyyamlTags,
    lineCounter,
    keepSourceTokens: false,
  });
  const first = doc.errors[0];
  if (first) {
    const line = first.linePos?.[0]?.line;
    const message = first.message.split('\n')[0]?.replace(/ at line \d+, column \d+:?$/, '') ?? first.message;
    throw new UserError(`invalid YAML: ${message}`, { file, line });
  }
  if (outputs) {
    const tags = doc.schema.tags.filter((t): t is ScalarTag => 'test' in t && t.default === true && t.test instanceof RegExp);
    visit(doc, {
      Scalar(_key, node: Scalar) {
        if (typeof node.value !== 'string' || !outputs.holdsOutput(node.value)) return;
        const filled = outputs.fill(node.value);
        node.value = node.type === 'PLAIN' ? plainScalar(filled, tags) : filled;
      },
    });
  }
  let js: unknown;
  try {
    js = doc.toJS({ maxAliasCount: 10_000 });
  } catch (err) {
    // The yaml package refuses an alias bomb (aliases that expand without bound) without saying where.
    throw new UserError(`invalid YAML: ${(err as Error).message}`, { file });
  }
  const value = pythonScalars(js);
  return {
    file,
    value,
    lineOf: (path) => lineOfPath(doc, lineCounter, path),
  };
}

/** A plain scalar's value as YAML 1.1 (PyYAML's booleans) resolves it: null, boolean, number, date or string. */
function plainScalar(text: string, tags: ScalarTag[]): unknown {
  const trimmed = text.trim();
  if (/[\n\r\u0085\u2028\u2029]/.test(trimmed)) return trimmed;
  const tag = tags.find((t) => t.test?.test(trimmed));
  if (!tag || tag.tag === 'tag:yaml.org,2002:merge') return trimmed;
  let failed = false;
  const resolved = tag.resolve(trimmed, () => (failed = true), {} as never);
  // Floats come back as a Scalar (keeping their digits for stringifying): the number is its value.
  const value = isScalar(resolved) ? resolved.value : resolved;
  return failed || (typeof value === 'object' && value !== null && !(value instanceof Date)) ? trimmed : value;
}

function lineOfPath(doc: Document, counter: LineCounter, path: readonly PathSegment[]): number | undefined {
  let node: unknown = doc.contents;
  let offset = rangeStart(node);
  for (const seg of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg));
      if (!pair) break;
      offset = rangeStart(pair.key) ?? offset;
      node = pair.value;
    } else if (isSeq(node) && typeof seg === 'number') {
      const item = node.items[seg];
      if (item === undefined) break;
      offset = rangeStart(item) ?? offset;
      node = item;
    } else {
      break;
    }
  }
  return offset === undefined ? undefined : counter.linePos(offset).line;
}

function rangeStart(node: unknown): number | undefined {
  const range = (node as Node | null | undefined)?.range;
  return range ? range[0] : undefined;
}

/** YAML 1.1 timestamps become `Date`s; Orion would see Python dates and `str()` them. */
function pythonScalars(value: unknown): unknown {
  if (value instanceof Date) {
    const iso = value.toISOString();
    return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso.replace('T', ' ').replace(/(\.000)?Z$/, '');
  }
  if (Array.isArray(value)) return value.map(pythonScalars);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = pythonScalars(v);
    return out;
  }
  return value;
}
