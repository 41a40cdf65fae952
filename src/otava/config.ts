/**
 * Otava's (and Hunter's) YAML configuration: `tests` as a mapping of test name → definition, reusable
 * `templates` merged in through `inherit`, `test_groups`, and the service sections (`postgres`, …).
 * What each test type reads is in ../shared/reference/otava.md §2; this module turns the YAML into typed
 * test definitions with errors that name the test and the key.
 *
 * Deliberate differences from Otava 0.8, each a crash or a silent surprise there:
 * - `inherit: name` (a single template, as Otava's own docs write it) works; Otava raises a TypeError.
 * - an unknown template name, an unknown group member or a non-numeric `direction` is an error naming it.
 *
 * @example
 * const config = parseOtavaConfig(readFileSync('otava.yaml', 'utf8'), 'otava.yaml');
 * config.tests.get('my.test')?.type; // 'csv'
 */
import { UserError } from '../util/errors.js';

export interface OtavaMetric {
  name: string;
  /** the column (csv/postgres) the values come from */
  column: string;
  /** 1: higher is better; -1: lower is better */
  direction: 1 | -1;
  /** parsed and kept, never applied — as in Otava */
  scale: number;
}

interface TestBase {
  name: string;
}

export interface CsvTest extends TestBase {
  type: 'csv';
  file: string;
  timeColumn: string;
  metrics: OtavaMetric[];
  attributes: string[];
  delimiter: string;
  quoteChar: string;
}

export interface PostgresTest extends TestBase {
  type: 'postgres';
  query: string;
  updateStatement: string;
  timeColumn: string;
  metrics: OtavaMetric[];
  attributes: string[];
}

export interface JsonTest extends TestBase {
  type: 'json';
  file: string;
  baseBranch: string | null;
}

export interface HistoStatTest extends TestBase {
  type: 'histostat';
  file: string;
}

export interface GraphiteMetric extends OtavaMetric {
  /** the last component(s) of the Graphite path, after the test's prefix */
  suffix: string;
  /** extra Grafana annotation tags (kept, as Otava keeps them; perfhound writes no annotations) */
  annotate: string[];
}

export interface GraphiteTest extends TestBase {
  type: 'graphite';
  /** Graphite path of the metrics, may hold %{BRANCH} */
  prefix: string;
  /** the path used with --branch instead of the prefix */
  branchPrefix: string | null;
  metrics: GraphiteMetric[];
  /** tags of the test's "Performance Test" events in Graphite */
  tags: string[];
  annotate: string[];
}

export type OtavaTest = CsvTest | PostgresTest | JsonTest | HistoStatTest | GraphiteTest;

export interface PostgresSettings {
  hostname?: string;
  port?: number;
  username?: string;
  password?: string;
  database?: string;
}

export interface OtavaConfig {
  tests: Map<string, OtavaTest>;
  groups: Map<string, string[]>;
  postgres: PostgresSettings;
  /** `graphite: {url}` */
  graphiteUrl?: string;
}

type Mapping = Record<string, unknown>;

function isMapping(value: unknown): value is Mapping {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Otava's `merge_dicts`: mappings merged recursively, lists concatenated, other values replaced (right wins). */
function mergeDefinitions(left: Mapping, right: Mapping): Mapping {
  const result: Mapping = { ...left };
  for (const [key, value] of Object.entries(right)) {
    const before = left[key];
    if (value === null || value === undefined) result[key] = before;
    else if (before === null || before === undefined) result[key] = value;
    else if (isMapping(before) && isMapping(value)) result[key] = mergeDefinitions(before, value);
    else if (Array.isArray(before) && Array.isArray(value)) result[key] = [...before, ...value];
    else result[key] = value;
  }
  return result;
}

class ConfigReader {
  constructor(private readonly file: string) {}

  error(message: string, test?: string, field?: string): UserError {
    return new UserError(message, { file: this.file, test, field });
  }

  text(definition: Mapping, key: string, test: string, fallback?: string): string {
    const value = definition[key];
    if (value === undefined || value === null) {
      if (fallback !== undefined) return fallback;
      throw this.error(`missing key "${key}"`, test, key);
    }
    if (typeof value === 'object') throw this.error(`"${key}" must be a text, not ${Array.isArray(value) ? 'a list' : 'a mapping'}`, test, key);
    return String(value);
  }

  names(definition: Mapping, key: string, test: string): string[] {
    const value = definition[key];
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value)) throw this.error(`"${key}" must be a list`, test, key);
    return value.map((v) => String(v));
  }

  metrics(definition: Mapping, test: string): OtavaMetric[] {
    const value = definition.metrics;
    if (Array.isArray(value)) return value.map((name) => ({ name: String(name), column: String(name), direction: 1, scale: 1 }));
    if (!isMapping(value)) throw this.error('metrics must be a list or a mapping', test, 'metrics');
    return Object.entries(value).map(([name, settings]) => {
      const s: Mapping = isMapping(settings) ? settings : {};
      const direction = Number(s.direction ?? 1);
      if (direction !== 1 && direction !== -1) throw this.error(`direction must be 1 or -1 (got ${String(s.direction)})`, test, `metrics.${name}.direction`);
      const scale = Number(s.scale ?? 1);
      if (!Number.isFinite(scale)) throw this.error(`scale must be a number (got ${String(s.scale)})`, test, `metrics.${name}.scale`);
      return { name, column: s.column === undefined ? name : String(s.column), direction, scale };
    });
  }

  test(name: string, definition: Mapping): OtavaTest {
    const type = definition.type;
    switch (type) {
      case 'csv': {
        const options: Mapping = isMapping(definition.csv_options) ? definition.csv_options : {};
        return {
          type,
          name,
          file: this.text(definition, 'file', name),
          timeColumn: this.text(definition, 'time_column', name, 'time'),
          metrics: this.metrics(definition, name),
          attributes: this.names(definition, 'attributes', name),
          delimiter: this.singleCharacter(options, 'delimiter', ',', name),
          quoteChar: this.singleCharacter(options, 'quote_char', '"', name),
        };
      }
      case 'postgres':
        return {
          type,
          name,
          query: this.text(definition, 'query', name),
          updateStatement: this.text(definition, 'update_statement', name, ''),
          timeColumn: this.text(definition, 'time_column', name, 'time'),
          metrics: this.metrics(definition, name),
          attributes: this.names(definition, 'attributes', name),
        };
      case 'json':
        return { type, name, file: this.text(definition, 'file', name), baseBranch: definition.base_branch == null ? null : String(definition.base_branch) };
      case 'histostat':
        return { type, name, file: this.text(definition, 'file', name) };
      case 'graphite':
        return this.graphite(name, definition);
      case undefined:
      case null:
        throw this.error('test type not set (type: csv, postgres, graphite, json or histostat)', name, 'type');
      case 'bigquery':
        throw this.error(`test type ${type} is not supported by perfhound (csv, postgres, graphite, json, histostat are)`, name, 'type');
      default:
        throw this.error(`unknown test type ${String(type)}`, name, 'type');
    }
  }

  /** Otava's create_graphite_test_config: metrics a mapping of name → {suffix (required), direction, scale, annotate}. */
  private graphite(name: string, definition: Mapping): GraphiteTest {
    if (!isMapping(definition.metrics)) throw this.error('metrics must be a mapping of name → {suffix, direction, scale}', name, 'metrics');
    const metrics = this.metrics(definition, name).map((metric) => {
      const settings = (definition.metrics as Mapping)[metric.name];
      const s: Mapping = isMapping(settings) ? settings : {};
      return { ...metric, suffix: this.text(s, 'suffix', name), annotate: this.names(s, 'annotate', name) };
    });
    return {
      type: 'graphite',
      name,
      prefix: this.text(definition, 'prefix', name),
      branchPrefix: definition.branch_prefix == null ? null : this.text(definition, 'branch_prefix', name),
      metrics,
      tags: this.names(definition, 'tags', name),
      annotate: this.names(definition, 'annotate', name),
    };
  }

  private singleCharacter(options: Mapping, key: string, fallback: string, test: string): string {
    const value = this.text(options, key, test, fallback);
    if ([...value].length !== 1) throw this.error(`csv_options.${key} must be one character (got "${value}")`, test, `csv_options.${key}`);
    return value;
  }
}

