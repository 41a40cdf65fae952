import { illegalArgument } from './errors.js';
import type { IndexState, ResolvedField, StoredDoc } from './index-state.js';

/** A matching document together with the index (and so the mapping) it lives in. */
export interface Hit {
  index: IndexState;
  doc: StoredDoc;
}

/**
 * Resolves a field name once per index and returns the typed values of hits. The first index in which
 * the field is mapped decides the reported type (for `value_as_string` formatting).
 */
export class FieldReader {
  private readonly resolved = new Map<IndexState, ResolvedField | undefined>();

  constructor(
    readonly field: string,
    private readonly check: (field: ResolvedField) => void = () => {},
  ) {}

  resolve(index: IndexState): ResolvedField | undefined {
    if (this.resolved.has(index)) return this.resolved.get(index);
    const r = index.resolve(this.field);
    if (r) this.check(r);
    this.resolved.set(index, r);
    return r;
  }

  values(hit: Hit): readonly (string | number)[] {
    const r = this.resolve(hit.index);
    return r ? hit.index.values(hit.doc, r) : [];
  }

  /** The type of the field in the first index (of `hits`) that maps it. */
  typeIn(hits: readonly Hit[]): ResolvedField['type'] | undefined {
    for (const hit of hits) {
      const r = this.resolve(hit.index);
      if (r) return r.type;
    }
    return undefined;
  }
}

/** Sorting and aggregating need doc values, which text fields lack (OpenSearch's fielddata error). */
export function rejectText(field: ResolvedField, name: string): void {
  if (field.type === 'text') {
    throw illegalArgument(
      `Text fields are not optimised for operations that require per-document field data like aggregations and sorting, so these operations are disabled by default. Please use a keyword field instead. Alternatively, set fielddata=true on [${name}] in order to load field data by uninverting the inverted index. Note that this can use significant memory.`,
    );
  }
}
