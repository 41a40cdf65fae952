/**
 * Loading an Orion analysis config the way `orion/config.py:load_config` does — render the Jinja2
 * template, parse the YAML, load `parentConfig` / `metricsFile` (rendered with the same variables, paths
 * relative to the config's directory), then per test: `local_config`, `local_metrics`, parent merge,
 * `fan_out` expansion, validation — and normalising the result into the typed model of `types.ts`.
 *
 * Every problem is a `UserError` naming the file, line, test, metric and field; when several are found
 * they are all in `ConfigError.problems`.
 *
 * @example
 * const config = await loadAnalysisConfig('examples/ci-tests.yaml', { inputVars: { version: '4.20' } });
 * config.tests[0].metrics[0].series[0].column; // 'OCP-84094_catalogdCPU_GCP_avg'
 */
import { realpath } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { UserError, type Place } from '../util/errors.js';
import { readUserFile } from '../util/files.js';
import { expandFanOut } from './fan-out.js';
import { mergeMetadata, mergeMetrics, type RawObject } from './inherit.js';
import { normalizeMetric, runThresholdOf, type MetricDefaults } from './metric.js';
import { Origins } from './origins.js';
import { placeholderNames } from './placeholders.js';
import { ConfigError, parseOrThrow, type Problem } from './problems.js';
import { KNOWN_TEST_KEYS, KNOWN_TOP_LEVEL_KEYS, metricSchema, testSchema, topLevelSchema } from './schema.js';
import { buildSelector } from './selector.js';
import { renderTemplateData, templateVariables, type TemplateVariables } from './template.js';
import type { AnalysisConfig, AnalysisMetric, AnalysisTest, ConfigWarning, Direction } from './types.js';
import { parseTemplatedYaml, parseYamlSource, type PathSegment, type YamlSource } from './yaml-source.js';

export interface LoadOptions {
  /** `--input-vars`: template variables; they override environment variables. */
  inputVars?: Record<string, unknown>;
  /** Environment whose variables (lower-cased) the template sees; default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /**
   * Whether `parentConfig` / `metricsFile` / `local_config` / `local_metrics` may read files (default
   * true). A daemon taking configs from the network may want to refuse.
   */
  allowIncludes?: boolean;
  /** Orion's behaviour where perfhound deliberately differs (`--orion-compat`, docs/orion-differences.md). */
  orionCompat?: boolean;
  /**
   * The folder included files must be in (a daemon's `--config-dir`): include paths are then relative,
   * without `..`, and must resolve — symbolic links followed — inside it.
   */
  includeRoot?: string;
}

export interface ParseOptions extends LoadOptions {
  /** Name used in error places (and reported as `AnalysisConfig.file`). */
  file?: string;
  /** Directory relative include paths are resolved against (default: the file's directory). */
  baseDir?: string;
}

/** Reads, renders, validates and normalises the config at `path`. */
export async function loadAnalysisConfig(path: string, options: LoadOptions = {}): Promise<AnalysisConfig> {
  const text = await readConfigText(path, {});
  return parseAnalysisConfig(text, { ...options, file: path, baseDir: dirname(resolve(path)) });
}

/**
 * Same as {@link loadAnalysisConfig} for a config already in memory: YAML/JSON text (templated), or an
 * object (a JSON body: no templating, no line numbers).
 */
export async function parseAnalysisConfig(input: string | Record<string, unknown>, options: ParseOptions = {}): Promise<AnalysisConfig> {
  const loader = new ConfigLoader(options);
  return loader.load(input);
}

/** Default Orion test keys (`orion/config.py`, `orion/utils.py:process_test`). */
const DEFAULT_UUID_FIELD = 'uuid';
const DEFAULT_VERSION_FIELD = 'ocpVersion';
const DEFAULT_TIMESTAMP_FIELD = 'timestamp';
const DEFAULT_DIRECTION: Direction = 1;

class ConfigLoader {
  private readonly origins = new Origins();
  private readonly vars: TemplateVariables;
  private readonly warnings: ConfigWarning[] = [];
  private readonly problems: Problem[] = [];
  private readonly includeCache = new Map<string, Promise<unknown>>();

  constructor(private readonly options: ParseOptions) {
    this.vars = templateVariables(options.env ?? process.env, options.inputVars ?? {});
  }

