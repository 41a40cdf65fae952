import { describe, expect, it } from 'vitest';
import type { GraphiteTest } from './config.js';
import { compressTargetPaths, graphitePath, resolution } from './graphite-import.js';
import { parsePythonLiteral } from './python-literal.js';

const test: GraphiteTest = { type: 'graphite', name: 't', prefix: 'perf.%{BRANCH}.t', branchPrefix: null, metrics: [], tags: [], annotate: [] };

describe('graphite importer helpers (Otava 0.8 graphite.py, util.py)', () => {
  it('compresses targets sharing a prefix into prefix.{a,b}, keeping the order of first use', () => {
    expect(compressTargetPaths(['a.b.x', 'a.b.y', 'c.z', 'plain'])).toEqual(['plain', 'a.b.{x,y}', 'c.z']);
  });

  it("finds the series' resolution as Otava does (smallest step, then the gcd with every time, a day at most)", () => {
    expect(resolution([1704074400])).toBe(86400);
    expect(resolution([1704074400, 1704160800, 1704247200])).toBe(7200); // 02:00 UTC days
    expect(resolution([0, 60, 600])).toBe(60);
  });

  it('substitutes %{BRANCH}, prefers branch_prefix, and refuses what Otava cannot read', () => {
    expect(graphitePath(test, 'feature', { suffix: 'm' })).toBe('perf.feature.t.m');
    expect(graphitePath({ ...test, branchPrefix: 'b.%{BRANCH}' }, 'x', { suffix: 'm' })).toBe('b.x.m');
    expect(() => graphitePath(test, undefined, { suffix: 'm' })).toThrow(/%\{BRANCH\}: give --branch/);
    expect(() => graphitePath({ ...test, prefix: 'fixed' }, 'x', { suffix: 'm' })).toThrow(/does not support branches/);
    expect(graphitePath({ ...test, prefix: 'fixed' }, undefined, { suffix: 'm' })).toBe('fixed.m');
  });
});

describe('Python literals (ast.literal_eval of event data)', () => {
  it('reads the repr of a dict', () => {
    expect(parsePythonLiteral(`{'run_id': 'r1', "commit": 'a\\'b', 'n': -1.5e3, 'v': None, 'ok': True, 'l': [1, (2, 3)], 'u': '\\xe9\\u00e9'}`)).toEqual({
      run_id: 'r1',
      commit: "a'b",
      n: -1500,
      v: null,
      ok: true,
      l: [1, [2, 3]],
      u: 'éé',
    });
  });

  it.each(['not a dict', "{'a': 1", "{'a' 1}", "{'a': 'x'} extra", "{'a': '\\x4'}"])('refuses %j with an offset', (text) => {
    expect(() => parsePythonLiteral(text)).toThrow(/at offset \d+/);
  });
});
