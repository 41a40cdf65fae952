/**
 * OpenSearch query semantics over parsed JSON documents, so that an Orion config selects the same runs
 * and documents from the store as from an index created with dynamic mapping (reference/orion.md §2.6):
 *
 * - `match` on `x.keyword` compares the whole value of `x` exactly; a value longer than 256 characters is
 *   not in the keyword sub-field (dynamic mapping's `ignore_above`), so nothing matches it there;
 * - `match` on a text field is an OR over analysed tokens (`"self-managed"` also matches `"managed"`,
 *   `"True"` matches `"true"`); on numbers and booleans it is typed equality (Orion sends `"3"`);
 * - `wildcard` on a text field is tried against every analysed token, on `x.keyword` against the value;
 * - arrays match when any element matches (nested arrays too); dotted names traverse objects, and arrays
 *   of objects (field-values.ts).
 *
 * Tokens of a document field are memoised per document, since one run is tested by many tests.
 */
import { pythonStr } from '../../util/python-str.js';
import type { FieldValue, MetadataSelector } from '../types.js';
import { fieldValues } from './field-values.js';
import { analyzeText, wildcardToRegExp } from './text-analysis.js';
import type { Glob } from '../../util/glob.js';

const KEYWORD = '.keyword';

/** Dynamic mapping's `ignore_above` of the `.keyword` sub-field: longer values are not indexed in it. */
export const KEYWORD_IGNORE_ABOVE = 256;

/** A document plus its memoised token lists (one per field path). */
export class MatchableDocument {
  /** Created on first use: most documents are never text-matched, and there are hundreds of thousands. */
  private tokens: Map<string, string[][]> | undefined;

  constructor(readonly body: Record<string, unknown>) {}

  /** Values of the field (arrays flattened), `.keyword` suffix removed. */
  values(field: string): unknown[] {
    return fieldValues(this.body, stripKeyword(field));
  }

  /** Analysed tokens of each string value of the field. */
  tokensOf(field: string): string[][] {
    this.tokens ??= new Map();
    let cached = this.tokens.get(field);
    if (!cached) {
      cached = this.values(field).map((v) => (typeof v === 'string' ? analyzeText(v) : [String(v).toLowerCase()]));
      this.tokens.set(field, cached);
    }
    return cached;
  }
}

export function stripKeyword(field: string): string {
  return field.endsWith(KEYWORD) ? field.slice(0, -KEYWORD.length) : field;
}

/** OpenSearch `match` of one field against one query value. */
export function matchesField(doc: MatchableDocument, field: string, wanted: FieldValue): boolean {
  const values = doc.values(field);
  if (values.length === 0) return false;
  const query = typeof wanted === 'string' ? wanted : pythonStr(wanted);
  if (field.endsWith(KEYWORD)) return query.length <= KEYWORD_IGNORE_ABOVE && values.some((v) => typeof v !== 'object' && String(v) === query);
  const queryTokens = queryTokensOf(query);
  const tokenLists = doc.tokensOf(field);
  return values.some((value, i) => {
    if (typeof value === 'number') return query.trim() !== '' && Number(query) === value;
    if (typeof value === 'boolean') return query.toLowerCase() === String(value);
    if (typeof value !== 'string') return false;
    const tokens = tokenLists[i] ?? [];
    return queryTokens.some((t) => tokens.includes(t));
  });
}

const queryTokenCache = new Map<string, string[]>();
const patternCache = new Map<string, Glob>();

/** Query strings repeat for every candidate document: analyse each once (a config has few of them). */
function queryTokensOf(query: string): string[] {
  let tokens = queryTokenCache.get(query);
  if (!tokens) {
    tokens = analyzeText(query);
    if (queryTokenCache.size > 10_000) queryTokenCache.clear();
    queryTokenCache.set(query, tokens);
  }
  return tokens;
}

/** OpenSearch `wildcard` of one field: per token on text fields, on the whole value for `.keyword`. */
export function matchesWildcard(doc: MatchableDocument, field: string, pattern: string): boolean {
  let regexp = patternCache.get(pattern);
  if (!regexp) {
    regexp = wildcardToRegExp(pattern);
    patternCache.set(pattern, regexp);
  }
  if (field.endsWith(KEYWORD)) return doc.values(field).some((v) => String(v).length <= KEYWORD_IGNORE_ABOVE && regexp.test(String(v)));
  return doc.tokensOf(field).some((tokens) => tokens.some((t) => regexp.test(t)));
}

/** Orion's run discovery query (§2.3 A) minus the time range: every match, no not, every wildcard. */
export function matchesSelector(doc: MatchableDocument, selector: MetadataSelector): boolean {
  for (const [field, value] of Object.entries(selector.match)) if (!matchesField(doc, field, value)) return false;
  for (const [field, values] of Object.entries(selector.not)) {
    for (const value of values) if (matchesField(doc, field, value)) return false;
  }
  for (const [field, pattern] of Object.entries(selector.wildcard)) if (!matchesWildcard(doc, field, pattern)) return false;
  return true;
}

/** A metric's filter agg (§2.3 D): every filter matches, no `not` value does. */
export function matchesFilters(doc: MatchableDocument, filters: Record<string, FieldValue>, not: Record<string, FieldValue[]>): boolean {
  // matchesSelector without wildcards, and without building a selector per document.
  for (const field in filters) if (!matchesField(doc, field, filters[field])) return false;
  for (const field in not) {
    for (const value of not[field]) if (matchesField(doc, field, value)) return false;
  }
  return true;
}
