import type { Store } from '../../src/store/connect.js';
import { termKey, termLookup } from '../../src/store/term-index.js';

/** The uuids (sorted) of the runs run_terms finds by a term of a field (`k:AWS`, `t:aws`, `n:3`…). */
export async function runsWithTerm(store: Store, field: string, term: string): Promise<string[]> {
  const ids = [...new Set((await termLookup(store.db, [termKey(field, term)]).execute()).map((r) => Number(r.run_id)))];
  if (!ids.length) return [];
  return (await store.db.selectFrom('runs').select('uuid').where('id', 'in', ids).orderBy('uuid').execute()).map((r) => r.uuid);
}
