/**
 * A config reaching the daemon — a request body, or a --config-dir file filled with request variables —
 * runs no code, adds no keys through variables, reads no file outside --config-dir and sees none of the
 * daemon's environment variables.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { body, useDaemon } from './support.js';

const marker = globalThis as { __perfhoundPwned?: unknown };
afterEach(() => {
  delete marker.__perfhoundPwned;
});

const METRICS = '    metrics:\n      - name: m\n        metric_of_interest: v\n';
const root = mkdtempSync(join(tmpdir(), 'config-security-'));
const configDir = join(root, 'configs');
mkdirSync(configDir);
writeFileSync(join(root, 'outside.yaml'), 'platform: SECRET-OUTSIDE\n');
writeFileSync(join(configDir, 'versioned.yaml'), `tests:\n  - name: t\n    metadata:\n      ocpVersion: "{{ version }}*"\n${METRICS}`);
writeFileSync(join(configDir, 'escapes.yaml'), `parentConfig: ../outside.yaml\ntests:\n  - name: t\n${METRICS}`);
writeFileSync(join(configDir, 'env.yaml'), `tests:\n  - name: "{{ perfhound_test_secret }}"\n${METRICS}`);

const SECRET = 'db-password-s3cret';
process.env.PERFHOUND_TEST_SECRET = SECRET;
afterAll(() => {
  delete process.env.PERFHOUND_TEST_SECRET;
});

describe('configs in the daemon', () => {
  const d = useDaemon('sqlite', { configDir });
  const analyze = (config: string, options: Record<string, unknown> = {}) =>
    d.app.inject({ method: 'POST', url: '/api/v1/analyze', headers: d.auth('ingest'), payload: { config, options } });

  it.each([
    ['range.constructor', '{{ range.constructor("globalThis.__perfhoundPwned = 1; return 1")() }}'],
    ['"".constructor.constructor', '{{ "".constructor.constructor("globalThis.__perfhoundPwned = 1; return 1")() }}'],
    ['a huge range', '{% for i in range(300000000) %}{% endfor %}'],
  ])('POST /api/v1/analyze refuses a template with %s: 400 naming the line, nothing run', async (_name, expression) => {
    const res = await analyze(`tests:\n  - name: t\n    metadata:\n      a: "${expression}"\n${METRICS}`);
    expect(res.statusCode, res.body).toBe(400);
    const answer = body<{ error: string; place: { line?: number } }>(res);
    expect(answer.place.line).toBe(4);
    expect(answer.error).toMatch(/^config:4: /);
    expect(marker.__perfhoundPwned).toBeUndefined();
  });

  it('a version with a newline fills the scalar and adds no parentConfig (/daemon/changepoint and /api/v1/series)', async () => {
    const version = encodeURIComponent('4.20"\nparentConfig: /etc/passwd\nx: "');
    for (const url of [`/daemon/changepoint?test_name=versioned&version=${version}`, `/api/v1/series?config=versioned&version=${version}`]) {
      const res = await d.app.inject({ method: 'GET', url, headers: d.auth('ack') });
      // /series answers 400 (no data, so no metric to name); never about an include.
      expect(res.statusCode, `${url}: ${res.body}`).toBe(url.startsWith('/daemon') ? 200 : 400);
      expect(res.body).not.toMatch(/root:|passwd|parentConfig/);
    }
  });

  it('an include of a --config-dir config stays inside the folder', async () => {
    const res = await d.app.inject({ method: 'GET', url: '/api/v1/series?config=escapes', headers: d.auth('ack') });
    expect(res.statusCode).toBe(400);
    expect(res.body).toMatch(/parentConfig/);
    expect(res.body).not.toContain('SECRET-OUTSIDE');
    expect(res.body).not.toContain(join(root, 'outside.yaml'));
  });

  it("a --config-dir config does not see the daemon's environment variables", async () => {
    const res = await d.app.inject({ method: 'GET', url: '/daemon/changepoint?test_name=env', headers: d.auth('ack') });
    expect(res.statusCode, res.body).toBe(400);
    expect(body<{ error: string }>(res).error).toMatch(/undefined template variable "perfhound_test_secret"/);
    expect(res.body).not.toContain(SECRET);
  });
});
