import type { Store } from '../store/connect.js';
import { runTestResults, testRunAttachments } from '../store/tests.js';
import { NotFoundError, UserError } from '../util/errors.js';
import { encodePacket } from '../ingest/subunit/v2-writer.js';
import type { TestStatus } from '../ingest/subunit/types.js';

/** Subunit v2 times are whole seconds since 1970 in 32 bits: up to 2106-02-07T06:28:15Z. */
const MAX_V2_US = 2 ** 32 * 1e6 - 1;

/** Attachments are written in pieces of this size (a v2 packet holds less than 4 MiB); readers join them. */
const ATTACHMENT_PIECE = 1 << 20;

/**
 * sql2subunit: a stored run → a subunit v2 stream. Per test result: an `inprogress` packet at its start,
 * its stored attachments, then its status at its stop; attrs are put back into the id as `[…]` and tags
 * restored, so ingesting the output again gives the same rows. Unlike sql2subunit, attachments are written.
 * A run whose times subunit v2 cannot carry is refused before the first byte, naming the test.
 */
export async function* exportRunAsSubunit(store: Store, runUuid: string): AsyncGenerator<Buffer> {
  const run = await store.db.selectFrom('runs').select('id').where('uuid', '=', runUuid).executeTakeFirst();
  if (!run) throw new NotFoundError(`no run with id ${runUuid}`, { field: 'run' });
  const results = await runTestResults(store.db, Number(run.id));
  for (const r of results) {
    refuseUnwritableTime(r.name, 'start', r.startUs);
    refuseUnwritableTime(r.name, 'stop', r.stopUs);
  }
  for (let i = 0; i < results.length; i += 500) {
    const batch = results.slice(i, i + 500);
    const attachments = await testRunAttachments(store.db, batch.map((r) => r.testRunId));
    for (const r of batch) {
      const testId = r.metadata.attrs !== undefined ? `${r.name}[${r.metadata.attrs}]` : r.name;
      const tags = r.metadata.tags !== undefined ? r.metadata.tags.split(',') : null;
      const packets: Buffer[] = [encodePacket({ testId, status: 'inprogress', timestampUs: r.startUs, tags })];
      for (const a of attachments.get(r.testRunId) ?? []) {
        for (let at = 0; at === 0 || at < a.body.length; at += ATTACHMENT_PIECE) {
          const fileBytes = a.body.subarray(at, at + ATTACHMENT_PIECE);
          const eof = at + ATTACHMENT_PIECE >= a.body.length;
          packets.push(encodePacket({ testId, fileName: a.label, fileBytes, mimeType: a.contentType, eof, timestampUs: r.stopUs, tags }));
        }
      }
      packets.push(encodePacket({ testId, status: r.status === 'unknown' ? null : (r.status as TestStatus), timestampUs: r.stopUs, tags }));
      yield Buffer.concat(packets);
    }
  }
}

function refuseUnwritableTime(test: string, field: 'start' | 'stop', us: number | null): void {
  if (us === null || (Number.isSafeInteger(us) && us >= 0 && us <= MAX_V2_US)) return;
  const ms = us / 1000;
  const shown = Math.abs(ms) <= 8.64e15 ? new Date(ms).toISOString() : `${us} µs`;
  throw new UserError(`its ${field} time ${shown} cannot be written in subunit v2, whose times run from 1970 to 2106`, { test, field });
}
