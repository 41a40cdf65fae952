import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { useTestDatabase } from '../support/databases.js';
import { freePort } from '../support/free-port.js';


async function healthy(base: string): Promise<boolean> {
  for (let i = 0; i < 200; i++) {
    try {
      if ((await fetch(`${base}/healthz`)).ok) return true;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

describe('perfhound serve', () => {
  const db = useTestDatabase('sqlite');

  it('listens on --host/--port, serves the API, and on SIGTERM closes the server and the store and exits 0 (alias daemon-mode)', async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const running = runCli(['daemon-mode', '--db', db.url, '--host', '127.0.0.1', '--port', String(port), '--log-level', 'error']);
    expect(await healthy(base)).toBe(true);
    const runs = await fetch(`${base}/api/v1/runs`);
    expect(runs.status).toBe(401);
    expect(await runs.json()).toEqual({ error: expect.stringMatching(/Bearer/) });
    process.emit('SIGTERM');
    const result = await running;
    expect(result.code).toBe(0);
    await expect(fetch(`${base}/healthz`)).rejects.toThrow();
  });

  it('refuses a bad port with a one-line error', async () => {
    const result = await runCli(['serve', '--db', db.url, '--port', '70000']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/--port 70000 is not a port/);
  });
});
