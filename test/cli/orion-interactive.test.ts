/**
 * `analyze -i`: Orion's wizard. Answers piped in (in-process and through the built binary's stdin) write
 * an Orion config that loads, and the printed command analyses the demo store with it; wrong answers are
 * said and asked again; the end of the input cancels without writing.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { beforeAll, describe, expect, it } from 'vitest';
import { runWizard } from '../../src/cli/interactive.js';
import { loadAnalysisConfig } from '../../src/config/index.js';
import { loadDemo } from '../../src/demo/load.js';
import { openStore } from '../../src/store/connect.js';
import { filesFlags } from '../support/analyze-flags.js';
import { runCli } from '../support/cli.js';

let db: string;
beforeAll(async () => {
  db = `sqlite:${join(mkdtempSync(join(tmpdir(), 'wizard-store-')), 'demo.db')}`;
  const store = await openStore(db);
  await loadDemo(store);
  await store.close();
});

// the demo's cluster-density job: pod ready P99 rises 28 % from run 40
const storeAnswers = (database: string) => [
  'elasticsearch', // ✗ not a choice
  'store',
  database,
  'cd v2', // ✗ not a name
  'cluster-density',
  'platform=AWS',
  'benchmark.keyword=cluster-density-v2',
  'workerNodesCount=24',
  'nonsense', // ✗ not key=value
  '',
  '', // ✗ no metric yet
  'podReadyLatency',
  'podLatencyQuantilesMeasurement',
  'P99',
  'median', // ✗ not an aggregation
  'none',
  '2', // ✗ not a direction
  '1',
  'quantileName=Ready',
  '',
  '',
  '', // algorithm: the default, hunter
  '', // file: the default, cluster-density.yaml
];

async function wizard(lines: string[], cwd: string): Promise<{ code: number; out: string; err: string }> {
  const out = new PassThrough();
  const err = new PassThrough();
  let outText = '';
  let errText = '';
  out.on('data', (c: Buffer) => (outText += c.toString()));
  err.on('data', (c: Buffer) => (errText += c.toString()));
  const code = await runWizard({ input: Readable.from([lines.join('\n') + '\n']), out, err, cwd });
  return { code, out: outText, err: errText };
}

/** The printed command's words, as a POSIX shell splits them (single quotes only are used). */
function words(command: string): string[] {
  return [...command.trim().matchAll(/'((?:[^']|'\\'')*)'|(\S+)/g)].map((m) => (m[1] !== undefined ? m[1].replace(/'\\''/g, "'") : m[2]));
}

describe('analyze -i', () => {
  it('writes a config that loads, prints the command, and the command finds the planted regression', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wizard-'));
    const result = await wizard(storeAnswers(db), dir);
    expect(result.code).toBe(0);
    for (const complaint of ['choose one of opensearch, store', 'the test name must be', 'write key=value', 'a test needs at least one metric', 'choose one of none, avg', 'choose one of 1, -1, 0']) {
      expect(result.err).toContain(`✗ ${complaint}`);
    }
    expect(result.out).toBe(`perfhound analyze --config cluster-density.yaml --hunter-analyze --db ${db}\n`);
    const config = await loadAnalysisConfig(join(dir, 'cluster-density.yaml'), { env: {} });
    expect(config.tests[0]).toMatchObject({ name: 'cluster-density', metadata: { platform: 'AWS', 'benchmark.keyword': 'cluster-density-v2', workerNodesCount: 24 } });
    const args = words(result.out).slice(1).map((w) => (w.endsWith('.yaml') ? join(dir, w) : w));
    const analysed = await runCli([...args, ...filesFlags()]);
    expect(analysed.stderr).not.toMatch(/error/i);
    expect(analysed.code).toBe(2);
    expect(analysed.stdout).toMatch(/Test: cluster-density:[\s\S]*\| podReadyLatency_P99 +\| +[\d.]+ +\| +\d+\.\d+% +\|/);
  });

  it('asks for the OpenSearch server and indices, and masks the password in the command', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wizard-'));
    const answers = ['opensearch', 'opensearch.example', 'https://ci:s3cret@search.example.invalid:9200', '', 'my-kube-burner*', 'nightly', 'jobType=periodic', 'ocpVersion="4.20"', '', 'etcd', 'etcdDiskBackendCommitDurationSeconds', 'value', 'avg', '-1', '', '', 'cmr', 'nightly.yml'];
    const result = await wizard(answers, dir);
    expect(result.err).toContain('✗ not a URL');
    expect(result.out).toBe(
      "perfhound analyze --config nightly.yml --cmr --es-server 'https://ci:***@search.example.invalid:9200/' --metadata-index 'perf_scale_ci*' --benchmark-index 'my-kube-burner*'\n",
    );
    expect(result.out).not.toContain('s3cret');
    const config = await loadAnalysisConfig(join(dir, 'nightly.yml'), { env: {} });
    expect(config.tests[0].metadata).toEqual({ jobType: 'periodic', ocpVersion: '4.20' });
    expect(readFileSync(join(dir, 'nightly.yml'), 'utf8')).toContain('agg_type: avg');
  });

  it('cancels at the end of the input and writes nothing; an existing file is kept unless overwriting is confirmed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wizard-'));
    const cut = await wizard(storeAnswers(db).slice(0, 8), dir);
    expect(cut.code).toBe(0);
    expect(cut.err).toContain('Interactive setup cancelled: nothing written.');
    expect(cut.out).toBe('');
    expect(readdirSync(dir)).toEqual([]);

    await wizard(storeAnswers(db), dir);
    const before = readFileSync(join(dir, 'cluster-density.yaml'), 'utf8');
    const again = await wizard([...storeAnswers(db).slice(0, -2), 'hunter', '', 'n', 'other.yaml'], dir);
    expect(again.out).toContain('--config other.yaml');
    expect(readFileSync(join(dir, 'cluster-density.yaml'), 'utf8')).toBe(before);
    expect(existsSync(join(dir, 'other.yaml'))).toBe(true);
  });

  it('reads answers piped into the built binary', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wizard-'));
    const child = spawn(process.execPath, [resolve('bin/perfhound.cjs'), 'analyze', '-i'], { cwd: dir, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
    child.stdin.end(storeAnswers(db).join('\n') + '\n');
    const [code] = (await once(child, 'exit')) as [number];
    expect(code).toBe(0);
    expect(out).toBe(`perfhound analyze --config cluster-density.yaml --hunter-analyze --db ${db}\n`);
    expect(existsSync(join(dir, 'cluster-density.yaml'))).toBe(true);
  });
});
