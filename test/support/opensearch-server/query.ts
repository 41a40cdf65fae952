/**
 * The query DSL subset (reference/orion.md §2.6): `bool` (must, filter, should + minimum_should_match,
 * must_not), `match`, `term`, `terms`, `exists`, `wildcard`, `range`, `match_all`, `match_none`.
 *
 * A query compiles in two steps, as in OpenSearch: parsing (shape errors → `parsing_exception`, whatever
 * the indices hold) and binding to one index's mapping (type errors → `query_shard_exception`). A bound
 * query can offer candidate documents from term postings so selective queries do not scan every document;
 * its `test` is still applied to every candidate.
 */
import { analyze, wildcardToRegExp } from './analysis.js';
import { parsingError, queryShardError } from './errors.js';
import type { IndexedValue, IndexState, ResolvedField, StoredDoc } from './index-state.js';
import { parseIsoDate } from './mapping.js';

export interface BoundQuery {
  test(doc: StoredDoc): boolean;
  /** A superset of the matching documents, when postings can give one cheaply. */
  candidates?: readonly StoredDoc[];
}

export type Query = (index: IndexState) => BoundQuery;

const MATCH_ALL: BoundQuery = { test: () => true };
const MATCH_NONE: BoundQuery = { test: () => false, candidates: [] };

export function compileQuery(dsl: unknown): Query {
  const [type, body] = singleKey(dsl, 'query');
  switch (type) {
    case 'match_all':
      return () => MATCH_ALL;
    case 'match_none':
      return () => MATCH_NONE;
    case 'bool':
      return compileBool(body);
    case 'match':
      return compileMatch(body);
    case 'term':
      return compileTerm(body);
    case 'terms':
      return compileTerms(body);
    case 'exists':
      return compileExists(body);
    case 'wildcard':
      return compileWildcard(body);
    case 'range':
      return compileRange(body);
    default:
      throw parsingError(`unknown query [${type}]`);
  }
}

function compileBool(body: unknown): Query {
  const spec = asObject(body, 'bool');
  const clauses: Record<'must' | 'filter' | 'should' | 'must_not', Query[]> = { must: [], filter: [], should: [], must_not: [] };
  let minimumShouldMatch: number | undefined;
  for (const [key, value] of Object.entries(spec)) {
    if (key === 'must' || key === 'filter' || key === 'should' || key === 'must_not') {
      const list = Array.isArray(value) ? value : [value];
      clauses[key] = list.map(compileQuery);
    } else if (key === 'minimum_should_match') {
      minimumShouldMatch = parseMinimumShouldMatch(value);
    } else if (key !== 'boost' && key !== '_name' && key !== 'adjust_pure_negative') {
      throw parsingError(`[bool] query does not support [${key}]`);
    }
  }
  const required = [...clauses.must, ...clauses.filter];
  // OpenSearch: with no must/filter at least one should clause must match; otherwise should is optional.
  const needShould = Math.min(
    minimumShouldMatch ?? (required.length === 0 && clauses.should.length > 0 ? 1 : 0),
    clauses.should.length,
  );
  return (index) => {
    const must = required.map((q) => q(index));
    const should = clauses.should.map((q) => q(index));
    const mustNot = clauses.must_not.map((q) => q(index));
    let candidates: readonly StoredDoc[] | undefined;
    for (const q of must) {
      if (q.candidates && (!candidates || q.candidates.length < candidates.length)) candidates = q.candidates;
    }
    if (!candidates && needShould > 0 && should.every((q) => q.candidates)) {
      candidates = unionInOrder(should.map((q) => q.candidates ?? []));
    }
    return {
      candidates,
      test(doc) {
        for (const q of must) if (!q.test(doc)) return false;
        for (const q of mustNot) if (q.test(doc)) return false;
        if (needShould > 0) {
          let matched = 0;
          for (const q of should) if (q.test(doc) && ++matched >= needShould) break;
          if (matched < needShould) return false;
        }
        return true;
      },
    };
  };
}

function parseMinimumShouldMatch(value: unknown): number {
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(n) || n < 0) throw parsingError(`[bool] minimum_should_match [${String(value)}] is not supported by the test server`);
  return n;
}

/** `match`: analyzed OR of tokens on text fields, exact on keyword, typed equality on numbers/dates/booleans. */
function compileMatch(body: unknown): Query {
  const [field, spec] = fieldAndSpec(body, 'match', ['query', 'operator', 'boost', '_name']);
  const value = spec.query;
  const operator = spec.operator === undefined ? 'or' : String(spec.operator).toLowerCase();
  if (operator !== 'or' && operator !== 'and') throw parsingError(`[match] unknown operator [${String(spec.operator)}]`);
  checkScalar(value, 'match', field);
  return (index) => {
    const resolved = index.resolve(field);
    if (!resolved) return MATCH_NONE;
    if (resolved.type === 'text') {
      const tokens = analyze(String(value));
      if (tokens.length === 0) return MATCH_NONE;
      return operator === 'and' ? allOf(index, resolved, tokens) : anyOf(index, resolved, tokens);
    }
    return anyOf(index, resolved, [termValue(resolved, value)].filter(isDefined));
  };
}

