import { TestGrouper } from './records.js';
import { throughStage } from './stage.js';
import { readV1Events } from './v1-reader.js';
import { readV2EventBatches, SIGNATURE } from './v2-reader.js';
import type { ByteSource, SubunitEvent, SubunitReadOptions, TestRecord } from './types.js';

/**
 * Entry points: any subunit stream (v1 or v2, told apart by its first bytes unless `version` says) → events
 * or per-test records, streamed chunk by chunk. The `…Batches` forms hand over one array per input chunk
 * (the fast path: one await per chunk, not per packet); the others flatten them.
 */
export interface ReadOptions extends SubunitReadOptions {
  version?: 1 | 2 | 'auto';
}

/** v1 events are produced one by one; they are handed on in arrays of this many. */
const V1_BATCH = 512;

export async function* readSubunitEventBatches(source: ByteSource, options: ReadOptions = {}): AsyncGenerator<SubunitEvent[]> {
  const { version, chunks } = await sniffVersion(source, options.version ?? 'auto');
  if (version === 2) {
    // Without kept attachment bytes only their lengths are read, right away: views need no copy.
    yield* readV2EventBatches(chunks, { ...options, copyFileBytes: options.keepAttachmentBytes ?? true });
    return;
  }
  let batch: SubunitEvent[] = [];
  for await (const event of readV1Events(chunks, options)) {
    batch.push(event);
    if (batch.length >= V1_BATCH) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length) yield batch;
}

export async function* readSubunitEvents(source: ByteSource, options: ReadOptions = {}): AsyncGenerator<SubunitEvent> {
  for await (const events of readSubunitEventBatches(source, options)) yield* events;
}

export async function* readSubunitTestBatches(source: ByteSource, options: ReadOptions = {}): AsyncGenerator<TestRecord[]> {
  yield* throughStage(readSubunitEventBatches(source, options), new TestGrouper(options.keepAttachmentBytes ?? true));
}

export async function* readSubunitTests(source: ByteSource, options: ReadOptions = {}): AsyncGenerator<TestRecord> {
  for await (const records of readSubunitTestBatches(source, options)) yield* records;
}

const V1_LINE = /^(test|testing|success|successful|failure|error|skip|xfail|uxsuccess|tags|time|progress):? /m;
const SNIFF_BYTES = 64 * 1024;

/**
 * v2 when a packet signature at a synchronisation point (stream start or line start) comes before any v1
 * directive line; v1 when a directive comes first; v2 when neither is seen (its reader then reports the text).
 */
async function sniffVersion(source: ByteSource, wanted: 1 | 2 | 'auto'): Promise<{ version: 1 | 2; chunks: AsyncIterable<Uint8Array> }> {
  const iterator = toAsyncIterator(source);
  const head: Uint8Array[] = [];
  let size = 0;
  let done = false;
  if (wanted === 'auto') {
    while (size < SNIFF_BYTES) {
      const next = await iterator.next();
      if (next.done) {
        done = true;
        break;
      }
      head.push(next.value);
      size += next.value.length;
    }
  }
  const chunks: AsyncIterable<Uint8Array> = {
    async *[Symbol.asyncIterator]() {
      yield* head;
      if (done) return;
      for (;;) {
        const next = await iterator.next();
        if (next.done) return;
        yield next.value;
      }
    },
  };
  if (wanted !== 'auto') return { version: wanted, chunks };
  const bytes = Buffer.concat(head);
  let signatureAt = -1;
  for (let i = bytes.indexOf(SIGNATURE); i >= 0; i = bytes.indexOf(SIGNATURE, i + 1)) {
    if (i === 0 || bytes[i - 1] === 0x0a) {
      signatureAt = i;
      break;
    }
  }
  const directive = V1_LINE.exec(bytes.toString('latin1'));
  const directiveAt = directive === null ? -1 : directive.index;
  const version = directiveAt >= 0 && (signatureAt < 0 || directiveAt < signatureAt) ? 1 : 2;
  return { version, chunks };
}

function toAsyncIterator(source: ByteSource): AsyncIterator<Uint8Array> | Iterator<Uint8Array> {
  return Symbol.asyncIterator in source
    ? (source as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]()
    : (source as Iterable<Uint8Array>)[Symbol.iterator]();
}
