import { describe, expect, it } from 'vitest';
import { NameFilter } from '../../src/ingest/subunit/name-filter.js';

/** The ingest's filter of written names: never a false "no"; a false "maybe" only rarely (it is confirmed by the store). */
describe('NameFilter', () => {
  it('has no false negatives and few false positives at 300 000 names', () => {
    const filter = new NameFilter();
    const name = (i: number) => `tempest.api.compute.servers.test_servers.ServersTest.test_case_${i}[id-${i.toString(16)},smoke]`;
    const added = 300_000;
    for (let i = 0; i < added; i++) filter.add(name(i));
    for (let i = 0; i < added; i++) if (!filter.mightHave(name(i))) throw new Error(`false negative for ${name(i)}`);
    let falsePositives = 0;
    for (let i = added; i < added + 100_000; i++) if (filter.mightHave(name(i))) falsePositives++;
    // 2^23 bits, 5 probes: the expected rate at this fill is about 1.5e-4 (15 in 100 000).
    expect(falsePositives).toBeLessThan(100);
  });
});
