import { describe, expect, it } from 'vitest';
import { readJunitTests } from '../../src/ingest/junit/read.js';
import { UserError } from '../../src/util/errors.js';
import { chunked, collect, fixtureBytes } from './support.js';

describe('JUnit XML reader', () => {
  it('reads cases, statuses, times and attachments whatever the chunking', async () => {
    const bytes = fixtureBytes('junit-sample.xml');
    for (const size of [7, 64, 100000]) {
      const tests = await collect(readJunitTests(chunked(bytes, size)));
      expect(tests.map((t) => [t.testId, t.status, t.durationUs])).toEqual([
        ['demo.Compute.test_boot', 'success', 1_500_000],
        ['demo.Compute.test_resize', 'fail', 250_000],
        ['demo.Net.test_ping[ipv6]', 'fail', 1_000_500_000], // Surefire's thousands separator,
        ['demo.Net.test_dhcp', 'skip', 0],
      ]);
      const suiteStart = Date.UTC(2026, 10, 23, 17) * 1000;
      expect(tests[1].startUs).toBe(suiteStart + 1_500_000);
      expect(tests[1].stopUs).toBe(suiteStart + 1_750_000);
      expect(tests[0].details.get('stdout')?.bytes?.toString()).toBe('booting <vm-1> & waiting');
      expect(tests[1].details.get('traceback')?.bytes?.toString()).toBe('Timed out\nTraceback <most recent call last>');
      expect(tests[3].details.get('reason')?.bytes?.toString()).toBe('no dhcp');
    }
  });
  it('damaged XML: strict error with the line, lenient keeps the completed cases', async () => {
    const text = '<testsuite>\n<testcase name="a" time="1"/>\n<testcase name="b">\n</testsuite>\n';
    const err = await collect(readJunitTests([Buffer.from(text)], { file: 'r.xml' })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).place).toMatchObject({ file: 'r.xml', line: 4 });
    const damage: string[] = [];
    const kept = await collect(readJunitTests([Buffer.from(text)], { lenient: true, onDamage: (d) => damage.push(d.message) }));
    expect(kept.map((t) => t.testId)).toEqual(['a']);
    expect(damage[0]).toMatch(/<\/testsuite> closes <testcase>/);
  });
  it('cases without a suite timestamp keep their duration only', async () => {
    const [t] = await collect(readJunitTests([Buffer.from('<testsuite><testcase name="x" time="2"/></testsuite>')]));
    expect([t.startUs, t.stopUs, t.durationUs]).toEqual([null, null, 2_000_000]);
  });
});
