import { writeFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readJunitTests } from '../../src/ingest/junit/read.js';
import { UserError } from '../../src/util/errors.js';
import { runCli } from '../support/cli.js';
import { useTestDatabase } from '../support/databases.js';
import { useDaemon } from '../server/support.js';
import { collect } from './support.js';

/** What reading a JUnit document throws (undefined when it reads). */
async function refusal(xml: string | Buffer, chunk = 1 << 16): Promise<UserError | undefined> {
  const bytes = typeof xml === 'string' ? Buffer.from(xml) : xml;
  const chunks = [];
  for (let i = 0; i < bytes.length; i += chunk) chunks.push(bytes.subarray(i, i + chunk));
  try {
    await collect(readJunitTests(chunks, { file: 'r.xml' }));
    return undefined;
  } catch (err) {
    if (!(err instanceof UserError)) throw err;
    return err;
  }
}

const suite = (inner: string) => `<testsuite timestamp="2026-01-01T00:00:00">\n${inner}\n</testsuite>\n`;

describe('JUnit values nothing can hold are refused with their place', () => {
  it('character references beyond Unicode, lone surrogates and NUL, in text or attributes', async () => {
    for (const ref of ['&#x110000;', '&#1114112;', '&#99999999999999999999;', '&#xD800;', '&#0;']) {
      const inText = await refusal(suite(`<testcase name="a"><system-out>x ${ref}</system-out></testcase>`));
      expect(inText?.message).toContain(`r.xml:2: character reference ${ref}`);
      const inAttr = await refusal(suite(`<testcase name="a${ref}"/>`));
      expect(inAttr?.place).toMatchObject({ file: 'r.xml', line: 2 });
    }
    // Control characters Surefire writes as references are kept exactly.
    const [t] = await collect(readJunitTests([Buffer.from(suite('<testcase name="a&#27;[0m&#x1F600;"/>'))]));
    expect(t.testId).toBe('a\u001b[0m\u{1F600}');
  });

  it('bytes that are not UTF-8 are refused with their byte offset, whatever the chunking', async () => {
    const head = Buffer.from(suite('<testcase name="caf'));
    const bytes = Buffer.concat([head, Buffer.from([0xe9]), Buffer.from('"/></testsuite>')]);
    for (const chunk of [1, 2, 5, 1 << 16]) {
      const err = await refusal(bytes, chunk);
      expect(err?.place, `chunk ${chunk}`).toMatchObject({ file: 'r.xml', offset: head.length });
      expect(err?.message).toMatch(/not valid UTF-8/);
    }
    // A sequence cut by the end of the file.
    expect((await refusal(Buffer.concat([Buffer.from(suite('<testcase name="a"/>')), Buffer.from([0xe2, 0x82])])))?.place.offset).toBeGreaterThan(0);
    // Valid multi-byte text split anywhere still reads.
    const ok = Buffer.from(suite('<testcase name="café ☕ 😀"/>'));
    for (const chunk of [1, 2, 3]) expect((await refusal(ok, chunk))).toBeUndefined();
  });

  it('a time or timestamp a date cannot hold', async () => {
    expect((await refusal(suite('<testcase name="a" time="1e300"/>')))?.message).toMatch(/^r\.xml:2: .*time/);
    // The sum of the times runs past what a date holds.
    expect(await refusal(suite('<testcase name="a" time="9e9"/>\n<testcase name="b" time="9e9"/>'))).toBeInstanceOf(UserError);
    expect((await refusal('<testsuite timestamp="9999-01-01T00:00:00Z">\n<testcase name="a" time="1"/></testsuite>'))?.message).toMatch(/^r\.xml:1: field timestamp: /);
    // Within range: a long but holdable time reads.
    expect(await refusal(suite('<testcase name="a" time="86400"/>'))).toBeUndefined();
  });
});

describe('over the CLI and HTTP', () => {
  const database = useTestDatabase('sqlite');
  const d = useDaemon('sqlite');
  const bad = suite('<testcase name="a"><failure>&#x110000;</failure></testcase>');

  it('the CLI exits 1 with one line naming the file and line', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'junit-')), 'bad.xml');
    writeFileSync(path, bad);
    const res = await runCli(['ingest', 'junit', path, '--db', database.url]);
    expect(res.code).toBe(1);
    expect(res.stdout + res.stderr).toContain('bad.xml:2: character reference &#x110000;');
    expect(res.stdout + res.stderr).not.toMatch(/\bat \S+ \(|RangeError/);
  });

  it('the daemon answers 400, not 500', async () => {
    const res = await d.app.inject({ method: 'POST', url: '/api/v1/ingest/junit', headers: d.auth('ingest'), payload: bad });
    expect(res.statusCode, res.body).toBe(400);
    expect(res.body).toMatch(/:2: character reference &#x110000;/);
  });
});