/** Reads an Otava configuration document (already parsed from YAML). */
export function readOtavaConfig(document: unknown, file: string): OtavaConfig {
  const reader = new ConfigReader(file);
  if (!isMapping(document)) throw reader.error('expected a mapping with a "tests" key');
  const templates = document.templates ?? {};
  if (!isMapping(templates)) throw reader.error('"templates" must be a mapping of template name → definition', undefined, 'templates');
  const testDefinitions = document.tests ?? {};
  if (!isMapping(testDefinitions)) {
    throw reader.error('"tests" must be a mapping of test name → definition (Otava layout)', undefined, 'tests');
  }
  const tests = new Map<string, OtavaTest>();
  for (const [name, raw] of Object.entries(testDefinitions)) {
    if (!isMapping(raw)) throw reader.error('a test definition must be a mapping', name);
    const inherit = raw.inherit === undefined ? [] : Array.isArray(raw.inherit) ? raw.inherit : [raw.inherit];
    const parts = inherit.map((templateName) => {
      const template = templates[String(templateName)];
      if (!isMapping(template)) throw reader.error(`no template named "${String(templateName)}"`, name, 'inherit');
      return template;
    });
    const own = { ...raw };
    delete own.inherit;
    tests.set(name, reader.test(name, [...parts, own].reduce(mergeDefinitions, {})));
  }
  const groups = new Map<string, string[]>();
  const groupDefinitions = document.test_groups ?? {};
  if (!isMapping(groupDefinitions)) throw reader.error('"test_groups" must be a mapping of group name → list of tests', undefined, 'test_groups');
  for (const [group, members] of Object.entries(groupDefinitions)) {
    if (!Array.isArray(members)) throw reader.error(`group ${group} must be a list of test names`, undefined, `test_groups.${group}`);
    for (const member of members) {
      if (!tests.has(String(member))) throw reader.error(`group ${group} names the unknown test "${String(member)}"`, undefined, `test_groups.${group}`);
    }
    groups.set(group, members.map(String));
  }
  const postgres: PostgresSettings = {};
  if (isMapping(document.postgres)) {
    const p = document.postgres;
    if (p.hostname != null) postgres.hostname = String(p.hostname);
    if (p.port != null) postgres.port = Number(p.port);
    if (p.username != null) postgres.username = String(p.username);
    if (p.password != null) postgres.password = String(p.password);
    if (p.database != null) postgres.database = String(p.database);
  }
  const graphiteUrl = isMapping(document.graphite) && document.graphite.url != null ? String(document.graphite.url) : undefined;
  return { tests, groups, postgres, ...(graphiteUrl ? { graphiteUrl } : {}) };
}

/** The tests named on the command line, groups expanded (Otava's order: as named, groups in their order). */
export function selectTests(config: OtavaConfig, names: string[]): OtavaTest[] {
  const selected: OtavaTest[] = [];
  for (const name of names) {
    const group = config.groups.get(name);
    const members = group ?? [name];
    for (const member of members) {
      const test = config.tests.get(member);
      if (!test) throw new UserError(`no test or group named "${member}" (see perfhound otava list-tests / list-groups)`);
      selected.push(test);
    }
  }
  return selected;
}
