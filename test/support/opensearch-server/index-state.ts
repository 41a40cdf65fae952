/**
 * One index of the test server: its documents (in insertion order, which breaks sort ties the way a
 * one-shard index does), its mapping (explicit from `PUT /<index>` or dynamic, see mapping.ts), and lazily
 * built term postings so that `terms`/`match` on an id field do not scan every document.
 */
import { analyze } from './analysis.js';
import { OpenSearchError } from './errors.js';
import { coerceForIndex, inferFieldType, KEYWORD_IGNORE_ABOVE, type FieldType } from './mapping.js';

export type IndexedValue = string | number;

export interface StoredDoc {
  readonly id: string;
  /** Insertion order within the index; ties in sorting keep this order. */
  readonly seq: number;
  readonly source: Record<string, unknown>;
  /** Leaf path (dots join object keys, arrays flattened) → its non-null raw values. */
  readonly leaves: Map<string, unknown[]>;
  /** field → indexed values, computed on first use. */
  readonly cache: Map<string, readonly IndexedValue[]>;
}

export interface FieldMapping {
  type: FieldType;
  /** Text fields only: whether `<field>.keyword` exists (always with dynamic mapping). */
  keywordSubfield?: boolean;
}

/** A field as a query names it, resolved against the mapping (`x.keyword` → the keyword view of `x`). */
export interface ResolvedField {
  path: string;
  type: FieldType;
  /** True for the dynamic `.keyword` sub-field, which skips values longer than 256 characters. */
  ignoreAbove?: number;
  /** The key of the field's values in `StoredDoc.cache`. */
  key: string;
}

export class IndexState {
  readonly docs = new Map<string, StoredDoc>();
  readonly mapping = new Map<string, FieldMapping>();
  readonly uuid = Math.random().toString(36).slice(2, 24);
  maxResultWindow = 10_000;
  private seq = 0;
  private readonly objectPaths = new Set<string>();
  private readonly postings = new Map<string, Map<IndexedValue, StoredDoc[]>>();
  private ordered: StoredDoc[] | undefined;
  /** Field name → its resolution; cleared whenever the mapping grows. */
  private readonly resolved = new Map<string, ResolvedField | undefined>();

  constructor(readonly name: string) {}

  /** Indexes a document (replacing one with the same id); throws mapper errors without changing state. */
  put(id: string, source: Record<string, unknown>): 'created' | 'updated' {
    const leaves = flatten(source);
    const added = this.mappingFor(leaves);
    const cache = this.typedValues(leaves, added); // throws on a value the type cannot take, before any change
    if (added.size) this.resolved.clear();
    for (const [path, mapping] of added) {
      this.mapping.set(path, mapping);
      for (const prefix of prefixes(path)) this.objectPaths.add(prefix);
    }
    const existed = this.docs.has(id);
    this.docs.delete(id);
    this.docs.set(id, { id, seq: this.seq++, source, leaves, cache });
    this.changed();
    return existed ? 'updated' : 'created';
  }

  delete(id: string): boolean {
    const existed = this.docs.delete(id);
    if (existed) this.changed();
    return existed;
  }

  /** Documents in insertion order (a replaced document moves to the end, as its new `seq` says). */
  orderedDocs(): StoredDoc[] {
    this.ordered ??= [...this.docs.values()];
    return this.ordered;
  }

  resolve(field: string): ResolvedField | undefined {
    if (this.resolved.has(field)) return this.resolved.get(field);
    let result: ResolvedField | undefined;
    const direct = this.mapping.get(field);
    if (direct) {
      result = { path: field, type: direct.type, key: field };
    } else if (field.endsWith('.keyword')) {
      const base = field.slice(0, -'.keyword'.length);
      const parent = this.mapping.get(base);
      if (parent?.type === 'text' && parent.keywordSubfield) {
        result = { path: base, type: 'keyword', ignoreAbove: KEYWORD_IGNORE_ABOVE, key: field };
      }
    }
    this.resolved.set(field, result);
    return result;
  }

  /** Whether `field` names an object (so `exists` looks at its sub-fields). */
  isObject(field: string): boolean {
    return this.objectPaths.has(field);
  }

  /** The indexed values of `field` in `doc`: tokens for text, strings for keyword, numbers otherwise. */
  values(doc: StoredDoc, field: ResolvedField): readonly IndexedValue[] {
    const key = field.key;
    let values = doc.cache.get(key);
    if (values) return values;
    const raw = doc.leaves.get(field.path) ?? [];
    if (field.type === 'text') {
      values = raw.flatMap((v) => analyze(String(v)));
    } else if (field.type === 'keyword') {
      values = raw.map((v) => String(v)).filter((v) => field.ignoreAbove === undefined || v.length <= field.ignoreAbove);
    } else {
      values = raw.map((v) => coerceForIndex(field.type, v, field.path));
    }
    doc.cache.set(key, values);
    return values;
  }

