/**
 * The report config (YAML): where runs and results are, which benchmark types map to which result
 * collections, the metric profiles (named PromQL query lists), the dashboards and links. The bundled
 * default (default-config.ts) reproduces the OpenShift Report DAG; a user file is read over it — its
 * top-level keys replace the default's, its profiles are added to (or replace by name) the bundled ones.
 * Errors name the file, the line and the field.
 *
 * @example
 * const config = await loadReportConfig('reports.yaml');      // or loadReportConfig() for the default
 * config.profiles['control-plane'].queries[0].name;         // 'podCPU'
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { parseYamlSource, type PathSegment } from '../config/yaml-source.js';
import { UserError, errorMessage } from '../util/errors.js';
import { DEFAULT_REPORT_CONFIG } from './default-config.js';
import { checkPlaceholders } from './placeholders.js';

export const AGGREGATIONS = ['avg', 'max', 'min', 'p50', 'p95', 'p99', 'last'] as const;
export type Aggregation = (typeof AGGREGATIONS)[number];

/** field → value or values; strings may hold `*` wildcards. Every field must match. */
const when = z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.array(z.union([z.string(), z.number(), z.boolean()]))]));

const resultRule = z
  .object({
    metric_name: z.string().min(1),
    key_by: z.string().min(1).optional(),
    key: z.string().min(1).optional(),
  })
  .strict()
  .refine((r) => (r.key_by === undefined) !== (r.key === undefined), { message: 'give exactly one of key_by (a document field) or key (a fixed name)' });

const benchmark = z
  .object({
    name: z.string().min(1),
    report_type: z.string().min(1),
    when: when.default({}),
    index: z.string().min(1),
    results: z.array(resultRule).default([]),
  })
  .strict();

const query = z
  .object({
    name: z.string().regex(/^[^.\s]+$/, 'a name without dots or spaces'),
    query: z.string().min(1),
    group_by: z.array(z.string().min(1)).default([]),
    aggregations: z.array(z.enum(AGGREGATIONS)).min(1).default(['avg', 'max']),
  })
  .strict();

const profile = z
  .object({
    masters: z.object({ query: z.string().min(1), label: z.string().min(1) }).strict().optional(),
    queries: z.array(query).min(1),
  })
  .strict();

const dashboard = z
  .object({
    key: z.string().min(1),
    uid: z.string().min(1),
    name: z.string().min(1),
    vars: z.record(z.string(), z.union([z.string(), z.number()])).default({}),
  })
  .strict();

const fields = z
  .object({
    uuid: z.string().min(1).default('uuid'),
    timestamp: z.string().min(1).default('timestamp'),
    cluster: z.string().min(1).default('cluster_name'),
    version: z.string().min(1).default('cluster_version'),
    platform: z.string().min(1).default('platform'),
    network_type: z.string().min(1).default('network_type'),
    build_tag: z.string().min(1).default('build_tag'),
    start: z.string().min(1).default('start_date'),
    end: z.string().min(1).default('end_date'),
  })
  .strict();

const schema = z
  .object({
    metadata_index: z.string().min(1),
    since: z.string().min(1),
    ignore_tags: z.array(z.union([z.string(), z.number()]).transform(String)).default([]),
    fields: fields.default(() => fields.parse({})),
    benchmarks: z.array(benchmark).default([]),
    metrics: z
      .object({
        when: when.default({}),
        profiles: z.array(z.string().min(1)).default([]),
        step: z.union([z.string(), z.number()]).default('10s'),
      })
      .strict(),
    profiles: z.record(z.string().regex(/^[^.\s]+$/, 'a name without dots or spaces'), profile).default({}),
    grafana: z.string().default(''),
    dashboards: z.array(dashboard).default([]),
    links: z.record(z.string(), z.string()).default({}),
    analysis_collection: z.string().min(1),
  })
  .strict();

export type ReportConfig = Omit<z.infer<typeof schema>, 'metrics'> & {
  metrics: { when: z.infer<typeof when>; profiles: string[]; stepSeconds: number };
};
export type MetricProfile = z.infer<typeof profile>;
export type ProfileQuery = z.infer<typeof query>;
export type BenchmarkMapping = z.infer<typeof benchmark>;
export type When = z.infer<typeof when>;

