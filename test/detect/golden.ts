/**
 * Loads the Otava golden cases of test/fixtures/changepoints (see its README): the manifest, each case's
 * series read from its CSV the way Otava's importers do (file order, empty cell = missing, `nan` = NaN),
 * and the expected JSON.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { fromJsonNumber } from '../../src/util/json.js';

export const FIXTURES = fileURLToPath(new URL('../fixtures/changepoints/', import.meta.url));

export interface ManifestCase {
  name: string;
  kind: 'batch' | 'incremental';
  type?: string;
  csv: string;
  time_column?: string;
  metrics?: Record<string, { column?: string; direction: number }>;
  options: { window_len: number; max_pvalue: number; min_magnitude: number; orig_edivisive: boolean; seed?: number };
  csv_delimiter?: string;
  branch?: string;
  incremental?: { initial_points: number; append_chunk: number };
}

export function loadManifest(): ManifestCase[] {
  return (JSON.parse(readFileSync(FIXTURES + 'manifest.json', 'utf8')) as { cases: ManifestCase[] }).cases;
}

export type Json = Record<string, unknown>;

export function loadExpected(name: string): Json {
  return JSON.parse(readFileSync(`${FIXTURES}expected/${name}.json`, 'utf8')) as Json;
}

function parseCell(cell: string): number | null {
  const trimmed = cell.trim();
  if (trimmed === '') return null;
  if (trimmed.toLowerCase() === 'nan') return NaN;
  return Number(trimmed);
}

/** Metric name → values, in file order. */
export function loadSeries(c: ManifestCase): Map<string, (number | null)[]> {
  const text = readFileSync(`${FIXTURES}cases/${c.csv}`, 'utf8');
  const out = new Map<string, (number | null)[]>();
  if (c.type === 'histostat') {
    const stats = ['count', 'min', 'p25', 'p50', 'p75', 'p90', 'p95', 'p98', 'p99', 'p999', 'p9999', 'max'];
    for (const line of text.split('\n')) {
      if (!line.startsWith('Tag=')) continue;
      const cells = line.split(',');
      const tag = cells[0].slice(4);
      stats.forEach((stat, k) => {
        const name = `${tag}.${stat}`;
        if (!out.has(name)) out.set(name, []);
        out.get(name)!.push(Number(cells[3 + k]));
      });
    }
    return out;
  }
  const delimiter = c.csv_delimiter ?? ',';
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  const header = lines[0].split(delimiter).map((h) => h.trim());
  const rows = lines.slice(1).map((l) => l.split(delimiter));
  const branchColumn = header.indexOf('branch');
  const selected = c.branch !== undefined ? rows.filter((r) => r[branchColumn].trim() === c.branch) : rows;
  for (const [metric, spec] of Object.entries(c.metrics ?? {})) {
    const column = header.indexOf(spec.column ?? metric);
    if (column < 0) throw new Error(`${c.csv}: no column ${spec.column ?? metric}`);
    out.set(metric, selected.map((r) => parseCell(r[column])));
  }
  return out;
}

export function num(value: unknown): number {
  return fromJsonNumber(value);
}

/** |a − b| ≤ rel·max(|a|, |b|), NaN equal to NaN, both ≤ `floor` treated as equal (scipy underflow). */
export function close(a: number, b: number, rel: number, floor = 0): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
  if (a === b) return true;
  if (Math.abs(a) <= floor && Math.abs(b) <= floor) return true;
  return Math.abs(a - b) <= rel * Math.max(Math.abs(a), Math.abs(b));
}
