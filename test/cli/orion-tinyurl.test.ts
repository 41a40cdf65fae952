/**
 * `--convert-tinyurl`: build URLs shortened through TinyURL's API (`GET <base>?url=<long>` → the short
 * URL as text), base URL configurable; a failing service is a warning and the long URLs stay.
 */
import { once } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { filesFlags } from '../support/analyze-flags.js';
import { jsonValues } from '../support/json-stream.js';
import { runCli } from '../support/cli.js';

let server: Server;
let base = '';
const asked: string[] = [];
let failing = false;

beforeAll(async () => {
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    asked.push(url.searchParams.get('url') ?? '');
    if (failing) {
      res.writeHead(503).end('down');
      return;
    }
    res.writeHead(200, { 'content-type': 'text/plain' }).end(`https://tiny.test/${asked.length}`);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api-create.php`;
});
afterAll(() => server.close());

function csv(): string {
  const path = join(mkdtempSync(join(tmpdir(), 'tiny-')), 'runs.csv');
  const lines = Array.from({ length: 10 }, (_, i) => `2026-02-${String(i + 1).padStart(2, '0')}T10:00:00Z,run-${i},4.20.${i},AWS,https://prow.ci/very/long/${i},${i < 5 ? 10 : 20}`);
  writeFileSync(path, 'time,uuid,version,platform,buildUrl,cpu\n' + lines.join('\n') + '\n');
  return path;
}
const analyze = (extra: string[]) =>
  runCli(['analyze', '--hunter-analyze', '--source', 'csv', '--csv', csv(), '--config', 'test/fixtures/analyze/csv-config.yaml', '-o', 'json', ...filesFlags(), ...extra]);
type Row = { uuid: string; buildUrl: string };

describe('analyze --convert-tinyurl', () => {
  it('shortens every build URL once, through the configured base URL', async () => {
    asked.length = 0;
    const r = await analyze(['--convert-tinyurl', '--tinyurl-url', base]);
    expect(r.stderr).not.toMatch(/perfhound:|tinyurl/i);
    const rows = jsonValues<Row[]>(r.stdout)[0];
    expect(rows).toHaveLength(10);
    expect(asked.sort()).toEqual(Array.from({ length: 10 }, (_, i) => `https://prow.ci/very/long/${i}`).sort());
    for (const row of rows) expect(row.buildUrl).toMatch(/^https:\/\/tiny\.test\/\d+$/);
  });

  it('a failing service is a warning; the analysis and the long URLs stay', async () => {
    failing = true;
    try {
      const r = await analyze(['--convert-tinyurl', '--tinyurl-url', base]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/warning: .*tinyurl/i);
      expect(jsonValues<Row[]>(r.stdout)[0].map((row) => row.buildUrl)).toEqual(Array.from({ length: 10 }, (_, i) => `https://prow.ci/very/long/${i}`));
    } finally {
      failing = false;
    }
  });
});