  async load(input: string | Record<string, unknown>): Promise<AnalysisConfig> {
    const file = this.options.file;
    const root = this.parseRoot(input);
    const top = parseOrThrow(topLevelSchema, root, (path) => this.origins.place(root, path, file));
    for (const key of Object.keys(root as RawObject)) {
      if (!KNOWN_TOP_LEVEL_KEYS.has(key)) this.warn(`unknown top-level key "${key}" is ignored`, this.origins.place(root, [key], file));
    }
    const parentMetadata = top.parentConfig ? await this.includeMetadata(top.parentConfig, root, ['parentConfig']) : undefined;
    const parentMetrics = top.metricsFile ? await this.includeMetrics(top.metricsFile, root, ['metricsFile']) : undefined;

    const tests: AnalysisTest[] = [];
    // zod returns copies; the original objects carry the origins (file, line) for error places.
    const rawTests = (root as { tests: RawObject[] }).tests;
    for (const [index, rawTest] of rawTests.entries()) {
      const test = await this.loadTest(rawTest, index, parentMetadata, parentMetrics);
      if (test) tests.push(test);
    }
    if (this.problems.length) throw new ConfigError(this.problems);
    return {
      file,
      tests,
      jira: {
        url: top.jira_url,
        token: top.jira_token,
        email: top.jira_email,
        uuidField: top.jira_uuid_field ?? 'description',
        metricField: top.jira_metric_field ?? 'labels',
      },
      warnings: this.warnings,
    };
  }

  private parseRoot(input: string | Record<string, unknown>): unknown {
    const file = this.options.file;
    if (typeof input !== 'string') {
      const copy = structuredClone(input);
      this.origins.register(copy, { file, lineOf: () => undefined });
      return copy;
    }
    const source = this.render(input, file);
    this.origins.register(source.value, source);
    return source.value;
  }

  /** Renders a template and parses the YAML, every `{{ … }}` output filling a scalar as data. */
  private render(text: string, file: string | undefined): YamlSource {
    const rendered = renderTemplateData(text, this.vars, file);
    return rendered.hasOutputs ? parseTemplatedYaml(rendered.text, rendered, file) : parseYamlSource(rendered.text, file);
  }

  private async loadTest(
    rawTest: RawObject,
    index: number,
    parentMetadata: RawObject | undefined,
    parentMetrics: RawObject[] | undefined,
  ): Promise<AnalysisTest | undefined> {
    const file = this.options.file;
    const label = typeof rawTest['name'] === 'string' || typeof rawTest['name'] === 'number' ? String(rawTest['name']) : `tests[${index}]`;
    const at = (object: unknown, path: readonly PathSegment[] = []): Place => ({ ...this.origins.place(object, path, file), test: label });
    const test = this.collect(() => parseOrThrow(testSchema, rawTest, (path) => at(rawTest, path)));
    if (!test) return undefined;
    for (const key of Object.keys(rawTest)) {
      if (!KNOWN_TEST_KEYS.has(key)) {
        const hint = key === 'benchmarkIndex' ? ' (did you mean benchmark_index?)' : '';
        this.warn(`unknown test key "${key}" is ignored${hint}`, at(rawTest, [key]));
      }
    }

    let metadata: RawObject = (rawTest['metadata'] as RawObject | null | undefined) ?? {};
    const metadataLayers: RawObject[] = [metadata];
    let rawMetrics = (rawTest['metrics'] as RawObject[] | null | undefined) ?? undefined;
    if (test.local_config) {
      const local = await this.collectAsync(() => this.includeMetadata(test.local_config as string, rawTest, ['local_config'], label));
      if (local) {
        metadata = mergeMetadata(metadata, local);
        metadataLayers.push(local);
      }
    }
    if (test.local_metrics) {
      const local = await this.collectAsync(() => this.includeMetrics(test.local_metrics as string, rawTest, ['local_metrics'], label));
      if (local) rawMetrics = mergeMetrics(rawMetrics, local);
    }
    if (parentMetadata && !test.IgnoreGlobal) {
      metadata = mergeMetadata(metadata, parentMetadata);
      metadataLayers.push(parentMetadata);
    }
    if (parentMetrics && !test.IgnoreGlobalMetrics) rawMetrics = mergeMetrics(rawMetrics, parentMetrics);
    if (!rawMetrics || rawMetrics.length === 0) {
      this.problems.push({ message: 'test has no metrics', place: at(rawTest, ['metrics']) });
      return undefined;
    }

    const versionField = test.version_field ?? DEFAULT_VERSION_FIELD;
    const selected = buildSelector(metadata, versionField, (path) => this.metadataPlace(metadataLayers, path, label), this.options.orionCompat);
    this.problems.push(...selected.problems);
    this.warnings.push(...selected.warnings);
    if (test.direction !== undefined && !this.options.orionCompat) {
      this.warn('test-level direction is the default of this test\'s metrics (Orion ignores it; --orion-compat does too, see docs/orion-differences.md)', at(rawTest, ['direction']));
    }

    const defaults: MetricDefaults = {
      threshold: typeof test.threshold === 'number' ? test.threshold : 0,
      ...runThresholdOf(test.threshold),
      // Orion ignores a test-level direction; perfhound makes it the metrics' default unless --orion-compat.
      direction: (this.options.orionCompat ? undefined : test.direction) ?? DEFAULT_DIRECTION,
      timestampField: test.timestamp ?? DEFAULT_TIMESTAMP_FIELD,
    };
    const fannedOut = expandFanOut(rawMetrics, this.origins, { test: label, file });
    this.problems.push(...fannedOut.problems);
    const metrics = fannedOut.metrics.flatMap((raw, i) => this.loadMetric(raw, i, defaults, label) ?? []);
    this.checkColumns(metrics, label);

    return {
      name: test.name,
      index,
      metadata,
      selector: selected.selector,
      uuidField: test.uuid_field ?? DEFAULT_UUID_FIELD,
      versionField,
      timestampField: defaults.timestampField,
      benchmarkIndex: test.benchmark_index,
      metadataIndex: test.metadata_index,
      threshold: defaults.threshold,
      ...(defaults.runThreshold ? { runThreshold: defaults.runThreshold } : {}),
      direction: defaults.direction,
      metrics,
      place: at(rawTest),
    };
  }

