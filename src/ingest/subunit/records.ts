import { normaliseMime } from './mime.js';
import type { Attachment, SubunitEvent, TestRecord } from './types.js';

/**
 * Groups packet events into per-test records exactly as testtools' `StreamToDict` (`_StreamToTestRecord`)
 * does, the aggregation subunit2sql, subunit2csv and stestr all use:
 * - key = (test id, route code); events without a test id (global files, non-subunit text) are not tests;
 * - start = timestamp of the key's first event; every later event sets stop to its timestamp (even none);
 * - a record completes at its first status other than none/`inprogress` (so `exists` completes one);
 * - attachments accumulate by name, zero-length chunks ignored, MIME type from the first chunk;
 * - tags: the last set seen wins;
 * - at end of stream open records are emitted newest first (Python's `popitem`), with stop = none.
 * Synchronous over arrays of events, so a whole input chunk is grouped in one loop.
 */
interface OpenDetail {
  mimeType: string;
  length: number;
  chunks: Uint8Array[] | null;
}

interface OpenRecord {
  testId: string;
  routeCode: string | null;
  status: TestRecord['status'];
  tags: string[];
  startUs: number | null;
  stopUs: number | null;
  /** Created at the first attachment chunk (most results have none). */
  details: Map<string, OpenDetail> | null;
  sequence: number;
}

function compositeKey(testId: string, routeCode: string | null): string {
  return routeCode === null ? `${testId}\u0000` : `${testId}\u0000${routeCode}\u0000`;
}

export class TestGrouper {
  /**
   * The record of the latest new key, kept out of the maps: in a serial stream a test's packets follow each
   * other, so it completes without any Map operation. It moves into the maps when another key starts.
   */
  private current: OpenRecord | null = null;
  /**
   * Other open records by test id alone (no composite key to build and hash; the decoder hands out the same
   * string object for the same id); a second open record of one id under another route code goes to
   * `byIdAndRoute`.
   */
  private readonly byId = new Map<string, OpenRecord>();
  private readonly byIdAndRoute = new Map<string, OpenRecord>();
  /** Creation order of open records, for the end-of-stream order. */
  private sequence = 0;

  /** `keepAttachmentBytes` false keeps only names, types and lengths (memory stays bounded). */
  constructor(private readonly keepAttachmentBytes = true) {}

  /** Feeds events; appends the records they complete to `out`. */
  push(events: readonly SubunitEvent[], out: TestRecord[]): void {
    for (const ev of events) {
      const testId = ev.testId;
      if (testId === null) continue;
      let rec = this.current;
      if (rec === null || rec.testId !== testId || rec.routeCode !== ev.routeCode) {
        rec = this.lookUp(testId, ev.routeCode) ?? null;
        if (rec === null) {
          if (this.current !== null) this.park(this.current);
          rec = { testId, routeCode: ev.routeCode, status: 'unknown', tags: NO_TAGS, startUs: ev.timestampUs, stopUs: null, details: null, sequence: this.sequence++ };
          this.current = rec;
        }
      }
      if (ev.status !== null) rec.status = ev.status;
      rec.stopUs = ev.timestampUs;
      if (ev.fileName !== null && ev.fileBytes !== null && ev.fileBytes.length > 0) this.addChunk(rec, ev.fileName, ev.mimeType, ev.fileBytes);
      if (ev.tags !== null) rec.tags = ev.tags;
      if (ev.status !== null && ev.status !== 'inprogress') {
        if (rec === this.current) this.current = null;
        else this.unpark(rec);
        out.push(finish(rec));
      }
    }
  }

  /** The stream ended: appends the records still open, newest first, without a stop time. */
  end(out: TestRecord[]): void {
    const open = [...this.byId.values(), ...this.byIdAndRoute.values()];
    if (this.current !== null) open.push(this.current);
    open.sort((a, b) => b.sequence - a.sequence);
    for (const rec of open) {
      rec.stopUs = null;
      out.push(finish(rec));
    }
    this.current = null;
    this.byId.clear();
    this.byIdAndRoute.clear();
  }

  private lookUp(testId: string, routeCode: string | null): OpenRecord | undefined {
    if (this.byId.size === 0 && this.byIdAndRoute.size === 0) return undefined;
    const rec = this.byId.get(testId);
    if (rec !== undefined && rec.routeCode === routeCode) return rec;
    return this.byIdAndRoute.size ? this.byIdAndRoute.get(compositeKey(testId, routeCode)) : undefined;
  }

  private park(rec: OpenRecord): void {
    if (!this.byId.has(rec.testId)) this.byId.set(rec.testId, rec);
    else this.byIdAndRoute.set(compositeKey(rec.testId, rec.routeCode), rec);
  }

  private unpark(rec: OpenRecord): void {
    if (this.byId.get(rec.testId) === rec) this.byId.delete(rec.testId);
    else this.byIdAndRoute.delete(compositeKey(rec.testId, rec.routeCode));
  }

  private addChunk(rec: OpenRecord, name: string, mimeType: string | null, bytes: Uint8Array): void {
    rec.details ??= new Map();
    let detail = rec.details.get(name);
    if (detail === undefined) {
      detail = { mimeType: normaliseMime(mimeType), length: 0, chunks: this.keepAttachmentBytes ? [] : null };
      rec.details.set(name, detail);
    }
    detail.length += bytes.length;
    detail.chunks?.push(bytes);
  }
}

/** Results without tags share one empty array (records are read-only to consumers). */
const NO_TAGS: string[] = [];

/** Most results have no attachments: they share one empty map (records are read-only to consumers). */
const NO_DETAILS: ReadonlyMap<string, Attachment> = new Map();

function finish(rec: OpenRecord): TestRecord {
  let details = NO_DETAILS;
  if (rec.details !== null) {
    const filled = new Map<string, Attachment>();
    details = filled;
    for (const [name, d] of rec.details) {
      filled.set(name, { mimeType: d.mimeType, length: d.length, bytes: d.chunks === null ? null : Buffer.concat(d.chunks, d.length) });
    }
  }
  return { testId: rec.testId, routeCode: rec.routeCode, status: rec.status, tags: rec.tags, startUs: rec.startUs, stopUs: rec.stopUs, details };
}
