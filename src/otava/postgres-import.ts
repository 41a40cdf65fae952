/**
 * Otava's `postgres` test type: the test's SQL query run on the configured PostgreSQL server, its rows
 * read as a series (the time column a timestamp or epoch seconds, metric columns numbers, attributes
 * text). `%{BRANCH}` in the query becomes a bound parameter — never pasted into the SQL.
 */
import pg from 'pg';
import { UserError } from '../util/errors.js';
import type { PostgresSettings, PostgresTest } from './config.js';
import type { DataSelector, OtavaSeries } from './series.js';

function branchQuery(test: PostgresTest, branch: string | undefined): { text: string; values: string[] } {
  if (!test.query.includes('%{BRANCH}')) return { text: test.query, values: [] };
  if (!branch) throw new UserError('the query uses %{BRANCH} but --branch was not given', { test: test.name, field: 'query' });
  let n = 0;
  const text = test.query.replace(/%\{BRANCH\}/g, () => `$${++n}`);
  return { text, values: Array.from({ length: n }, () => branch) };
}

function seconds(value: unknown): number | null {
  if (value instanceof Date) return value.getTime() / 1000;
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : NaN;
  return Number.isFinite(n) ? n : null;
}

export async function importPostgres(test: PostgresTest, selector: DataSelector, settings: PostgresSettings): Promise<OtavaSeries> {
  const client = new pg.Client({
    host: settings.hostname,
    port: settings.port,
    user: settings.username,
    password: settings.password,
    database: settings.database,
    connectionTimeoutMillis: 10_000,
  });
  const query = branchQuery(test, selector.branch);
  let result: pg.QueryResult;
  try {
    await client.connect();
    result = await client.query({ text: query.text, values: query.values });
  } catch (err) {
    // the server's message (syntax error, unknown relation) is the user's to act on; no connection string in it
    throw new UserError(`PostgreSQL: ${(err as Error).message}`, { test: test.name });
  } finally {
    await client.end().catch(() => undefined);
  }
  const columns = result.fields.map((f) => f.name);
  const need = (name: string): string => {
    if (!columns.includes(name)) throw new UserError(`column not found: ${name} (the query returns ${columns.join(', ')})`, { test: test.name });
    return name;
  };
  const metrics = selector.metrics ? selector.metrics.map((name) => {
    const m = test.metrics.find((x) => x.name === name);
    if (!m) throw new UserError(`no metric "${name}" in this test`, { test: test.name, metric: name });
    return m;
  }) : test.metrics;
  const timeColumn = need(test.timeColumn);
  metrics.forEach((m) => need(m.column));
  test.attributes.forEach(need);
  const time: number[] = [];
  const data = new Map<string, (number | null)[]>(metrics.map((m) => [m.name, []]));
  const attributes = new Map<string, (string | null)[]>(test.attributes.map((a) => [a, []]));
  result.rows.forEach((row: Record<string, unknown>, i) => {
    const ts = seconds(row[timeColumn]);
    if (ts === null) throw new UserError(`row ${i + 1}: not a time in column ${timeColumn}`, { test: test.name });
    if (ts < selector.since || ts >= selector.until) return;
    time.push(ts);
    for (const m of metrics) {
      const value = row[m.column];
      const n = value === null ? null : Number(value);
      if (n !== null && Number.isNaN(n) && String(value).toLowerCase() !== 'nan') {
        throw new UserError(`row ${i + 1}: could not convert value in column ${m.column} to a number`, { test: test.name, metric: m.name });
      }
      data.get(m.name)!.push(n);
    }
    for (const a of test.attributes) attributes.get(a)!.push(row[a] === null || row[a] === undefined ? null : String(row[a]));
  });
  const cut = <T>(values: T[]): T[] => (selector.last === undefined ? values : values.slice(-selector.last));
  return {
    testName: test.name,
    branch: selector.branch ?? null,
    time: cut(time),
    metrics: new Map(metrics.map((m) => [m.name, { direction: m.direction, scale: m.scale }])),
    data: new Map([...data].map(([k, v]) => [k, cut(v)])),
    attributes: new Map([...attributes].map(([k, v]) => [k, cut(v)])),
    floatTimes: true,
  };
}
