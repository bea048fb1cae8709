import { type Readable } from 'node:stream';
import { type SFTPWrapper } from 'ssh2';
import { type MultiHasher } from '../hashing';
import { type PipelineShape } from './parallel-read-stream';
import { onChannelLost, requestLimits, sftpCall } from './sftp-session';

/**
 * Writes a stream into an open SFTP file from `start`, cutting it into `chunkSize` blocks (at most what the server
 * takes in one request, so each block is one request and an in-order server never leaves a hole) with up to
 * `concurrency` WRITE requests in flight (memory stays within concurrency x chunkSize). Every byte passes through
 * `hasher` in order before it is sent. Returns the number of bytes written; the first failed request stops the
 * copy and is thrown once the requests in flight have settled. A lost connection fails the write at once, even
 * while the source is idle (the source is then destroyed): a write never resolves with fewer bytes acknowledged.
 */
export async function parallelWrite(
  sftp: SFTPWrapper,
  handle: Buffer,
  source: Readable,
  start: number,
  shape: PipelineShape,
  hasher: MultiHasher,
  signal?: AbortSignal,
): Promise<number> {
  const inFlight = new Set<Promise<void>>();
  let failure: unknown;
  let position = start;
  // Blocks are recycled once their request is answered: fewer large allocations, less garbage to collect.
  const free: Buffer[] = [];
  const blockSize = Math.min(shape.chunkSize, requestLimits(sftp).write);
  const take = (): Buffer => free.pop() ?? Buffer.allocUnsafe(blockSize);
  let block = take();
  let filled = 0;

  const fail = (error: unknown): void => {
    failure ??= error;
    // Wake a loop that waits for the source's next chunk: the write has failed whatever comes next.
    if (!source.destroyed) source.destroy();
  };
  const unsubscribe = onChannelLost(sftp, fail);

  const send = async (data: Buffer, owner: Buffer): Promise<void> => {
    const request = sftpCall
      .write(sftp, handle, data, position)
      .then(() => void free.push(owner))
      .catch(fail);
    position += data.length;
    const tracked = request.finally(() => inFlight.delete(tracked));
    inFlight.add(tracked);
    while (inFlight.size >= shape.concurrency) await Promise.race(inFlight);
  };

  try {
    for await (const chunk of source as AsyncIterable<Buffer | string>) {
      if (failure !== undefined) break;
      signal?.throwIfAborted();
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      hasher.update(bytes);
      let offset = 0;
      while (offset < bytes.length) {
        const count = Math.min(bytes.length - offset, blockSize - filled);
        bytes.copy(block, filled, offset, offset + count);
        filled += count;
        offset += count;
        if (filled === blockSize) {
          await send(block, block);
          block = take();
          filled = 0;
          if (failure !== undefined) break;
        }
      }
    }
    if (failure === undefined && filled > 0) await send(block.subarray(0, filled), block);
  } catch (error) {
    // The source's own failure, unless it only stopped because the write had already failed.
    failure ??= error;
  } finally {
    unsubscribe();
    await Promise.all(inFlight);
  }
  if (failure !== undefined) throw failure;
  return position - start;
}
