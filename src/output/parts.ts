/**
 * Every output format is a head, one part per test, and a tail: so the CLI can format each test as soon
 * as it is analysed and let its table go (a 50-test analysis need not hold 50 tables, nor build one
 * object tree of all of them for `JSON.stringify`), and the whole-report formatters are the same parts
 * joined.
 *
 * @example
 * const parts = jsonParts({});
 * let out = parts.head;
 * report.tests.forEach((t, i) => (out += parts.test(t, i)));
 * out += parts.tail(report.tests.length); // === formatJson(report)
 */
import type { AnalysisReport, TestReport } from '../analyze/types.js';

export interface ReportParts {
  head: string;
  /** The test's part, with whatever separates it from the previous one when `index > 0`. */
  test(test: TestReport, index: number): string;
  tail(testCount: number): string;
}

export function joinParts(parts: ReportParts, report: AnalysisReport): string {
  let out = parts.head;
  report.tests.forEach((t, i) => (out += parts.test(t, i)));
  return out + parts.tail(report.tests.length);
}
