/**
 * Hash routes: `#/page/arg?key=value&key=value`. Every view's state (filters, time range, selected metric,
 * zoom) lives in the hash, so a URL reproduces the view and can be shared.
 */
export interface Route {
  path: string[];
  query: URLSearchParams;
}

export function currentRoute(hash = location.hash): Route {
  const raw = hash.replace(/^#\/?/, '');
  const q = raw.indexOf('?');
  const pathPart = q < 0 ? raw : raw.slice(0, q);
  return { path: pathPart.split('/').filter(Boolean).map(decodeURIComponent), query: new URLSearchParams(q < 0 ? '' : raw.slice(q + 1)) };
}

/** A hash URL from path segments and parameters (empty values left out). */
export function href(path: string[], params: Record<string, string | number | boolean | readonly string[] | undefined | null> = {}): string {
  const q = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null || value === '' || value === false) continue;
    if (Array.isArray(value)) for (const v of value as readonly string[]) q.append(key, v);
    else q.append(key, String(value));
  }
  const text = q.toString();
  return '#/' + path.map(encodeURIComponent).join('/') + (text ? `?${text}` : '');
}

/** Changes the URL to reflect a view's state without re-rendering it (zoom, hover). */
export function replaceQuery(params: Record<string, string | undefined>): void {
  const route = currentRoute();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === '') route.query.delete(k);
    else route.query.set(k, v);
  }
  const text = route.query.toString();
  history.replaceState(null, '', '#/' + route.path.map(encodeURIComponent).join('/') + (text ? `?${text}` : ''));
}
