/**
 * The report's links: Grafana dashboards set to the run's cluster and window, as the DAG built them
 * (`{grafana}/d/{uid}/{name}?orgId=1&from=<ms>&to=<ms>&var-cluster_name=<cluster>`, whole seconds ×1000),
 * with every value URL-encoded (the DAG did not encode the cluster name) and the dashboard's `vars` added
 * as `var-<name>=<value>`; and templated links of the config (`build_url: "{{metadata.build_url}}"`).
 *
 * Template placeholders: `{{metadata.<dotted field>}}`, `{{uuid}}`, `{{cluster}}`, `{{from}}`, `{{to}}`.
 * A template that is one placeholder takes the value as it is (a URL); inside a longer template each value
 * is URL-encoded. A link whose value is missing is left out with a warning.
 *
 * @example
 * dashboardLink('https://grafana.example', { key: 'k', uid: 'u1', name: 'dash', vars: {} }, 'c 1', 1700000000500, 1700003600000);
 * // 'https://grafana.example/d/u1/dash?orgId=1&from=1700000000000&to=1700003600000&var-cluster_name=c%201'
 */
import { getNested } from '../sources/opensearch/fields.js';

export interface Dashboard {
  key: string;
  uid: string;
  name: string;
  vars: Record<string, string | number>;
}

export interface LinkContext {
  uuid: string;
  cluster?: string;
  startMs?: number;
  endMs?: number;
  metadata: Record<string, unknown>;
}

export function dashboardLink(grafana: string, dashboard: Dashboard, cluster: string, startMs: number, endMs: number): string {
  const params = [
    ['orgId', '1'],
    ['from', String(Math.floor(startMs / 1000) * 1000)],
    ['to', String(Math.floor(endMs / 1000) * 1000)],
    ['var-cluster_name', cluster],
    ...Object.entries(dashboard.vars).map(([k, v]) => [`var-${k}`, String(v)]),
  ];
  const query = params.map(([k, v]) => `${encodeURIComponent(k!)}=${encodeURIComponent(v!)}`).join('&');
  return `${grafana.replace(/\/+$/, '')}/d/${encodeURIComponent(dashboard.uid)}/${encodeURIComponent(dashboard.name)}?${query}`;
}

const TEMPLATE = /\{\{\s*([\w.-]+)\s*\}\}/g;

/** A templated link, or the name of the missing value. */
export function templatedLink(template: string, context: LinkContext): { url: string } | { missing: string } {
  const whole = /^\{\{\s*([\w.-]+)\s*\}\}$/.exec(template.trim());
  let missing: string | undefined;
  const valueOf = (name: string): string | undefined => {
    let v: unknown;
    if (name.startsWith('metadata.')) v = getNested(context.metadata, name.slice('metadata.'.length));
    else if (name === 'uuid') v = context.uuid;
    else if (name === 'cluster') v = context.cluster;
    else if (name === 'from') v = context.startMs === undefined ? undefined : Math.floor(context.startMs / 1000) * 1000;
    else if (name === 'to') v = context.endMs === undefined ? undefined : Math.floor(context.endMs / 1000) * 1000;
    if (v === undefined || v === null || v === '' || typeof v === 'object') {
      missing ??= name;
      return undefined;
    }
    return String(v);
  };
  if (whole) {
    const v = valueOf(whole[1]!);
    return v === undefined ? { missing: missing! } : { url: v };
  }
  const url = template.replace(TEMPLATE, (_m, name: string) => encodeURIComponent(valueOf(name) ?? ''));
  return missing === undefined ? { url } : { missing };
}
