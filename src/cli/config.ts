import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { stringify } from 'yaml';
import type { OtavaConfig } from '../otava/config.js';
import { loadAnalysisConfig, type AnalysisConfig } from '../config/index.js';
import { formatPlace, UserError } from '../util/errors.js';

interface ConfigFlags {
  inputVars: string;
  orionCompat?: boolean;
}

/**
 * `perfhound config validate|render FILE`: an Orion config (or an Otava one: `tests` as a mapping) checked,
 * or shown as the analysis reads it.
 */
export function registerConfig(program: Command): void {
  const config = program.command('config').description('check an Orion (or Otava) analysis config, or show it expanded');
  const common = (cmd: Command) =>
    cmd
      .argument('<file>', 'Orion config (YAML, Jinja2-templated), or an Otava config (tests as a mapping)')
      .option('--input-vars <json>', 'template variables (override environment variables)', '{}')
      .option('--orion-compat', "read it as Orion does where perfhound deliberately differs (docs/orion-differences.md)");
  common(config.command('validate').description('every problem with file:line (exit 1), warnings, else the tests and columns it defines'))
    .addHelpText('after', '\nExamples:\n  perfhound config validate ci-tests.yaml --input-vars \'{"version": "4.20"}\'\n  perfhound config validate otava.yaml')
    .action(async (file: string, flags: ConfigFlags) => {
      const otava = await loadOtava(file);
      if (otava) {
        const metrics = [...otava.tests.values()].reduce((n, t) => n + ('metrics' in t ? t.metrics.length : 0), 0);
        process.stdout.write(`valid: Otava config, ${otava.tests.size} test(s), ${metrics} metric(s), ${otava.groups.size} group(s)\n`);
        return;
      }
      const loaded = await load(file, flags);
      for (const w of loaded.warnings) process.stdout.write(`warning: ${formatPlace(w.place)}${w.message}\n`);
      const columns = loaded.tests.reduce((n, t) => n + t.metrics.reduce((m, metric) => m + metric.series.length, 0), 0);
      process.stdout.write(`valid: ${loaded.tests.length} test(s), ${columns} metric column(s)\n`);
    });
  common(config.command('render').description('the config after templates, inheritance (parentConfig, metricsFile, local_*) and fan_out, with each metric block\'s columns'))
    .addHelpText('after', '\nExamples:\n  perfhound config render ci-tests.yaml --input-vars \'{"version": "4.20"}\'\n  perfhound config render otava.yaml   # templates merged in, defaults filled, each metric\'s column')
    .action(async (file: string, flags: ConfigFlags) => {
      const otava = await loadOtava(file);
      if (otava) {
        const { renderOtavaConfig } = await import('../otava/render-config.js');
        process.stdout.write(stringify(renderOtavaConfig(otava)));
        return;
      }
      process.stdout.write(stringify(rendered(await load(file, flags))));
    });
}

/** The Otava config in the file, or undefined when it is not one (the Orion loader then reads it and says what is wrong). */
async function loadOtava(file: string): Promise<OtavaConfig | undefined> {
  const text = await readFile(file, 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  const { isOtavaLayout, parseOtavaConfigText } = await import('../otava/config-source.js');
  return isOtavaLayout(text) ? parseOtavaConfigText(text, file) : undefined;
}

async function load(file: string, flags: ConfigFlags): Promise<AnalysisConfig> {
  let inputVars: unknown;
  try {
    inputVars = JSON.parse(flags.inputVars);
  } catch (err) {
    throw new UserError(`not valid JSON: ${(err as Error).message}`, { field: '--input-vars' });
  }
  if (inputVars === null || typeof inputVars !== 'object' || Array.isArray(inputVars)) throw new UserError('must be a JSON object', { field: '--input-vars' });
  return loadAnalysisConfig(file, { inputVars: inputVars as Record<string, unknown>, orionCompat: flags.orionCompat });
}

function rendered(config: AnalysisConfig): Record<string, unknown> {
  return {
    tests: config.tests.map((t) => ({
      name: t.name,
      uuid_field: t.uuidField,
      version_field: t.versionField,
      timestamp: t.timestampField,
      ...(t.metadataIndex ? { metadata_index: t.metadataIndex } : {}),
      ...(t.benchmarkIndex ? { benchmark_index: t.benchmarkIndex } : {}),
      threshold: t.threshold,
      metadata: t.metadata,
      selector: t.selector,
      metrics: t.metrics.map((m) => ({
        ...m.raw,
        direction: m.direction,
        threshold: m.threshold,
        columns: m.groupBy ? [`(one per value of ${m.groupBy}, found at query time)`] : m.series.map((s) => s.column),
      })),
    })),
  };
}
