/**
 * GitHub's REST API as Orion uses it (`orion/github_client.py`, reference orion.md §1.7):
 *
 * - `--github-repos owner/repo,…`: at a change point, the releases (`GET /repos/{r}/releases?per_page=100&page=N`,
 *   newest first, until one is older than the previous run) and commits
 *   (`GET /repos/{r}/commits?per_page=100&page=N&since=<prev>&until=<cur>`) between the previous run and
 *   the changed one — Orion's `github_context`;
 * - PR mode: a pull request's creation (`GET /repos/{org}/{repo}/pulls/{n}` → `created_at`).
 *
 * Headers: `Accept: application/vnd.github+json`, and `Authorization: Bearer $GITHUB_TOKEN` (or `$GH_TOKEN`)
 * when set. A failure is recorded as the entry's `reason` (Orion's words: `not found (404)`, `rate
 * limited or forbidden (remaining=…)`, `unexpected status N`, `request failed: …`) and said once on stderr.
 */
import { IntegrationError, requestJson, trimBase, warnOnce } from './http.js';

export const DEFAULT_GITHUB_API = 'https://api.github.com';
const PER_PAGE = 100;
/** Pages read at most per repository and interval (10 000 items): a runaway interval stays bounded. */
const MAX_PAGES = 100;

export interface GitHubOptions {
  baseUrl: string;
  token?: string;
  timeoutMs: number;
  warn: (message: string) => void;
}

export interface Collection<T> {
  start: string | null;
  end: string | null;
  count: number;
  items: T[];
  reason?: string;
}

export interface ReleaseItem {
  name: unknown;
  html_url: unknown;
  published_at: unknown;
  created_at: unknown;
  target_commitish: unknown;
}

export interface CommitItem {
  html_url: unknown;
  commit_author: { name: unknown; email: unknown };
  commit_timestamp: unknown;
  message: unknown;
}

/** Orion's `github_context`. */
export interface GitHubContext {
  previous_timestamp: string | null;
  current_timestamp: string | null;
  previous_version: string | null;
  current_version: string | null;
  repositories: Record<string, { releases: Collection<ReleaseItem>; commits: Collection<CommitItem> }>;
}

export interface GitHubClient {
  /** Releases and commits of every repository between two runs (epoch ms); undefined without repositories. */
  changeContext(previous: { timestampMs?: number; version?: string }, current: { timestampMs: number; version?: string }): Promise<GitHubContext | undefined>;
  /** When pull request `number` of `owner/repo` was opened (undefined, with a warning, on failure). */
  pullCreatedAt(repo: string, number: number): Promise<Date | undefined>;
}

/** Orion's timestamp form: ISO 8601 in UTC to the second, `Z`. */
export function isoSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

