/** Orion ack files: format, validation, merging and per-test filtering. */
import { describe, expect, it } from 'vitest';
import { filterAcks, loadAckFile, mergeAcks, parseAckFile } from '../../src/config/index.js';

describe('ack files', () => {
  it('loads Orion\'s ack file format', async () => {
    const acks = await loadAckFile('test/fixtures/orion-examples/orion-ci/ack/ols_all.yaml');
    expect(acks.map(({ uuid, metric, reason, place }) => ({ uuid, metric, reason, line: place.line }))).toEqual([
      { uuid: 'dummy_uuid_1', metric: 'postQuery_p99Latency', reason: 'Increase in latency but no effect on throughput', line: 4 },
      { uuid: 'dummy_uuid_2', metric: 'postQueryStreaming_p99Latency', reason: 'Increase in latency but no effect on throughput', line: 7 },
    ]);
  });

  it('accepts an empty file or an empty list, rejects a file without ack:', () => {
    expect(parseAckFile('', 'a.yaml')).toEqual([]);
    expect(parseAckFile('# nothing\n', 'a.yaml')).toEqual([]);
    expect(parseAckFile('ack:\n', 'a.yaml')).toEqual([]);
    expect(() => parseAckFile('acks:\n  - {uuid: u, metric: m}\n', 'a.yaml')).toThrow(/^a\.yaml:1: field ack: is required/);
  });

  it('names the entry and field of a bad ack', () => {
    expect(() => parseAckFile('ack:\n  - uuid: u1\n    metric: m\n  - uuid: u2\n    reason: r\n', 'a.yaml')).toThrow(/^a\.yaml:4: field ack\[1\]\.metric: is required/);
    expect(() => parseAckFile('ack: {uuid: u}\n', 'a.yaml')).toThrow(/^a\.yaml:1: field ack: must be a list of acks \(got a mapping\)/);
  });

  it('keeps optional version and test, stringified like the YAML values Orion compares', () => {
    const [ack] = parseAckFile('ack:\n  - {uuid: u, metric: m, version: 4.22, test: node-density}\n');
    expect([ack?.version, ack?.test]).toEqual(['4.22', 'node-density']);
  });

  it('merges files keeping the first (uuid, metric), and filters by version and test as Orion does', () => {
    const a = parseAckFile('ack:\n  - {uuid: u1, metric: cpu, reason: first}\n  - {uuid: u2, metric: mem, version: "4.14"}\n');
    const b = parseAckFile('ack:\n  - {uuid: u1, metric: cpu, reason: second}\n  - {uuid: u3, metric: net, test: nd}\n');
    const merged = mergeAcks([a, b]);
    expect(merged.map((x) => `${x.uuid}/${x.metric}/${x.reason ?? ''}`)).toEqual(['u1/cpu/first', 'u2/mem/', 'u3/net/']);
    expect(filterAcks(merged, { version: '4.15' }).map((x) => x.uuid)).toEqual(['u1', 'u3']);
    expect(filterAcks(merged, { version: '4.14', test: 'cd' }).map((x) => x.uuid)).toEqual(['u1', 'u2']);
    expect(filterAcks(merged, {}).map((x) => x.uuid)).toEqual(['u1', 'u2', 'u3']);
  });

  it('reports a missing ack file', async () => {
    await expect(loadAckFile('/nonexistent/ack.yaml')).rejects.toThrow(/^\/nonexistent\/ack\.yaml: cannot read ack file: file not found/);
  });
});
