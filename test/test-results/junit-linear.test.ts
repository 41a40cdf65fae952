import { describe, expect, it } from 'vitest';
import { xmlTokens, type XmlScanStats, type XmlToken } from '../../src/ingest/junit/xml-tokens.js';

/** A document of `size` bytes whose bulk is one token, read in `chunk`-byte chunks. */
async function scan(xml: string, chunk: number): Promise<{ tokens: XmlToken[]; stats: XmlScanStats }> {
  const bytes = Buffer.from(xml);
  const chunks = function* () {
    for (let i = 0; i < bytes.length; i += chunk) yield bytes.subarray(i, i + chunk);
  };
  const stats: XmlScanStats = { scanned: 0 };
  const tokens: XmlToken[] = [];
  for await (const t of xmlTokens(chunks(), 'big.xml', stats)) tokens.push(t);
  return { tokens, stats };
}

describe('XML tokenizer work is linear in the input', () => {
  const long = 'x'.repeat(200_000);
  const cases: [string, string][] = [
    ['a long attribute (one tag across many chunks)', `<testsuite><testcase name="${long}" time="1"/></testsuite>`],
    ['a long quoted ">" run inside a tag', `<testsuite><testcase name="${'>'.repeat(200_000)}"/></testsuite>`],
    ['a long comment', `<testsuite><!--${long}--><testcase name="a"/></testsuite>`],
    ['a long CDATA section', `<testsuite><testcase name="a"><system-out><![CDATA[${long}]]></system-out></testcase></testsuite>`],
    ['a long processing instruction', `<?xml ${long}?><testsuite/>`],
  ];
  for (const [what, xml] of cases) {
    it(`${what}: each character is examined a bounded number of times`, async () => {
      const { tokens, stats } = await scan(xml, 64);
      expect(tokens.length).toBeGreaterThan(0);
      // Re-scanning the held part of the token at every chunk would examine ~ size² / (2 × chunk) characters.
      expect(stats.scanned).toBeLessThanOrEqual(2 * xml.length);
    });
  }
  it('a tag split across many chunks reads the same as in one chunk', async () => {
    const xml = `<testsuite>\n<testcase classname="c&amp;d" name="${'é'.repeat(5000)}" time="1.5"/>\n<!-- a -- b > c --><testcase name="z"><![CDATA[x]]y]]></testcase></testsuite>`;
    const whole = await scan(xml, 1 << 20);
    for (const size of [1, 2, 3, 7, 64]) expect((await scan(xml, size)).tokens).toEqual(whole.tokens);
  });
});
