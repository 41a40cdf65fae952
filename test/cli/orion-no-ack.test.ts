/** `--no-ack`: acknowledgements (ack files and the store's acks) are not applied; every change point is reported. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { filesFlags } from '../support/analyze-flags.js';
import { jsonValues } from '../support/json-stream.js';
import { runCli } from '../support/cli.js';

const base = ['analyze', '--hunter-analyze', '--source', 'csv', '--csv', 'test/fixtures/analyze/otava-layout.csv', '--config', 'test/fixtures/analyze/csv-config.yaml', '-o', 'json'];
type Row = { uuid: string; is_changepoint: boolean; metrics: Record<string, { percentage_change: number }> };

describe('analyze --no-ack', () => {
  it('reports the change point an ack file acknowledges', async () => {
    const plain = jsonValues<Row[]>((await runCli([...base, ...filesFlags()])).stdout)[0];
    const changed = plain.find((r) => r.is_changepoint && r.metrics.cpu_cpu?.percentage_change);
    expect(changed).toBeDefined();
    const ack = join(mkdtempSync(join(tmpdir(), 'ack-')), 'ack.yaml');
    writeFileSync(ack, `ack:\n  - uuid: "${changed?.uuid}"\n    metric: "cpu_cpu"\n    reason: "known"\n`);
    const acked = await runCli([...base, '--ack', ack, ...filesFlags()]);
    expect(jsonValues<Row[]>(acked.stdout)[0].find((r) => r.uuid === changed?.uuid)?.metrics.cpu_cpu.percentage_change).toBe(0);
    const noAck = await runCli([...base, '--ack', ack, '--no-ack', ...filesFlags()]);
    expect(noAck.code).toBe(2);
    expect(jsonValues<Row[]>(noAck.stdout)[0]).toEqual(plain);
  });
});
