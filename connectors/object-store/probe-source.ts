/** A stream read ahead up to a limit: whole when it ended within it, else the rest still to read. */
export type ProbedSource =
  | { readonly kind: 'whole'; readonly body: Buffer }
  | {
      readonly kind: 'more';
      /** Every byte of the stream, the probed ones first. */
      readonly rest: AsyncIterable<Buffer>;
    };

/**
 * Reads `source` until it ends or passes `limit` bytes, to choose one request (a stream of at most `limit`
 * bytes) or a chunked upload. What was read stays in memory: `limit` is one part's size.
 */
export async function probeSource(source: AsyncIterable<Uint8Array>, limit: number): Promise<ProbedSource> {
  const iterator = source[Symbol.asyncIterator]();
  const head: Buffer[] = [];
  let headBytes = 0;
  while (headBytes <= limit) {
    const next = await iterator.next();
    if (next.done === true) return { kind: 'whole', body: Buffer.concat(head, headBytes) };
    const chunk = Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value);
    head.push(chunk);
    headBytes += chunk.length;
  }
  async function* rest(): AsyncGenerator<Buffer> {
    yield* head;
    for (;;) {
      const next = await iterator.next();
      if (next.done === true) return;
      yield Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value);
    }
  }
  return { kind: 'more', rest: rest() };
}
