/**
 * `perfhound analyze -i`: Orion's interactive wizard (`orion -i`, `orion/interactive.py`). It asks for the
 * data source (OpenSearch server and indices, or the store), the test's name, its metadata filters, its
 * metrics and the algorithm, writes the Orion config and prints the equivalent command with secrets
 * masked. Questions go to stderr, the command to stdout; answers are read line by line (node:readline), so
 * it works on a terminal and with answers piped in. A wrong answer is said and asked again; the end of the
 * input cancels (Orion: "cancelled", exit 0) and writes nothing.
 *
 * @example
 * printf 'store\nsqlite:perf.db\nmy-test\nplatform=AWS\n\nlatency\nlatencyMeasurement\nP99\navg\n1\n\n\nhunter\n\n' | perfhound analyze -i
 */
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
// Static, not import(): bundled (scripts/build-cli.mjs), a dynamic import of this CommonJS package gives
// its default export alone.
import { stringify } from 'yaml';

export interface WizardIo {
  input: Readable;
  /** questions and messages */
  err: Writable;
  /** the equivalent command */
  out: Writable;
  /** where a relative config file name is written (default: the working directory) */
  cwd?: string;
}

class Cancelled extends Error {}

const ALGORITHMS = { hunter: '--hunter-analyze', cmr: '--cmr', anomaly: '--anomaly-detection' } as const;
const AGGREGATIONS = ['none', 'avg', 'max', 'min', 'sum', 'count'];

interface Metric {
  name: string;
  metricName: string;
  field: string;
  agg: string;
  direction: number;
  filters: Record<string, string | number>;
}

/** Reads answers one line at a time; lines piped in before a question is asked are kept, not lost. */
class Asker {
  private readonly lines: AsyncIterator<string>;
  constructor(private readonly io: WizardIo) {
    this.lines = createInterface({ input: io.input, terminal: false })[Symbol.asyncIterator]();
  }

  say(text: string): void {
    this.io.err.write(text + '\n');
  }

  /** One answer: the default when empty, re-asked until `check` returns no complaint. */
  async ask(question: string, options: { fallback?: string; check?: (answer: string) => string | undefined } = {}): Promise<string> {
    for (;;) {
      this.io.err.write(`? ${question}${options.fallback !== undefined ? ` [${options.fallback}]` : ''}: `);
      const next = await this.lines.next();
      if (next.done) throw new Cancelled();
      const answer = next.value.trim() || options.fallback || '';
      const complaint = options.check?.(answer);
      if (complaint === undefined) return answer;
      this.say(`  ✗ ${complaint}`);
    }
  }

  /** `key=value` lines until an empty one. */
  async pairs(question: string): Promise<Record<string, string | number>> {
    const out: Record<string, string | number> = {};
    for (;;) {
      const answer = await this.ask(`${question} (key=value, empty line to finish)`, { fallback: '', check: (a) => (a === '' || /^[^=\s]+\s*=\s*\S/.test(a) ? undefined : 'write key=value (e.g. platform=AWS)') });
      if (answer === '') return out;
      const at = answer.indexOf('=');
      out[answer.slice(0, at).trim()] = metadataValue(answer.slice(at + 1).trim());
    }
  }
}

