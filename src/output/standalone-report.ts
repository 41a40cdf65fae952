/**
 * Orion's `--report FILES` (orion/reporting/standalone.py): a summary over saved JSON outputs (each a
 * test's bare array of rows), without any data source. Each file is a workload, named after the file
 * (`orion-`, `junit_`, `output_` prefixes and a `-junit` suffix stripped): PASS (no changepoints), SKIP
 * (no data) or REGRESSION DETECTED with its change points, then one summary line.
 */
import { basename, extname } from 'node:path';

export interface SavedRow {
  uuid?: string;
  timestamp?: number;
  buildUrl?: string;
  is_changepoint?: boolean;
  metrics?: Record<string, { value?: unknown; percentage_change?: unknown }>;
  [key: string]: unknown;
}

export interface Workload {
  name: string;
  rows: SavedRow[];
}

export type Verdict = 'REGRESSION' | 'PASS' | 'SKIP';

/** The workload's name, as Orion derives it from the file name. */
export function workloadName(path: string): string {
  let name = basename(path, extname(path));
  for (const prefix of ['orion-', 'junit_', 'output_']) if (name.startsWith(prefix)) name = name.slice(prefix.length);
  return name.endsWith('-junit') ? name.slice(0, -'-junit'.length) : name;
}

export function verdictOf(workload: Workload): Verdict {
  if (workload.rows.length === 0) return 'SKIP';
  return workload.rows.some((r) => r.is_changepoint === true) ? 'REGRESSION' : 'PASS';
}

const LABEL: Record<Verdict, string> = { REGRESSION: 'REGRESSION DETECTED', PASS: 'PASS (no changepoints)', SKIP: 'SKIP (no data)' };

/** The report's text; `regression` tells the caller to exit 2. */
export function formatStandaloneReport(workloads: Workload[], versionField = 'ocpVersion'): { text: string; regression: boolean } {
  const title = 'Orion regression report';
  const width = Math.max(title.length, ...workloads.map((w) => w.name.length + 26)) + 4;
  let out = `╔${'═'.repeat(width)}╗\n║  ${title.padEnd(width - 2)}║\n╚${'═'.repeat(width)}╝\n\n`;
  const counts: Record<Verdict, number> = { REGRESSION: 0, PASS: 0, SKIP: 0 };
  const nameWidth = Math.max(...workloads.map((w) => w.name.length), 8);
  for (const workload of workloads) {
    const verdict = verdictOf(workload);
    counts[verdict]++;
    out += `${workload.name.padEnd(nameWidth)}  ${LABEL[verdict]}\n`;
    if (verdict !== 'REGRESSION') continue;
    workload.rows.forEach((row, i) => {
      if (row.is_changepoint !== true) return;
      const previous = workload.rows[i - 1];
      out += `  Changepoint at:      ${String(row[versionField] ?? row.uuid ?? '')}\n`;
      if (previous) out += `  Previous version:    ${String(previous[versionField] ?? previous.uuid ?? '')}\n`;
      out += `  UUID:                ${String(row.uuid ?? '')}\n`;
      if (row.buildUrl) out += `  Build:               ${row.buildUrl}\n`;
      for (const [metric, m] of Object.entries(row.metrics ?? {})) {
        const pct = Number(m.percentage_change);
        if (!pct) continue;
        out += `    ${metric}: ${String(m.value)} (${pct > 0 ? '+' : ''}${pct.toFixed(2)}%)\n`;
      }
    });
  }
  out += `\nSummary: ${workloads.length} workloads | ${counts.REGRESSION} REGRESSION | ${counts.PASS} PASS | ${counts.SKIP} SKIP\n`;
  return { text: out, regression: counts.REGRESSION > 0 };
}
