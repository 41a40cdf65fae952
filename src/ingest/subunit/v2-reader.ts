import { V2Decoder, type V2DecoderOptions } from './v2-decoder.js';
import { throughStage } from './stage.js';
import type { ByteSource, SubunitEvent } from './types.js';

export { FLAG, MAX_PACKET, SIGNATURE, parserErrorEvents, readVarint } from './v2-decoder.js';

/**
 * Subunit v2 reader over a byte stream: one array of events per input chunk (the decoding itself is
 * synchronous, see V2Decoder), or one event at a time for callers that want that.
 */
export async function* readV2EventBatches(source: ByteSource, options: V2DecoderOptions = {}): AsyncGenerator<SubunitEvent[]> {
  yield* throughStage(source, new V2Decoder(options));
}

export async function* readV2Events(source: ByteSource, options: V2DecoderOptions = {}): AsyncGenerator<SubunitEvent> {
  for await (const events of readV2EventBatches(source, options)) yield* events;
}
