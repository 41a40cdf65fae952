/**
 * Orion's `--convert-tinyurl`: build URLs shortened through TinyURL's API (`GET <base>?url=<long>` answers
 * the short URL as text), 20 at a time, each URL asked once. A failure keeps the long URL and is one
 * warning: the analysis is never lost to the shortener.
 */
import type { TestReport } from './types.js';

export const DEFAULT_TINYURL_API = 'https://tinyurl.com/api-create.php';
const PARALLEL = 20;

export type Shortener = (urls: string[]) => Promise<Map<string, string>>;

export function tinyUrlShortener(base: string, warn: (m: string) => void): Shortener {
  const known = new Map<string, string>();
  let warned = false;
  const one = async (url: string): Promise<void> => {
    try {
      const res = await fetch(`${base}?url=${encodeURIComponent(url)}`, { signal: AbortSignal.timeout(10_000) });
      const text = (await res.text()).trim();
      if (!res.ok || !/^https?:\/\//.test(text)) throw new Error(`HTTP ${res.status}`);
      known.set(url, text);
    } catch (err) {
      known.set(url, url);
      if (!warned) warn(`--convert-tinyurl: ${base} failed (${(err as Error).message}); build URLs are kept long`);
      warned = true;
    }
  };
  return async (urls) => {
    const todo = [...new Set(urls)].filter((u) => !known.has(u) && /^https?:\/\//.test(u));
    for (let i = 0; i < todo.length; i += PARALLEL) await Promise.all(todo.slice(i, i + PARALLEL).map(one));
    return known;
  };
}

/** The test with its build URLs (rows, the `buildUrl` display column, regressions) shortened. */
export async function shortenBuildUrls(test: TestReport, shorten: Shortener): Promise<TestReport> {
  const urls = [...test.rows.flatMap((r) => [r.buildUrl, r.display.buildUrl]), ...test.regressions.map((g) => g.buildUrl)].filter((u): u is string => typeof u === 'string');
  if (urls.length === 0) return test;
  const short = await shorten(urls);
  const map = (u: unknown) => (typeof u === 'string' ? (short.get(u) ?? u) : u);
  return {
    ...test,
    rows: test.rows.map((r) => ({
      ...r,
      ...(r.buildUrl !== undefined ? { buildUrl: map(r.buildUrl) as string } : {}),
      display: 'buildUrl' in r.display ? { ...r.display, buildUrl: map(r.display.buildUrl) } : r.display,
    })),
    regressions: test.regressions.map((g) => (g.buildUrl !== undefined ? { ...g, buildUrl: map(g.buildUrl) as string } : g)),
  };
}