export function githubClient(repositories: readonly string[], options: GitHubOptions): GitHubClient {
  const base = trimBase(options.baseUrl);
  const repos = repositories.map((r) => r.trim()).filter(Boolean);
  const warn = warnOnce(options.warn);
  const headers: Record<string, string> = { accept: 'application/vnd.github+json' };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  const cache = new Map<string, Promise<Collection<never>>>();

  /** One page's JSON, or Orion's reason why not. */
  // Unreachable (refused, timed out): not asked again, so a down GitHub costs one timeout.
  let unreachable: string | undefined;
  const page = async (url: string): Promise<{ json?: unknown; reason?: string }> => {
    if (unreachable) return { reason: unreachable };
    try {
      return { json: (await requestJson(url, { headers, timeoutMs: options.timeoutMs })).json };
    } catch (err) {
      const reason = reasonOf(err as IntegrationError);
      if ((err as IntegrationError).status === undefined) unreachable = reason;
      warn(`GitHub (${base}) failed: ${url.slice(base.length)}: ${reason}; github_context records it`);
      return { reason };
    }
  };

  const between = <T>(repo: string, kind: 'releases' | 'commits', startMs: number, endMs: number): Promise<Collection<T>> => {
    const start = isoSeconds(startMs);
    const end = isoSeconds(endMs);
    const key = `${repo}\n${kind}\n${start}\n${end}`;
    let known = cache.get(key);
    if (!known) {
      known = collect(repo, kind, start, end) as Promise<Collection<never>>;
      cache.set(key, known);
    }
    return known as Promise<Collection<T>>;
  };

  const collect = async (repo: string, kind: 'releases' | 'commits', start: string, end: string): Promise<Collection<ReleaseItem | CommitItem>> => {
    const entry = (items: (ReleaseItem | CommitItem)[], reason?: string) => ({ start, end, count: items.length, items, ...(reason ? { reason } : {}) });
    const startMs = Date.parse(start);
    const endMs = Date.parse(end);
    const items: (ReleaseItem | CommitItem)[] = [];
    for (let n = 1; n <= MAX_PAGES; n++) {
      const query = kind === 'releases' ? `per_page=${PER_PAGE}&page=${n}` : `per_page=${PER_PAGE}&page=${n}&since=${encodeURIComponent(start)}&until=${encodeURIComponent(end)}`;
      const { json, reason } = await page(`${base}/repos/${repo}/${kind}?${query}`);
      if (reason) return entry([], reason);
      if (!Array.isArray(json) || json.length === 0) {
        if (json !== undefined && !Array.isArray(json)) return entry([], `unexpected response payload for ${kind}`);
        break;
      }
      const done = kind === 'releases' ? takeReleases(json, startMs, endMs, items) : (takeCommits(json, startMs, endMs, items), false);
      if (done || json.length < PER_PAGE) break;
    }
    return entry(items, items.length ? undefined : `no ${kind} between timestamps`);
  };

  return {
    async changeContext(previous, current) {
      if (repos.length === 0) return undefined;
      const context: GitHubContext = {
        previous_timestamp: previous.timestampMs === undefined ? null : isoSeconds(previous.timestampMs),
        current_timestamp: isoSeconds(current.timestampMs),
        previous_version: previous.version ?? null,
        current_version: current.version ?? null,
        repositories: {},
      };
      for (const repo of repos) {
        const invalid = intervalProblem(repo, previous.timestampMs, current.timestampMs);
        if (invalid) {
          const empty = { start: context.previous_timestamp, end: context.current_timestamp, count: 0, items: [], reason: invalid };
          context.repositories[repo] = { releases: empty, commits: empty };
          continue;
        }
        const startMs = previous.timestampMs as number;
        context.repositories[repo] = {
          releases: await between<ReleaseItem>(repo, 'releases', startMs, current.timestampMs),
          commits: await between<CommitItem>(repo, 'commits', startMs, current.timestampMs),
        };
      }
      return context;
    },
    async pullCreatedAt(repo, number) {
      const { json, reason } = await page(`${base}/repos/${repo}/pulls/${number}`);
      const created = (json as { created_at?: unknown } | undefined)?.created_at;
      const at = typeof created === 'string' ? new Date(created) : undefined;
      if (at && !Number.isNaN(at.getTime())) return at;
      if (!reason) warn(`GitHub (${base}): pull request ${repo}#${number} has no created_at`);
      return undefined;
    },
  };
}

function intervalProblem(repo: string, previousMs: number | undefined, currentMs: number): string | undefined {
  if (!repo.includes('/')) return `invalid repository format '${repo}', expected owner/repo`;
  if (previousMs === undefined) return 'previous timestamp not provided or invalid';
  if (Math.floor(previousMs / 1000) >= Math.floor(currentMs / 1000)) return 'previous timestamp is not earlier than current timestamp';
  return undefined;
}

/** Keeps releases published in (start, end]; true once one is older than start (newest come first). */
function takeReleases(page: unknown[], startMs: number, endMs: number, into: (ReleaseItem | CommitItem)[]): boolean {
  for (const raw of page) {
    const r = (raw ?? {}) as Record<string, unknown>;
    const when = Date.parse(String(r.published_at ?? r.created_at ?? ''));
    if (Number.isNaN(when) || when > endMs) continue;
    if (when <= startMs) return true;
    into.push({ name: r.name ?? null, html_url: r.html_url ?? null, published_at: r.published_at ?? null, created_at: r.created_at ?? null, target_commitish: r.target_commitish ?? null });
  }
  return false;
}

/** Keeps commits authored in (start, end]. */
function takeCommits(page: unknown[], startMs: number, endMs: number, into: (ReleaseItem | CommitItem)[]): void {
  for (const raw of page) {
    const c = (raw ?? {}) as { html_url?: unknown; commit?: { author?: { name?: unknown; email?: unknown; date?: unknown }; message?: unknown } };
    const author = c.commit?.author ?? {};
    const when = Date.parse(String(author.date ?? ''));
    if (Number.isNaN(when) || when <= startMs || when > endMs) continue;
    into.push({ html_url: c.html_url ?? null, commit_author: { name: author.name ?? null, email: author.email ?? null }, commit_timestamp: author.date ?? null, message: c.commit?.message ?? null });
  }
}

function reasonOf(err: IntegrationError): string {
  if (err.status === undefined) return `request failed: ${err.message}`;
  if (err.status === 404) return 'not found (404)';
  if (err.status === 403) {
    const reset = err.headers?.get('x-ratelimit-reset');
    return `rate limited or forbidden (remaining=${err.headers?.get('x-ratelimit-remaining') ?? 'unknown'}${reset ? `, reset=${reset}` : ''})`;
  }
  if (err.text && err.status >= 200 && err.status < 300) return 'invalid JSON payload';
  return `unexpected status ${err.status}`;
}
