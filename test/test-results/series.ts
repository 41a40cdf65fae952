import { readSubunitTests } from '../../src/ingest/subunit/read.js';
import { ingestTestRecords, type TestIngestOptions } from '../../src/ingest/subunit/ingest.js';
import type { Store } from '../../src/store/connect.js';
import { chunked, fixtureBytes } from './support.js';

/** The series of expected/subunit2sql/COMMANDS.log, shared by the ingest and analytics checks. */
/** COMMANDS.log, in order: stream, run id, run_meta, artifacts, run_at, wall time. */
export const SERIES: [string, string, string, string | undefined, string, boolean][] = [
  ['generated_200_seed1', 'gen200-seed1', 'build_name:gen-200-job,project:openstack/gen,build_queue:gate,build_uuid:gen200uuid1,node_provider:provider-1', 'http://logs.example.org/gen200/1', '2026-11-01T06:00:00', false],
  ['generated_200_seed2', 'gen200-seed2', 'build_name:gen-200-job,project:openstack/gen,build_queue:gate,build_uuid:gen200uuid2,node_provider:provider-0', 'http://logs.example.org/gen200/2', '2026-11-02T06:00:00', false],
  ['generated_200_seed3', 'gen200-seed3', 'build_name:gen-200-job,project:openstack/gen,build_queue:check,build_uuid:gen200uuid3,node_provider:provider-1', 'http://logs.example.org/gen200/3', '2026-11-03T06:00:00', false],
  ['generated_200_seed4', 'gen200-seed4', 'build_name:gen-200-job,project:openstack/gen,build_queue:gate,build_uuid:gen200uuid4,node_provider:provider-0', 'http://logs.example.org/gen200/4', '2026-11-04T06:00:00', false],
  ['generated_200_seed5', 'gen200-seed5', 'build_name:gen-200-job,project:openstack/gen,build_queue:gate,build_uuid:gen200uuid5,node_provider:provider-1', 'http://logs.example.org/gen200/5', '2026-11-05T06:00:00', false],
  ['generated_200_allpass_seed1', 'gen200-stable-1', 'build_name:gen-200-stable-job,project:openstack/gen,build_queue:gate,build_uuid:gen200stable1', 'http://logs.example.org/gen200-stable/1', '2026-11-01T18:00:00', false],
  ['generated_200_allpass_seed2', 'gen200-stable-2', 'build_name:gen-200-stable-job,project:openstack/gen,build_queue:gate,build_uuid:gen200stable2', 'http://logs.example.org/gen200-stable/2', '2026-11-02T18:00:00', false],
  ['generated_200_allpass_seed3', 'gen200-stable-3', 'build_name:gen-200-stable-job,project:openstack/gen,build_queue:gate,build_uuid:gen200stable3', 'http://logs.example.org/gen200-stable/3', '2026-11-03T18:00:00', false],
  ['generated_1200_parallel', 'gen1200-0001', 'build_name:gen-1200-job,project:openstack/gen,build_queue:gate,build_uuid:gen1200uuid1', 'http://logs.example.org/gen1200/1', '2026-11-05T09:00:00', true],
  ['stestr_demo_live', 'demo-0001', 'build_name:demo-job,project:openstack/demo,build_queue:gate,build_uuid:demouuid1', 'http://logs.example.org/demo/0001', '2026-11-03T12:00:00', false],
  ['real_subunit_selftest', 'subunit-selftest-0001', 'build_name:subunit-selftest,project:testing-cabal/subunit,build_queue:periodic,build_uuid:selftestuuid1', undefined, '2026-11-04T08:00:00', false],
];

export function parseRunMeta(text: string): Record<string, string> {
  return Object.fromEntries(text.split(',').map((kv) => [kv.slice(0, kv.indexOf(':')), kv.slice(kv.indexOf(':') + 1)]));
}

export async function ingestSeries(store: Store): Promise<void> {
  for (const [stream, runId, meta, artifacts, runAt, wall] of SERIES) {
    const options: TestIngestOptions = {
      source: 'subunit',
      runId,
      runMeta: parseRunMeta(meta),
      artifacts,
      runAtMs: Date.parse(runAt + 'Z'),
      useRunWallTime: wall,
    };
    await ingestTestRecords(store, readSubunitTests(chunked(fixtureBytes(`streams/${stream}.subunit.gz`), 65536), { keepAttachmentBytes: false }), options);
  }
}