  /** value → documents holding it in `field` (in insertion order), built once per field between writes. */
  postingsOf(field: ResolvedField): Map<IndexedValue, StoredDoc[]> {
    const key = field.key;
    let map = this.postings.get(key);
    if (map) return map;
    map = new Map();
    for (const doc of this.orderedDocs()) {
      for (const value of new Set(this.values(doc, field))) {
        const list = map.get(value);
        if (list) list.push(doc);
        else map.set(value, [doc]);
      }
    }
    this.postings.set(key, map);
    return map;
  }

  /** Applies an explicit mapping (`PUT /<index>` body `mappings.properties`). */
  applyExplicitMapping(properties: Record<string, unknown>, prefix = ''): void {
    for (const [name, def] of Object.entries(properties)) {
      const path = prefix + name;
      if (!def || typeof def !== 'object') throw new OpenSearchError(400, 'mapper_parsing_exception', `Expected map for property [${path}]`);
      const spec = def as { type?: unknown; properties?: Record<string, unknown>; fields?: Record<string, { type?: string }> };
      if (spec.properties && (spec.type === undefined || spec.type === 'object' || spec.type === 'nested')) {
        this.objectPaths.add(path);
        this.applyExplicitMapping(spec.properties, path + '.');
        continue;
      }
      const type = explicitType(spec.type, path);
      this.resolved.clear();
      this.mapping.set(path, { type, keywordSubfield: type === 'text' && spec.fields?.keyword?.type === 'keyword' });
      for (const p of prefixes(path)) this.objectPaths.add(p);
    }
  }

  private mappingFor(leaves: Map<string, unknown[]>): Map<string, FieldMapping> {
    const added = new Map<string, FieldMapping>();
    for (const [path, values] of leaves) {
      if (this.objectPaths.has(path)) {
        throw new OpenSearchError(
          400,
          'mapper_parsing_exception',
          `object mapping for [${path}] tried to parse field [${path}] as object, but found a concrete value`,
        );
      }
      for (const prefix of prefixes(path)) {
        const leaf = this.mapping.get(prefix) ?? added.get(prefix);
        if (leaf) {
          throw new OpenSearchError(400, 'mapper_parsing_exception', `failed to parse field [${prefix}] of type [${leaf.type}]`);
        }
      }
      if (!this.mapping.has(path)) {
        const type = inferFieldType(values[0]);
        if (type) added.set(path, { type, keywordSubfield: type === 'text' });
      }
    }
    return added;
  }

  /** The indexed values of numeric, date and boolean fields, computed once at index time. */
  private typedValues(leaves: Map<string, unknown[]>, added: Map<string, FieldMapping>): Map<string, readonly IndexedValue[]> {
    const cache = new Map<string, readonly IndexedValue[]>();
    for (const [path, values] of leaves) {
      const type = (this.mapping.get(path) ?? added.get(path))?.type;
      if (type && type !== 'text' && type !== 'keyword') cache.set(path, values.map((v) => coerceForIndex(type, v, path)));
    }
    return cache;
  }

  private changed(): void {
    this.postings.clear();
    this.ordered = undefined;
  }
}

const EXPLICIT_TYPES: Record<string, FieldType> = {
  text: 'text',
  keyword: 'keyword',
  long: 'long',
  integer: 'long',
  short: 'long',
  byte: 'long',
  float: 'float',
  half_float: 'float',
  double: 'double',
  scaled_float: 'double',
  date: 'date',
  boolean: 'boolean',
};

function explicitType(type: unknown, path: string): FieldType {
  const mapped = typeof type === 'string' ? EXPLICIT_TYPES[type] : undefined;
  if (!mapped) {
    throw new OpenSearchError(400, 'mapper_parsing_exception', `No handler for type [${String(type)}] declared on field [${path}] (test server)`);
  }
  return mapped;
}

/** Leaf paths of a document: objects joined with dots, arrays flattened, nulls dropped. */
export function flatten(source: Record<string, unknown>): Map<string, unknown[]> {
  const leaves = new Map<string, unknown[]>();
  const walk = (value: unknown, path: string): void => {
    if (value === null || value === undefined) return;
    if (Array.isArray(value)) {
      for (const item of value) walk(item, path);
    } else if (typeof value === 'object') {
      for (const [key, child] of Object.entries(value)) walk(child, path ? `${path}.${key}` : key);
    } else {
      const list = leaves.get(path);
      if (list) list.push(value);
      else leaves.set(path, [value]);
    }
  };
  walk(source, '');
  return leaves;
}

function prefixes(path: string): string[] {
  const parts = path.split('.');
  const out: string[] = [];
  for (let i = 1; i < parts.length; i++) out.push(parts.slice(0, i).join('.'));
  return out;
}
