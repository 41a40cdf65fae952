import { describe, expect, it } from 'vitest';
import { addRun, hasFailures, newReport, refusalLines, runCount, summaryLine } from './report.js';

describe('ingest report', () => {
  const outcomes = [
    { uuid: 'a', outcome: 'created', documents: 3 },
    { uuid: 'b', outcome: 'failed', documents: 0, error: 'f:4: bad line' },
    { uuid: 'c', outcome: 'replaced', documents: 2 },
    { uuid: 'd', outcome: 'created', documents: 1 },
  ] as const;

  it('lists every run, or only the refused ones with the same summary', () => {
    const listed = newReport('f', 'bulk');
    const counted = newReport('f', 'bulk', false);
    for (const o of outcomes) {
      addRun(listed, { ...o });
      addRun(counted, { ...o });
    }
    expect(listed.runs.map((r) => r.uuid)).toEqual(['a', 'b', 'c', 'd']);
    expect(counted.runs.map((r) => r.uuid)).toEqual(['b']);
    expect(counted.unlisted).toEqual({ created: 2, replaced: 1, documents: 6 });
    expect(summaryLine(listed)).toBe('f: ingested 3 runs (2 new, 1 replaced), 6 documents');
    expect(summaryLine(counted)).toBe(summaryLine(listed));
    expect(refusalLines(counted)).toEqual(refusalLines(listed));
    expect([runCount(listed), runCount(counted)]).toEqual([4, 4]);
    expect([hasFailures(listed), hasFailures(counted)]).toEqual([true, true]);
  });
});
