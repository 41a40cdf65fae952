import { normaliseMime } from './mime.js';
import type { SubunitEvent, TestRecord } from './types.js';

/**
 * Groups packet events into per-test records exactly as testtools' `StreamToDict` (`_StreamToTestRecord`)
 * does, the aggregation subunit2sql, subunit2csv and stestr all use:
 * - key = (test id, route code); events without a test id (global files, non-subunit text) are not tests;
 * - start = timestamp of the key's first event; every later event sets stop to its timestamp (even none);
 * - a record completes at its first status other than none/`inprogress` (so `exists` completes one);
 * - attachments accumulate by name, zero-length chunks ignored, MIME type from the first chunk;
 * - tags: the last set seen wins;
 * - at end of stream open records are emitted newest first (Python's `popitem`), with stop = none.
 */
type OpenRecord = Omit<TestRecord, 'details'> & {
  details: Map<string, { mimeType: string; length: number; chunks: Uint8Array[] | null }>;
};

export async function* groupTests(
  events: AsyncIterable<SubunitEvent>,
  options: { keepAttachmentBytes?: boolean } = {},
): AsyncGenerator<TestRecord> {
  const keepBytes = options.keepAttachmentBytes ?? true;
  const open = new Map<string, OpenRecord>();
  for await (const ev of events) {
    if (ev.testId === null) continue;
    const key = ev.routeCode === null ? ev.testId : `${ev.testId}\u0000${ev.routeCode}`;
    let rec = open.get(key);
    if (rec === undefined) {
      rec = {
        testId: ev.testId,
        routeCode: ev.routeCode,
        status: 'unknown',
        tags: [],
        startUs: ev.timestampUs,
        stopUs: null,
        details: new Map(),
      };
      open.set(key, rec);
    }
    if (ev.status !== null) rec.status = ev.status;
    rec.stopUs = ev.timestampUs;
    if (ev.fileName !== null && ev.fileBytes !== null && ev.fileBytes.length > 0) {
      let detail = rec.details.get(ev.fileName);
      if (detail === undefined) {
        detail = { mimeType: normaliseMime(ev.mimeType), length: 0, chunks: keepBytes ? [] : null };
        rec.details.set(ev.fileName, detail);
      }
      detail.length += ev.fileBytes.length;
      detail.chunks?.push(ev.fileBytes);
    }
    if (ev.tags !== null) rec.tags = ev.tags;
    if (ev.status !== null && ev.status !== 'inprogress') {
      open.delete(key);
      yield finish(rec);
    }
  }
  for (const rec of [...open.values()].reverse()) {
    rec.stopUs = null;
    yield finish(rec);
  }
}

function finish(rec: OpenRecord): TestRecord {
  const details = new Map<string, { mimeType: string; length: number; bytes: Buffer | null }>();
  for (const [name, d] of rec.details) {
    details.set(name, { mimeType: d.mimeType, length: d.length, bytes: d.chunks === null ? null : Buffer.concat(d.chunks, d.length) });
  }
  return { testId: rec.testId, routeCode: rec.routeCode, status: rec.status, tags: rec.tags, startUs: rec.startUs, stopUs: rec.stopUs, details };
}
