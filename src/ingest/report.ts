import { formatPlace, type Place, type UserError } from '../util/errors.js';

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
  /** Every run, or only the refused ones when {@link IngestReport.unlisted} counts the others. */
  runs: RunOutcome[];
  /** Problems that belong to no run (e.g. a line too broken to tell its run). */
  errors: string[];
  /**
   * The written runs not listed in `runs`, counted: a report for a summary (the CLI's text output) lists
   * only refusals, so an ingest's memory does not grow with the runs of its file (issue 17).
   */
  unlisted?: { created: number; replaced: number; documents: number };
}

/** A report listing every run, or (`listWritten` false) the refused runs and the written ones' counts. */
export function newReport(file: string, format: string, listWritten = true): IngestReport {
  return { file, format, runs: [], errors: [], ...(listWritten ? {} : { unlisted: { created: 0, replaced: 0, documents: 0 } }) };
}

/** Adds a run's outcome: listed, or only counted when the report lists refusals only. */
export function addRun(report: IngestReport, run: RunOutcome): void {
  if (run.outcome === 'failed' || !report.unlisted) {
    report.runs.push(run);
    return;
  }
  report.unlisted[run.outcome]++;
  report.unlisted.documents += run.documents;
}

/** Runs the report tells of, listed or counted. */
export function runCount(report: IngestReport): number {
  return report.runs.length + (report.unlisted ? report.unlisted.created + report.unlisted.replaced : 0);
}

export function placeMessage(message: string, place: Place): string {
  return formatPlace(place) + message;
}

/** A UserError's message without its place (to be placed again: at a label, with a run's line). */
export function withoutPlace(err: UserError): string {
  const prefix = formatPlace(err.place);
  return err.message.startsWith(prefix) ? err.message.slice(prefix.length) : err.message;
}

export function hasFailures(report: IngestReport): boolean {
  return report.errors.length > 0 || report.runs.some((r) => r.outcome === 'failed');
}

/** One or a few lines a person reads: what was written, what was not and why. */
export function summarize(report: IngestReport): string {
  return [summaryLine(report), ...refusalLines(report)].join('\n');
}

/** What was written (a result: stdout). */
export function summaryLine(report: IngestReport): string {
  const unlisted = report.unlisted ?? { created: 0, replaced: 0, documents: 0 };
  const count = (k: 'created' | 'replaced') => report.runs.filter((r) => r.outcome === k).length + unlisted[k];
  const written = count('created') + count('replaced');
  const docs = report.runs.reduce((n, r) => n + (r.outcome === 'failed' ? 0 : r.documents), unlisted.documents);
  return printable(
    `${report.file}: ingested ${written} run${written === 1 ? '' : 's'} ` +
      `(${count('created')} new, ${count('replaced')} replaced), ${docs} document${docs === 1 ? '' : 's'}`,
  );
}

/** What was refused and why, a line each (for stderr); none when everything was written. */
export function refusalLines(report: IngestReport): string[] {
  const lines: string[] = [];
  const failed = report.runs.filter((r) => r.outcome === 'failed');
  if (failed.length) {
    lines.push(`${report.file}: ${failed.length} run${failed.length === 1 ? '' : 's'} NOT ingested (nothing of them written):`);
    for (const r of failed) lines.push(`  ${r.uuid}: ${r.error}`);
  }
  for (const e of report.errors) lines.push(`  error: ${e}`);
  return lines.map(printable);
}

/** Characters a terminal acts on (controls, bidirectional overrides) or that stand for undecodable bytes. */
const UNPRINTABLE = /[\p{Cc}\u200e\u200f\u202a-\u202e\u2066-\u2069\ufffd]/gu;

/**
 * Text from an input made safe to print: every control character (an escape sequence would drive the
 * terminal), bidirectional override and U+FFFD (bytes that were not UTF-8) shown as a `\uXXXX` escape.
 *
 * @example
 * printable('a\u001b[31mb') // → 'a\\u001b[31mb'
 */
export function printable(text: string): string {
  return text.replace(UNPRINTABLE, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
}

/** A value from an input inside a message: quoted, {@link printable}, at most `max` characters. */
export function quoted(text: string, max = 200): string {
  return `"${printable(text.length > max ? text.slice(0, max) + '…' : text)}"`;
}
