/**
 * PromQL placeholders of metric profiles: `{{cluster}}`, `{{masters}}`, `{{start}}`, `{{end}}`,
 * `{{duration}}`, `{{step}}` (spaces inside the braces allowed).
 *
 * - `{{cluster}}` is the run's cluster name escaped for a double-quoted PromQL string (`"` and `\`).
 * - `{{masters}}` is the masters' names as a regex alternation (`m0|m1`), each name regex-escaped and the
 *   whole escaped for a double-quoted string, so `ip-10-0-1-2.ec2.internal` matches itself only.
 * - `{{start}}`/`{{end}}` are the window's unix seconds, `{{duration}}` its length (`3600s`), `{{step}}`
 *   the query step (`10s`) — for `…_over_time(x[{{duration}}])` style queries.
 *
 * @example
 * expandQuery('up{openshift_cluster_name="{{cluster}}", instance=~"{{masters}}"}',
 *   { cluster: 'c"1', masters: ['m.0'], startS: 0, endS: 60, stepS: 10 });
 * // → 'up{openshift_cluster_name="c\\"1", instance=~"m\\\\.0"}'
 */

export const PLACEHOLDERS = ['cluster', 'masters', 'start', 'end', 'duration', 'step'] as const;

const PATTERN = /\{\{\s*([A-Za-z_][\w.]*)\s*\}\}/g;

export interface QueryContext {
  cluster: string;
  /** Master node names; undefined when the profile has no masters query. */
  masters?: readonly string[];
  startS: number;
  endS: number;
  stepS: number;
}

/** The first unknown placeholder of a query, as a message; undefined when all are known. */
export function checkPlaceholders(query: string): string | undefined {
  for (const m of query.matchAll(PATTERN)) {
    if (!(PLACEHOLDERS as readonly string[]).includes(m[1]!)) return `unknown placeholder {{${m[1]}}} (known: ${PLACEHOLDERS.map((p) => `{{${p}}}`).join(', ')})`;
  }
  return undefined;
}

/** Does the query use this placeholder? */
export function usesPlaceholder(query: string, name: (typeof PLACEHOLDERS)[number]): boolean {
  for (const m of query.matchAll(PATTERN)) if (m[1] === name) return true;
  return false;
}

export function expandQuery(query: string, context: QueryContext): string {
  return query.replace(PATTERN, (whole, name: string) => {
    switch (name) {
      case 'cluster':
        return promString(context.cluster);
      case 'masters':
        return promString((context.masters ?? []).map(regexEscape).join('|'));
      case 'start':
        return String(context.startS);
      case 'end':
        return String(context.endS);
      case 'duration':
        return `${Math.max(1, Math.round(context.endS - context.startS))}s`;
      case 'step':
        return `${context.stepS}s`;
      default:
        return whole;
    }
  });
}

/** The inside of a double-quoted PromQL string holding `text`. */
function promString(text: string): string {
  return text.replace(/[\\"]/g, (c) => '\\' + c).replace(/\n/g, '\\n');
}

/** RE2 (Prometheus' regex engine) syntax escaped. */
function regexEscape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, (c) => '\\' + c);
}