  private loadMetric(raw: RawObject, position: number, defaults: MetricDefaults, test: string): AnalysisMetric | undefined {
    const file = this.options.file;
    const label = typeof raw['name'] === 'string' ? raw['name'] : `metrics[${position}]`;
    const at = (path: readonly PathSegment[] = []): Place => ({ ...this.origins.place(raw, path, file), test, metric: label });
    const parsed = this.collect(() => parseOrThrow(metricSchema, raw, at));
    if (!parsed) return undefined;
    for (const key of ['acceptable_range', 'dry_run'] as const) {
      if (key in raw) this.warn(`metric key "${key}" is not supported by perfhound and is ignored`, at([key]));
    }
    if (parsed.group_by !== undefined && !placeholderNames(parsed.name).has(parsed.group_by)) {
      this.problems.push({
        message: `a group_by metric's name must contain \${${parsed.group_by}} so each group gets its own series`,
        place: at(['name']),
      });
      return undefined;
    }
    return normalizeMetric(raw, parsed, defaults, at());
  }

  /** Duplicate columns (Orion: "Duplicate metric names") and correlations to columns that do not exist. */
  private checkColumns(metrics: AnalysisMetric[], test: string): void {
    const seen = new Map<string, AnalysisMetric>();
    for (const metric of metrics) {
      const keys = metric.groupBy ? [`${metric.name} (group_by ${metric.groupBy})`] : metric.series.map((s) => s.column);
      for (const key of keys) {
        const first = seen.get(key);
        if (first) {
          const line = first.place.line !== undefined ? ` (first defined at line ${first.place.line}${first.place.file !== metric.place.file ? ` of ${first.place.file}` : ''})` : '';
          this.problems.push({ message: `duplicate metric: the column ${key} is produced twice${line}`, place: metric.place });
        } else {
          seen.set(key, metric);
        }
      }
    }
    if (metrics.some((m) => m.groupBy)) return; // group_by columns are only known at query time
    for (const metric of metrics) {
      if (metric.correlation && !seen.has(metric.correlation)) {
        const near = [...seen.keys()].filter((c) => c.startsWith(metric.correlation?.split('_')[0] ?? '')).slice(0, 3);
        this.problems.push({
          message: `correlation refers to ${metric.correlation}, which is no column of test ${test}${near.length ? ` (columns: ${near.join(', ')})` : ''}`,
          place: { ...this.origins.place(metric.raw, ['correlation'], this.options.file), test, metric: metric.name },
        });
      }
    }
  }

  /** Metadata keys may come from the test, `local_config` or `parentConfig`: the first layer holding it. */
  private metadataPlace(layers: RawObject[], path: readonly PathSegment[], test: string): Place {
    const key = path[0];
    const owner = layers.find((layer) => typeof key === 'string' && key in layer) ?? layers[0];
    return { ...this.origins.place(owner, path, this.options.file), test };
  }

