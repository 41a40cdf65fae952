/**
 * The data model shared by the subunit v1/v2 and JUnit readers: packet-level events (what the reference
 * `ByteStreamToStreamResult` emits) and per-test records (what testtools' `StreamToDict` builds from them).
 * Times are epoch microseconds, the precision subunit carries and the store keeps (`*_us` columns).
 */

/** v2 status codes 0..7 in wire order (0 = no status). */
export const STATUSES = [null, 'exists', 'inprogress', 'success', 'uxsuccess', 'skip', 'fail', 'xfail'] as const;
export type TestStatus = Exclude<(typeof STATUSES)[number], null>;
/** A record that only ever saw file packets has status `unknown` (testtools' default). */
export type RecordStatus = TestStatus | 'unknown';

export interface SubunitEvent {
  testId: string | null;
  status: TestStatus | null;
  /** null when the packet carried no tags field (not the same as an empty set). */
  tags: string[] | null;
  runnable: boolean;
  eof: boolean;
  mimeType: string | null;
  routeCode: string | null;
  timestampUs: number | null;
  fileName: string | null;
  fileBytes: Uint8Array | null;
  /** Byte offset of the packet (v2) or line number (v1) the event came from, for error messages. */
  offset: number;
}

export interface Attachment {
  /** Normalised like testtools' ContentType repr (`text/plain; charset="utf8"`). */
  mimeType: string;
  /** Total length of the non-empty chunks. */
  length: number;
  /** The bytes, unless the reader was told not to keep them (memory stays bounded for big streams). */
  bytes: Buffer | null;
}

export interface TestRecord {
  testId: string;
  routeCode: string | null;
  status: RecordStatus;
  tags: string[];
  startUs: number | null;
  stopUs: number | null;
  /** Duration when the format gives one without start/stop (JUnit without a suite timestamp). */
  durationUs?: number | null;
  /** Attachment name → content, in order of first appearance (readers may share one empty map). */
  details: ReadonlyMap<string, Attachment>;
}

/** Where damage was found and what the reader did about it (lenient mode records, strict mode throws). */
export interface ParseDamage {
  offset: number;
  message: string;
}

export interface SubunitReadOptions {
  /** Keep reading after damaged packets, recording the damage as the reference parser does. */
  lenient?: boolean;
  /**
   * Name of the file events that carry bytes found outside packets (subunit2sql's --non-subunit-name).
   * Without it such bytes are an error, except in lenient mode where they become `stdout`.
   */
  nonSubunitName?: string;
  /** Keep attachment bytes in the records (default true); false keeps only names, types and lengths. */
  keepAttachmentBytes?: boolean;
  /** File name for error messages. */
  file?: string;
  /** Called for each damaged packet in lenient mode. */
  onDamage?: (damage: ParseDamage) => void;
}

export type ByteSource = AsyncIterable<Uint8Array> | Iterable<Uint8Array>;