function compileTerm(body: unknown): Query {
  const [field, spec] = fieldAndSpec(body, 'term', ['value', 'boost', '_name', 'case_insensitive'], 'value');
  checkScalar(spec.value, 'term', field);
  return (index) => {
    const resolved = index.resolve(field);
    if (!resolved) return MATCH_NONE;
    return anyOf(index, resolved, [termValue(resolved, spec.value)].filter(isDefined));
  };
}

function compileTerms(body: unknown): Query {
  const spec = asObject(body, 'terms');
  const fields = Object.keys(spec).filter((k) => k !== 'boost' && k !== '_name');
  if (fields.length !== 1) throw parsingError(`[terms] query requires exactly one field, found [${fields.join(', ')}]`);
  const field = fields[0];
  const list = spec[field];
  if (!Array.isArray(list)) throw parsingError(`[terms] query does not support [${field}] with a non-array value (terms lookup is not supported by the test server)`);
  for (const v of list) checkScalar(v, 'terms', field);
  return (index) => {
    const resolved = index.resolve(field);
    if (!resolved) return MATCH_NONE;
    return anyOf(index, resolved, list.map((v) => termValue(resolved, v)).filter(isDefined));
  };
}

function compileExists(body: unknown): Query {
  const spec = asObject(body, 'exists');
  const field = spec.field;
  if (typeof field !== 'string') throw parsingError('[exists] must be provided with a [field]');
  return (index) => {
    const resolved = index.resolve(field);
    if (resolved) return { test: (doc) => index.values(doc, resolved).length > 0 };
    if (index.isObject(field)) {
      const prefix = field + '.';
      return {
        test(doc) {
          for (const path of doc.leaves.keys()) {
            if (!path.startsWith(prefix)) continue;
            const sub = index.resolve(path);
            if (sub && index.values(doc, sub).length > 0) return true;
          }
          return false;
        },
      };
    }
    return MATCH_NONE;
  };
}

function compileWildcard(body: unknown): Query {
  const [field, spec] = fieldAndSpec(body, 'wildcard', ['value', 'wildcard', 'boost', '_name', 'case_insensitive', 'rewrite'], 'value');
  const pattern = spec.value ?? spec.wildcard;
  if (typeof pattern !== 'string') throw parsingError(`[wildcard] query on [${field}] needs a string [value]`);
  const regexp = wildcardToRegExp(pattern, spec.case_insensitive === true);
  return (index) => {
    const resolved = index.resolve(field);
    if (!resolved) return MATCH_NONE;
    if (resolved.type !== 'text' && resolved.type !== 'keyword') {
      throw queryShardError(`Can only use wildcard queries on keyword and text fields - not on [${field}] which is of type [${resolved.type}]`);
    }
    // On text fields the pattern meets each analyzed token (OpenSearch does not analyze the pattern).
    return { test: (doc) => index.values(doc, resolved).some((v) => regexp.test(String(v))) };
  };
}

const RANGE_KEYS = ['gt', 'gte', 'lt', 'lte'] as const;

function compileRange(body: unknown): Query {
  const [field, spec] = fieldAndSpec(body, 'range', ['gt', 'gte', 'lt', 'lte', 'boost', '_name', 'format']);
  if (spec.format !== undefined && spec.format !== 'strict_date_optional_time' && spec.format !== 'epoch_millis') {
    throw parsingError(`[range] format [${String(spec.format)}] is not supported by the test server`);
  }
  return (index) => {
    const resolved = index.resolve(field);
    if (!resolved) return MATCH_NONE;
    const bounds = RANGE_KEYS.filter((k) => spec[k] !== undefined && spec[k] !== null).map((k) => ({
      op: k,
      limit: rangeBound(resolved, spec[k], field),
    }));
    return {
      test: (doc) =>
        index.values(doc, resolved).some((v) => bounds.every(({ op, limit }) => compareWithin(op, v, limit))),
    };
  };
}

function compareWithin(op: (typeof RANGE_KEYS)[number], value: IndexedValue, limit: IndexedValue): boolean {
  switch (op) {
    case 'gt':
      return value > limit;
    case 'gte':
      return value >= limit;
    case 'lt':
      return value < limit;
    case 'lte':
      return value <= limit;
  }
}

