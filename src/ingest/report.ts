import { formatPlace, type Place } from '../util/errors.js';

export type RunOutcomeKind = 'created' | 'replaced' | 'failed';

export interface RunOutcome {
  uuid: string;
  outcome: RunOutcomeKind;
  documents: number;
  /** Why the run was not written (file, line, field). */
  error?: string;
}

/** What one ingest did, run by run: printed as a summary, or whole with `--output json`. */
export interface IngestReport {
  file: string;
  format: string;
  runs: RunOutcome[];
  /** Problems that belong to no run (e.g. a line too broken to tell its run). */
  errors: string[];
}

export function newReport(file: string, format: string): IngestReport {
  return { file, format, runs: [], errors: [] };
}

export function placeMessage(message: string, place: Place): string {
  return formatPlace(place) + message;
}

export function hasFailures(report: IngestReport): boolean {
  return report.errors.length > 0 || report.runs.some((r) => r.outcome === 'failed');
}

/** One or a few lines a person reads: what was written, what was not and why. */
export function summarize(report: IngestReport): string {
  const count = (k: RunOutcomeKind) => report.runs.filter((r) => r.outcome === k).length;
  const written = report.runs.filter((r) => r.outcome !== 'failed');
  const docs = written.reduce((n, r) => n + r.documents, 0);
  const lines = [
    `${report.file}: ingested ${written.length} run${written.length === 1 ? '' : 's'} ` +
      `(${count('created')} new, ${count('replaced')} replaced), ${docs} document${docs === 1 ? '' : 's'}`,
  ];
  const failed = report.runs.filter((r) => r.outcome === 'failed');
  if (failed.length) {
    lines.push(`${report.file}: ${failed.length} run${failed.length === 1 ? '' : 's'} NOT ingested (nothing of them written):`);
    for (const r of failed) lines.push(`  ${r.uuid}: ${r.error}`);
  }
  for (const e of report.errors) lines.push(`  error: ${e}`);
  return lines.join('\n');
}
