import type { Store } from '../store/connect.js';
import { runTestResults, testRunAttachments } from '../store/tests.js';
import { NotFoundError } from '../util/errors.js';
import { encodePacket } from '../ingest/subunit/v2-writer.js';
import type { TestStatus } from '../ingest/subunit/types.js';

/**
 * sql2subunit: a stored run → a subunit v2 stream. Per test result: an `inprogress` packet at its start,
 * its stored attachments, then its status at its stop; attrs are put back into the id as `[…]` and tags
 * restored, so ingesting the output again gives the same rows. Unlike sql2subunit, attachments are written.
 */
export async function* exportRunAsSubunit(store: Store, runUuid: string): AsyncGenerator<Buffer> {
  const run = await store.db.selectFrom('runs').select('id').where('uuid', '=', runUuid).executeTakeFirst();
  if (!run) throw new NotFoundError(`no run with id ${runUuid}`, { field: 'run' });
  const results = await runTestResults(store.db, Number(run.id));
  for (let i = 0; i < results.length; i += 500) {
    const batch = results.slice(i, i + 500);
    const attachments = await testRunAttachments(store.db, batch.map((r) => r.testRunId));
    for (const r of batch) {
      const testId = r.metadata.attrs !== undefined ? `${r.name}[${r.metadata.attrs}]` : r.name;
      const tags = r.metadata.tags !== undefined ? r.metadata.tags.split(',') : null;
      const packets: Buffer[] = [encodePacket({ testId, status: 'inprogress', timestampUs: r.startUs, tags })];
      for (const a of attachments.get(r.testRunId) ?? []) {
        packets.push(encodePacket({ testId, fileName: a.label, fileBytes: a.body, mimeType: a.contentType, eof: true, timestampUs: r.stopUs, tags }));
      }
      packets.push(encodePacket({ testId, status: r.status === 'unknown' ? null : (r.status as TestStatus), timestampUs: r.stopUs, tags }));
      yield Buffer.concat(packets);
    }
  }
}