/** Reads the bundled default, and `path` over it when given. */
export async function loadReportConfig(path?: string): Promise<ReportConfig> {
  const base = parseYamlSource(DEFAULT_REPORT_CONFIG, 'default report config');
  if (path === undefined) return validate(base.value as Record<string, unknown>, base.lineOf, base.file);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new UserError(`cannot read the report config: ${errorMessage(err).replace(/^[A-Z]+: /, '')}`, { file: path });
  }
  const user = parseYamlSource(text, path);
  if (user.value === null || typeof user.value !== 'object' || Array.isArray(user.value)) {
    throw new UserError('a report config is a YAML mapping', { file: path, line: 1 });
  }
  const defaults = base.value as Record<string, unknown>;
  const given = user.value as Record<string, unknown>;
  const merged: Record<string, unknown> = { ...defaults, ...given };
  if (given.profiles && typeof given.profiles === 'object') merged.profiles = { ...(defaults.profiles as object), ...given.profiles };
  return validate(merged, user.lineOf, path);
}

function validate(value: Record<string, unknown>, lineOf: (path: readonly PathSegment[]) => number | undefined, file: string | undefined): ReportConfig {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
    throw new UserError(issue.message, { file, line: lineOf(path), field: path.join('.') || undefined });
  }
  const c = parsed.data;
  const fail = (message: string, path: PathSegment[]) => new UserError(message, { file, line: lineOf(path), field: path.join('.') });
  for (const [i, name] of c.metrics.profiles.entries()) {
    if (!c.profiles[name]) throw fail(`no profile named "${name}" (known: ${Object.keys(c.profiles).join(', ') || 'none'})`, ['metrics', 'profiles', i]);
  }
  for (const [name, p] of Object.entries(c.profiles)) {
    const seen = new Set<string>();
    for (const [i, q] of p.queries.entries()) {
      if (seen.has(q.name)) throw fail(`query name "${q.name}" is used twice in profile ${name}`, ['profiles', name, 'queries', i, 'name']);
      seen.add(q.name);
      const problem = checkPlaceholders(q.query) ?? (q.query.includes('{{masters}}') && !p.masters ? 'uses {{masters}} but the profile has no masters query' : undefined);
      if (problem) throw fail(problem, ['profiles', name, 'queries', i, 'query']);
    }
    if (p.masters) {
      const problem = checkPlaceholders(p.masters.query);
      if (problem || p.masters.query.includes('{{masters}}')) throw fail(problem ?? 'the masters query cannot use {{masters}}', ['profiles', name, 'masters', 'query']);
    }
  }
  const stepSeconds = parseStep(c.metrics.step);
  if (stepSeconds === undefined) throw fail(`"${c.metrics.step}" is not a step (seconds, or a duration like 10s, 1m)`, ['metrics', 'step']);
  return { ...c, metrics: { when: c.metrics.when, profiles: c.metrics.profiles, stepSeconds } };
}

/** Seconds of a Prometheus-style duration (`10s`, `1m`, `1h30m`) or a number of seconds; undefined if neither. */
export function parseStep(value: string | number): number | undefined {
  if (typeof value === 'number') return value > 0 && Number.isFinite(value) ? value : undefined;
  const seconds = parseDuration(value);
  return seconds !== undefined && seconds > 0 ? seconds : undefined;
}

const UNIT_SECONDS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 };

/** `1h30m` → 5400; a bare number is seconds; undefined when not a duration. */
export function parseDuration(text: string): number | undefined {
  const t = text.trim();
  if (/^\d+(\.\d+)?$/.test(t)) return Number(t);
  if (!/^(\d+(ms|s|m|h|d|w))+$/.test(t)) return undefined;
  let total = 0;
  for (const m of t.matchAll(/(\d+)(ms|s|m|h|d|w)/g)) total += Number(m[1]) * UNIT_SECONDS[m[2]!]!;
  return total;
}
