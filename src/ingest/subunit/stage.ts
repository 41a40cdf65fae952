/**
 * One step of the subunit pipeline (bytes → events → test records): takes a batch of inputs, appends the
 * outputs it can complete, and flushes the rest at the end.
 */
export interface BatchStage<I, O> {
  push(input: I, out: O[]): void;
  end(out: O[]): void;
}

/**
 * Runs `stage` over `source`, yielding one array per input batch (one await per batch, not per item).
 *
 * @example
 * for await (const events of throughStage(chunks, new V2Decoder())) handle(events);
 */
export async function* throughStage<I, O>(source: AsyncIterable<I> | Iterable<I>, stage: BatchStage<I, O>): AsyncGenerator<O[]> {
  for await (const input of source) {
    const out: O[] = [];
    stage.push(input, out);
    if (out.length) yield out;
  }
  const out: O[] = [];
  stage.end(out);
  if (out.length) yield out;
}
