/**
 * Sippy (OpenShift's CI analytics, https://sippy.dptools.openshift.org), as Orion asks it
 * (`orion/utils.py:sippy_pr_search`, `sippy_pr_diff`):
 *
 * - the pull requests of a payload: `GET <base>/api/releases/pull_requests?filter=<json>&sortField=pull_request_id&sort=asc`
 *   with the filter `{"items": [{"columnField": "release_tag", "operatorValue": "equals", "value": "<version>"}]}`
 *   (Python's `json.dumps` spacing, form-encoded) — Orion's `prs` of every run;
 * - the pull requests between two payloads: `GET <base>/api/payloads/diff?fromPayload=<prev>&toPayload=<bad>` —
 *   `--sippy-pr-search` at each change point.
 *
 * Both answer a JSON array of rows whose `url` is the pull request's. A failure (Orion: exit 1 when Sippy
 * is unreachable) is one warning and an empty list. Each version is asked once per process (Orion asks
 * once per run), and an unreachable Sippy is not asked again.
 *
 * @example
 * const sippy = sippyClient({ baseUrl: DEFAULT_SIPPY_URL, timeoutMs: 30_000, warn });
 * await sippy.pullRequests('4.20.0-0.nightly-2026-01-15-195655'); // ['https://github.com/openshift/…/pull/1', …]
 */
import { IntegrationError, requestJson, trimBase, warnOnce } from './http.js';

export const DEFAULT_SIPPY_URL = 'https://sippy.dptools.openshift.org';

export interface SippyOptions {
  baseUrl: string;
  timeoutMs: number;
  warn: (message: string) => void;
}

export interface SippyClient {
  /** The pull request URLs of the payload `version` ([] on failure). */
  pullRequests(version: string): Promise<string[]>;
  /** The pull request URLs that entered between payloads `from` and `to` ([] on failure). */
  payloadDiff(from: string, to: string): Promise<string[]>;
}

/** The `filter` parameter exactly as Python's `json.dumps` writes Orion's dict (`", "` and `": "` separators). */
export function releaseTagFilter(version: string): string {
  return `{"items": [{"columnField": "release_tag", "operatorValue": "equals", "value": ${JSON.stringify(version)}}]}`;
}

export function sippyClient(options: SippyOptions): SippyClient {
  const base = trimBase(options.baseUrl);
  const warn = warnOnce(options.warn);
  const byVersion = new Map<string, Promise<string[]>>();
  // Unreachable (refused, timed out): not asked again, so a down Sippy costs one timeout, not one per version.
  let unreachable = false;
  const ask = async (url: string, what: string): Promise<string[]> => {
    if (unreachable) return [];
    try {
      const { json } = await requestJson(url, { timeoutMs: options.timeoutMs });
      if (!Array.isArray(json)) throw new IntegrationError('the answer is not a list');
      return json.map((row) => (row as { url?: unknown } | null)?.url).filter((u): u is string => typeof u === 'string');
    } catch (err) {
      if ((err as IntegrationError).status === undefined) unreachable = true;
      warn(`Sippy (${base}) failed for ${what}: ${(err as Error).message}; pull requests left out`);
      return [];
    }
  };
  return {
    pullRequests(version) {
      let known = byVersion.get(version);
      if (!known) {
        const query = new URLSearchParams({ filter: releaseTagFilter(version), sortField: 'pull_request_id', sort: 'asc' });
        known = ask(`${base}/api/releases/pull_requests?${query}`, `payload ${version}`);
        byVersion.set(version, known);
      }
      return known;
    },
    payloadDiff(from, to) {
      return ask(`${base}/api/payloads/diff?fromPayload=${encodeURIComponent(from)}&toPayload=${encodeURIComponent(to)}`, `${from} → ${to}`);
    },
  };
}
