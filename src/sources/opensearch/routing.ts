/**
 * Client-side routing of standard-metric documents (Orion `get_results_batch`): the batched query returns
 * the documents of every metric of the chunk at once; each document belongs to the **first** metric whose
 * filters all equal the document's values (`x.keyword` compares `x`, exactly and case-sensitively) and
 * whose `not` values all differ. This is stricter than OpenSearch's analysed `match`, on purpose: it keeps
 * `self-managed` from also counting as `managed`.
 */
import type { FieldValue, MetricSelector } from '../types.js';
import { getNested } from './fields.js';

export function routeDocument(doc: Record<string, unknown>, metrics: readonly MetricSelector[]): MetricSelector | undefined {
  return metrics.find(
    (m) =>
      Object.entries(m.filters).every(([field, value]) => fieldEquals(doc, field, value)) &&
      Object.entries(m.not).every(([field, values]) => values.every((v) => !fieldEquals(doc, field, v))),
  );
}

function fieldEquals(doc: Record<string, unknown>, field: string, wanted: FieldValue): boolean {
  const actual = getNested(doc, field.endsWith('.keyword') ? field.slice(0, -'.keyword'.length) : field);
  const values = Array.isArray(actual) ? actual : [actual];
  return values.some((v) => v === wanted);
}
