import { Readable } from 'node:stream';
import { type SFTPWrapper } from 'ssh2';
import { requestLimits, sftpCall } from './sftp-session';

/** Sizes of the request pipeline; 256 KiB x 16 was the fastest on loopback (TESTBED.md). */
export interface PipelineShape {
  readonly chunkSize: number;
  readonly concurrency: number;
}

/** The measured best pipeline shape for OpenSSH. */
export const DEFAULT_PIPELINE: PipelineShape = { chunkSize: 256 * 1024, concurrency: 16 };

interface Pending {
  position: number;
  length: number;
  result: Promise<Buffer>;
}

/**
 * A stream of bytes [start, end) of an open SFTP file, read with up to `concurrency` READ requests of `chunkSize`
 * in flight and emitted in order. Short reads are completed with follow-up requests; an early end of file ends
 * the stream. Memory stays within concurrency x chunkSize. `onEnd(emitted, complete)` closes the handle and, when
 * the stream reached its end (complete), may throw to fail it (the driver checks the byte count there). A lost
 * connection fails the stream with an error; it never ends cleanly short.
 */
export class ParallelReadStream extends Readable {
  private readonly queue: Pending[] = [];
  private next: number;
  private pumping = false;
  private finished = false;
  private emitted = 0;
  private readonly chunkSize: number;

  constructor(
    private readonly sftp: SFTPWrapper,
    private readonly handle: Buffer,
    start: number,
    private readonly end: number,
    private readonly shape: PipelineShape,
    private readonly onEnd: (emitted: number, complete: boolean) => Promise<void>,
    private readonly mapError: (error: unknown) => Error,
  ) {
    super({ highWaterMark: shape.chunkSize });
    this.next = start;
    // A larger request would come back short and need a follow-up for its tail.
    this.chunkSize = Math.min(shape.chunkSize, requestLimits(sftp).read);
  }

  private request(position: number, length: number): Pending {
    const result = sftpCall.read(this.sftp, this.handle, Buffer.allocUnsafe(length), length, position);
    // Settled later in order; keep an unobserved rejection from crashing the process meanwhile.
    result.catch(() => undefined);
    return { position, length, result };
  }

  private fill(): void {
    while (this.queue.length < this.shape.concurrency && this.next < this.end) {
      const length = Math.min(this.chunkSize, this.end - this.next);
      this.queue.push(this.request(this.next, length));
      this.next += length;
    }
  }

  override _read(): void {
    if (this.pumping || this.finished) return;
    this.pumping = true;
    void this.pump();
  }

  private async pump(): Promise<void> {
    try {
      for (;;) {
        this.fill();
        const head = this.queue[0];
        if (head === undefined) {
          await this.finish(true);
          this.push(null);
          return;
        }
        const data = await head.result;
        if (this.destroyed) return;
        if (data.length === 0) {
          // End of file before `end`: the file is shorter than expected; stop here.
          this.queue.length = 0;
          this.next = this.end;
          continue;
        }
        if (data.length < head.length) {
          // A short read (servers may cap a request): ask for the rest before anything later.
          this.queue[0] = this.request(head.position + data.length, head.length - data.length);
        } else {
          this.queue.shift();
        }
        this.emitted += data.length;
        if (!this.push(data)) {
          this.pumping = false;
          return;
        }
      }
    } catch (error) {
      this.pumping = false;
      this.destroy(this.mapError(error));
    }
  }

  private async finish(complete: boolean): Promise<void> {
    if (this.finished) return;
    this.finished = true;
    await this.onEnd(this.emitted, complete);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    const pending = this.queue.splice(0).map((p) => p.result.catch(() => undefined));
    void Promise.all(pending)
      .then(() => this.finish(false))
      .catch(() => undefined)
      .then(() => callback(error));
  }
}