/** An integer is a number (`workerNodesCount=24`); anything else, or a quoted value, is text (`ocpVersion=4.20`). */
function metadataValue(text: string): string | number {
  const quoted = /^(["'])(.*)\1$/.exec(text);
  if (quoted) return quoted[2];
  return /^-?\d{1,15}$/.test(text) ? Number(text) : text;
}

function checkUrl(answer: string): string | undefined {
  try {
    const url = new URL(answer);
    return url.protocol === 'http:' || url.protocol === 'https:' ? undefined : 'the URL must start with http:// or https://';
  } catch {
    return 'not a URL (e.g. https://opensearch.example.com:9200)';
  }
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
const checkName = (what: string) => (answer: string) => (NAME.test(answer) ? undefined : `${what} must be letters, digits, "_", "." or "-" (and not empty)`);
const checkChoice = (choices: readonly string[]) => (answer: string) => (choices.includes(answer) ? undefined : `choose one of ${choices.join(', ')}`);

/** user:password in a URL shown as user:*** (Orion masks secrets in the command it prints). */
export function maskSecrets(url: string): string {
  try {
    const parsed = new URL(url);
    if (!parsed.password) return url;
    parsed.password = '***';
    return parsed.toString().replace('%2A%2A%2A', '***');
  } catch {
    return url;
  }
}

/** A word as a POSIX shell reads it back. */
function shellWord(word: string): string {
  return /^[A-Za-z0-9_./:=@%+,-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

async function askMetric(asker: Asker, index: number): Promise<Metric | undefined> {
  const name = await asker.ask(`Metric ${index}: name (empty line when done)`, { fallback: '', check: (a) => (a === '' ? undefined : checkName('a metric name')(a)) });
  if (name === '') return undefined;
  const metricName = await asker.ask('  metricName of its documents (e.g. podLatencyQuantilesMeasurement)', { check: (a) => (a ? undefined : 'give the metricName the documents carry') });
  const field = await asker.ask('  field to analyse (metric_of_interest)', { fallback: 'value', check: (a) => (/^\S+$/.test(a) ? undefined : 'one field name, e.g. P99 or value') });
  const agg = await asker.ask(`  aggregation per run (${AGGREGATIONS.join(', ')})`, { fallback: 'none', check: checkChoice(AGGREGATIONS) });
  const direction = Number(await asker.ask('  direction: 1 = a rise is a regression, -1 = a fall is, 0 = both', { fallback: '1', check: checkChoice(['1', '-1', '0']) }));
  const filters = await asker.pairs('  more filters of its documents');
  return { name, metricName, field, agg, direction, filters };
}

function configDocument(test: string, metadata: Record<string, string | number>, metrics: Metric[]): unknown {
  return {
    tests: [
      {
        name: test,
        metadata,
        metrics: metrics.map((m) => ({
          name: m.name,
          'metricName.keyword': m.metricName,
          ...m.filters,
          metric_of_interest: m.field,
          ...(m.agg !== 'none' ? { agg: { value: m.field, agg_type: m.agg } } : {}),
          direction: m.direction,
        })),
      },
    ],
  };
}

/** Runs the wizard; returns the exit code (0, also when cancelled). */
export async function runWizard(io: WizardIo, defaults: { db?: string } = {}): Promise<number> {
  const asker = new Asker(io);
  asker.say('perfhound analyze: interactive setup of an Orion config (end the input to cancel)');
  try {
    const source = await asker.ask('Data source (opensearch, store)', { fallback: 'store', check: checkChoice(['opensearch', 'store']) });
    const sourceFlags: string[] = [];
    if (source === 'opensearch') {
      const server = await asker.ask('OpenSearch URL', { check: checkUrl });
      const metadataIndex = await asker.ask('Metadata index', { fallback: 'perf_scale_ci*' });
      const benchmarkIndex = await asker.ask('Benchmark index', { fallback: 'ripsaw-kube-burner*' });
      sourceFlags.push('--es-server', server, '--metadata-index', metadataIndex, '--benchmark-index', benchmarkIndex);
    } else {
      const db = await asker.ask('Store database URL (sqlite:PATH, postgres://…, mysql://…)', {
        fallback: defaults.db ?? process.env.PERFHOUND_DB ?? 'sqlite:./perfhound.db',
        check: (a) => (/^(sqlite:|postgres(ql)?:\/\/|mysql:\/\/)\S+/.test(a) ? undefined : 'a database URL: sqlite:PATH, postgres://… or mysql://…'),
      });
      sourceFlags.push('--db', db);
    }
    const test = await asker.ask('Test name', { check: checkName('the test name') });
    const metadata = await asker.pairs('Metadata filter of its runs');
    const metrics: Metric[] = [];
    for (;;) {
      const metric = await askMetric(asker, metrics.length + 1);
      if (metric) metrics.push(metric);
      else if (metrics.length === 0) asker.say('  ✗ a test needs at least one metric');
      else break;
    }
    const algorithm = await asker.ask('Algorithm (hunter = E-divisive, cmr, anomaly)', { fallback: 'hunter', check: checkChoice(Object.keys(ALGORITHMS)) }) as keyof typeof ALGORITHMS;
    let file: string;
    for (;;) {
      file = await asker.ask('Config file to write', { fallback: `${test}.yaml`, check: (a) => (/\.ya?ml$/.test(a) ? undefined : 'a .yaml or .yml file name') });
      if (!existsSync(resolve(io.cwd ?? '.', file))) break;
      if ((await asker.ask(`${file} exists: overwrite it? (y, n)`, { fallback: 'n', check: checkChoice(['y', 'n']) })) === 'y') break;
    }
    await writeFile(resolve(io.cwd ?? '.', file), stringify(configDocument(test, metadata, metrics)));
    asker.say(`Wrote ${file}. The equivalent command:`);
    const words = ['perfhound', 'analyze', '--config', file, ALGORITHMS[algorithm], ...sourceFlags];
    io.out.write(words.map((w) => shellWord(maskSecrets(w))).join(' ') + '\n');
    return 0;
  } catch (err) {
    if (!(err instanceof Cancelled)) throw err;
    io.err.write('\n');
    asker.say('Interactive setup cancelled: nothing written.');
    return 0;
  }
}