function rangeBound(field: ResolvedField, value: unknown, name: string): IndexedValue {
  if (field.type === 'text' || field.type === 'keyword') return String(value);
  if (field.type === 'date') {
    const ms = dateValue(value);
    if (ms === undefined) {
      throw queryShardError(`failed to parse date field [${String(value)}] with format [strict_date_optional_time||epoch_millis] (field [${name}]; date math is not supported by the test server)`);
    }
    return ms;
  }
  const n = numberValue(value);
  if (n === undefined) throw queryShardError(`failed to create query: For input string: "${String(value)}"`);
  return field.type === 'float' ? Math.fround(n) : n;
}

/**
 * The indexed form of a query value for an exact comparison on `field`; undefined when it can match
 * nothing (a fractional value on a long field); throws like OpenSearch when the value cannot be parsed.
 */
function termValue(field: ResolvedField, value: unknown): IndexedValue | undefined {
  switch (field.type) {
    case 'text':
    case 'keyword':
      return String(value);
    case 'date': {
      const ms = dateValue(value);
      if (ms === undefined) throw queryShardError(`failed to parse date field [${String(value)}] with format [strict_date_optional_time||epoch_millis]`);
      return ms;
    }
    case 'boolean':
      if (value === true || value === 'true') return 1;
      if (value === false || value === 'false') return 0;
      throw queryShardError(`failed to create query: Can't parse boolean value [${String(value)}], expected [true] or [false]`);
    default: {
      const n = numberValue(value);
      if (n === undefined) throw queryShardError(`failed to create query: For input string: "${String(value)}"`);
      if (field.type === 'long') return Number.isInteger(n) ? n : undefined;
      return field.type === 'float' ? Math.fround(n) : n;
    }
  }
}

function anyOf(index: IndexState, field: ResolvedField, values: IndexedValue[]): BoundQuery {
  if (values.length === 0) return MATCH_NONE;
  const postings = index.postingsOf(field);
  const lists = values.map((v) => postings.get(v) ?? []);
  const candidates = lists.length === 1 ? lists[0] : unionInOrder(lists);
  // Testing the document's own values keeps `test` O(values of the doc), however long the posting lists.
  const wanted = new Set(values);
  return { candidates, test: (doc) => index.values(doc, field).some((v) => wanted.has(v)) };
}

function allOf(index: IndexState, field: ResolvedField, tokens: string[]): BoundQuery {
  const candidates = index.postingsOf(field).get(tokens[0]) ?? [];
  return {
    candidates,
    test(doc) {
      const own = new Set(index.values(doc, field));
      return tokens.every((t) => own.has(t));
    },
  };
}

function unionInOrder(lists: readonly (readonly StoredDoc[])[]): StoredDoc[] {
  const all = new Set<StoredDoc>();
  for (const list of lists) for (const doc of list) all.add(doc);
  return [...all].sort((a, b) => a.seq - b.seq);
}

export function dateValue(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return Math.trunc(value);
  if (typeof value !== 'string') return undefined;
  if (/^-?\d+$/.test(value)) return Number(value);
  const ms = parseIsoDate(value);
  return Number.isNaN(ms) ? undefined : ms;
}

function numberValue(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'boolean') return undefined;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  return undefined;
}

function checkScalar(value: unknown, query: string, field: string): void {
  if (value === null || value === undefined || typeof value === 'object') {
    throw parsingError(`[${query}] query on field [${field}] needs a string, number or boolean value`);
  }
}

function isDefined<T>(v: T | undefined): v is T {
  return v !== undefined;
}

/** `{field: value}` or `{field: {key: …}}` with the allowed keys; the short form fills `shortKey`. */
function fieldAndSpec(body: unknown, query: string, allowed: string[], shortKey = 'query'): [string, Record<string, unknown>] {
  const spec = asObject(body, query);
  const fields = Object.keys(spec).filter((k) => k !== 'boost' && k !== '_name');
  if (fields.length !== 1) {
    throw parsingError(`[${query}] query doesn't support multiple fields, found [${fields.join('] and [')}]`);
  }
  const field = fields[0];
  const value = spec[field];
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const inner = value as Record<string, unknown>;
    for (const key of Object.keys(inner)) {
      if (!allowed.includes(key)) throw parsingError(`[${query}] query does not support [${key}]`);
    }
    return [field, inner];
  }
  return [field, { [shortKey]: value }];
}

export function asObject(value: unknown, context: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw parsingError(`[${context}] expected an object`);
  }
  return value as Record<string, unknown>;
}

/** A one-key object `{type: body}` (queries and aggregation definitions). */
export function singleKey(value: unknown, context: string): [string, unknown] {
  const obj = asObject(value, context);
  const keys = Object.keys(obj);
  if (keys.length !== 1) {
    throw parsingError(`[${context}] malformed query, expected a single query type but found [${keys.join(', ')}]`);
  }
  return [keys[0], obj[keys[0]]];
}
