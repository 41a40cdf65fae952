import { describe, expect, it } from 'vitest';
import { RunGroups, RunIds, mentions } from './run-groups.js';

describe('RunGroups', () => {
  it('gives back each run its documents in input order, interleaved and past the spool chunk (4096 records)', () => {
    const groups = new RunGroups();
    const runs = ['a', 'b', 'c'];
    // 3 × 3000 documents, round robin (a segment per document), then 10 more of run b together.
    for (let d = 0; d < 9010; d++) {
      const uuid = d < 9000 ? runs[d % 3] : 'b';
      groups.addDocument(uuid, { line: d + 1, offset: d * 100, length: 50 + (d % 7), timestampMs: d % 5 === 0 ? null : 1000 - d, metricName: d % 2 ? `m${d % 4}` : null, collection: `c${d % 3}` });
    }
    groups.fail('c', 'bad line', { file: 'f', line: 7 });
    groups.fail('c', 'second problem', { file: 'f', line: 8 });
    expect(groups.size).toBe(3);
    expect(groups.documentCount).toBe(9010);
    const b = groups.run(1);
    expect(b).toMatchObject({ uuid: 'b', firstLine: 2, documentCount: 3010, firstCollection: 'c1', earliestTimestampMs: 1000 - 9009 });
    const docs = groups.documents(b);
    const expected = [...Array.from({ length: 3000 }, (_, k) => 3 * k + 1), ...Array.from({ length: 10 }, (_, k) => 9000 + k)];
    expect(docs.map((d) => d.offset)).toEqual(expected.map((d) => d * 100));
    expect(docs.map((d) => [d.length, d.timestampMs, d.metricName, d.collection])).toEqual(
      expected.map((d) => [50 + (d % 7), d % 5 === 0 ? null : 1000 - d, d % 2 ? `m${d % 4}` : null, `c${d % 3}`]),
    );
    expect(groups.run(2).error).toEqual({ message: 'bad line', place: { file: 'f', line: 7 } });
    groups.close();
  });

  it('refuses a second metadata document of a run, naming the first one\'s line', () => {
    const groups = new RunGroups();
    groups.setMetadataRef('r', 3, { offset: 10, length: 20 }, { file: 'f', line: 3 }, { collection: 'perf_scale_ci', timestampMs: 5 });
    groups.setMetadataRef('r', 9, { offset: 90, length: 20 }, { file: 'f', line: 9 });
    expect(groups.run(0)).toMatchObject({ metadataRef: { file: 0, offset: 10, length: 20 }, metadataCollection: 'perf_scale_ci', timestampMs: 5, documentCount: 0 });
    expect(groups.run(0).error?.message).toBe('run r has a second metadata document (the first is at line 3)');
    groups.close();
  });

  it('numbers run ids in order and finds each again, whatever its characters, past many table growths', () => {
    const ids = new RunIds();
    const values = Array.from({ length: 5000 }, (_, i) => (i % 3 === 0 ? `r-${i}` : i % 3 === 1 ? `été-${i}-ü` : `ラン-${i}-\ud800`));
    values.push('', 'r-1 ', 'R-0');
    values.forEach((v, i) => {
      expect(ids.find(v)).toBeUndefined();
      expect(ids.add(v)).toBe(i);
    });
    expect(ids.size).toBe(values.length);
    values.forEach((v, i) => {
      expect(ids.find(v)).toBe(i);
      expect(ids.get(i)).toBe(v);
    });
    expect(ids.find('r-5000')).toBeUndefined();
    ids.seal();
    expect(ids.get(2)).toBe(values[2]);
    expect(() => ids.add('x')).toThrow(/sealed/);
  });
});

describe('mentions', () => {
  it('finds a run id only as a whole, not inside a longer id', () => {
    expect(mentions('{"uuid":"small-2143","n":1}', 'small-2143')).toBe(true);
    expect(mentions('{"uuid":"small-2143","n":1}', 'small-2')).toBe(false);
    expect(mentions('{"uuid":"xsmall-2143","n":1}', 'small-2143')).toBe(false);
    // Found past an occurrence inside a longer id, at the text's start and end.
    expect(mentions('r12 r1', 'r1')).toBe(true);
    expect(mentions('r1', 'r1')).toBe(true);
    expect(mentions('run-é12 é1', 'é1')).toBe(true);
    // A bulk action's _id: the run id, then a time.
    expect(mentions('{"index": {"_id": "a1b2-f789-20260119102300000"}}', 'a1b2-f789')).toBe(true);
    expect(mentions('xé1', 'é1')).toBe(false);
  });
});