  private async includeMetadata(path: string, owner: unknown, key: PathSegment[], test?: string): Promise<RawObject> {
    const value = await this.include(path, owner, key, test);
    const place = { ...this.origins.place(owner, key, this.options.file), test };
    if (value === null || value === undefined) return {};
    if (typeof value !== 'object' || Array.isArray(value)) {
      throw new UserError(`${path} must hold a mapping of metadata fields, not ${kindOf(value)}`, place);
    }
    // Orion's docs show the file as `metadata: {…}` while its code merges the file's top level: accept both.
    const keys = Object.keys(value);
    const inner = (value as RawObject)['metadata'];
    const metadata = keys.length === 1 && inner && typeof inner === 'object' && !Array.isArray(inner) ? (inner as RawObject) : (value as RawObject);
    for (const nested of ['parentConfig', 'metricsFile', 'tests']) {
      if (nested in metadata) throw new UserError(`${path}: "${nested}" is not allowed in an included metadata file`, place);
    }
    return metadata;
  }

  private async includeMetrics(path: string, owner: unknown, key: PathSegment[], test?: string): Promise<RawObject[]> {
    const value = await this.include(path, owner, key, test);
    const place = { ...this.origins.place(owner, key, this.options.file), test };
    if (value === null || value === undefined) return [];
    const list = !Array.isArray(value) && typeof value === 'object' && Array.isArray((value as RawObject)['metrics'])
      ? ((value as RawObject)['metrics'] as unknown[])
      : value;
    if (!Array.isArray(list)) throw new UserError(`${path} must hold a list of metrics, not ${kindOf(value)}`, place);
    list.forEach((item, i) => {
      if (item === null || typeof item !== 'object' || Array.isArray(item)) {
        throw new UserError(`metric must be a mapping, not ${kindOf(item)}`, this.origins.place(list, [i]));
      }
    });
    return list as RawObject[];
  }

  /** Reads, renders and parses an included file, relative to the including config's directory. */
  private include(path: string, owner: unknown, key: PathSegment[], test?: string): Promise<unknown> {
    const place = { ...this.origins.place(owner, key, this.options.file), test };
    if (this.options.allowIncludes === false) {
      return Promise.reject(new UserError(`${key[0]}: including other files is not allowed here`, place));
    }
    const baseDir = this.options.baseDir ?? (this.options.file ? dirname(resolve(this.options.file)) : undefined);
    if (!isAbsolute(path) && baseDir === undefined) {
      return Promise.reject(new UserError(`${key[0]}: relative path ${path} needs a base directory`, place));
    }
    const full = isAbsolute(path) ? path : join(baseDir as string, path);
    let pending = this.includeCache.get(full);
    if (!pending) {
      pending = this.confine(path, full, key, place)
        .then(() => readConfigText(full, place))
        .then((text) => {
          const source = this.render(text, full);
          this.origins.register(source.value, source);
          return source.value;
        });
      this.includeCache.set(full, pending);
    }
    return pending;
  }

  /** With `includeRoot`: refuses a path that is absolute, climbs with `..`, or resolves outside the root. */
  private async confine(path: string, full: string, key: PathSegment[], place: Place): Promise<void> {
    const root = this.options.includeRoot;
    if (root === undefined) return;
    const refuse = (why: string) => new UserError(`${key[0]}: ${why}; included files must be inside the config folder`, place);
    if (isAbsolute(path) || /^[\\/]/.test(path)) throw refuse('an absolute path is not allowed');
    if (path.split(/[\\/]/).includes('..')) throw refuse(`${path} climbs out with ".."`);
    const realRoot = await realpath(root);
    let real: string;
    try {
      real = await realpath(full);
    } catch {
      return; // missing: the read reports it, naming the path as written
    }
    const inside = relative(realRoot, real);
    if (inside === '' || inside.startsWith(`..${sep}`) || inside === '..' || isAbsolute(inside)) throw refuse(`${path} leads outside the config folder`);
  }

  private warn(message: string, place: Place): void {
    this.warnings.push({ message, place });
  }

  /** Runs a validation step; a ConfigError's problems are collected so every test reports at once. */
  private collect<T>(step: () => T): T | undefined {
    try {
      return step();
    } catch (err) {
      return this.absorb(err);
    }
  }

  private async collectAsync<T>(step: () => Promise<T>): Promise<T | undefined> {
    try {
      return await step();
    } catch (err) {
      return this.absorb(err);
    }
  }

  /** Keeps a ConfigError's problems for the report; anything else is no config problem and goes on up. */
  private absorb(err: unknown): undefined {
    if (!(err instanceof ConfigError)) throw err;
    this.problems.push(...err.problems);
    return undefined;
  }
}

function readConfigText(path: string, place: Place): Promise<string> {
  return readUserFile(path, path, place.file ? place : { file: path });
}

/** What an included value is, without its content (the file may be one the user did not mean to show). */
function kindOf(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'a mapping' : `a ${typeof value === 'string' ? 'text' : typeof value}`;
}
