import { FTPError } from 'basic-ftp';
import { isConnectorError } from '../connector-error';
import { type FtpsConnection } from './ftps-session';

// A failure the server answered (550 no such file, a name Ferry refused, a folder in the way) leaves the control
// connection in a known state: keep it. Anything else (a timeout, a socket error mid-transfer) may not.
function answered(error: unknown): boolean {
  return (
    error instanceof FTPError ||
    isConnectorError(error, 'NotFound') ||
    isConnectorError(error, 'Conflict') ||
    isConnectorError(error, 'InvalidInput')
  );
}

/**
 * A small pool of FTPS control connections: FTP carries one transfer per control connection, so parallel
 * operations need one connection each. Broken connections are dropped, not returned; one whose last command the
 * server refused cleanly is kept.
 */
export class FtpsClientPool {
  private readonly idle: FtpsConnection[] = [];
  private readonly waiting: ((connection: FtpsConnection | undefined) => void)[] = [];
  private size = 0;
  private closed = false;

  constructor(
    private readonly open: () => Promise<FtpsConnection>,
    private readonly max: number,
  ) {}

  /** Runs `fn` with a connection of its own; the connection is reused afterwards unless it broke. */
  async use<T>(fn: (connection: FtpsConnection) => Promise<T>): Promise<T> {
    const connection = await this.acquire();
    let healthy = false;
    try {
      const result = await fn(connection);
      healthy = !connection.client.closed;
      return result;
    } catch (error) {
      // A stat of a missing file (every fresh copy asks for its partial) must not cost a new TLS session.
      healthy = !connection.client.closed && answered(error);
      throw error;
    } finally {
      this.release(connection, healthy);
    }
  }

  /** Takes a connection for a long operation (a download stream); give it back with `release`. */
  async acquire(): Promise<FtpsConnection> {
    if (this.closed) throw new Error('The FTPS driver was closed.');
    for (;;) {
      const idle = this.idle.pop();
      if (idle === undefined) break;
      if (!idle.client.closed) return idle;
      this.size--;
    }
    if (this.size < this.max) {
      this.size++;
      try {
        return await this.open();
      } catch (error) {
        this.size--;
        this.wakeOne();
        throw error;
      }
    }
    const next = await new Promise<FtpsConnection | undefined>((resolve) => this.waiting.push(resolve));
    return next ?? this.acquire();
  }

  /** Returns a connection; `healthy: false` closes it (after an error mid-transfer its state is unknown). */
  release(connection: FtpsConnection, healthy: boolean): void {
    if (!healthy || this.closed || connection.client.closed) {
      connection.client.close();
      this.size--;
      this.wakeOne();
      return;
    }
    const waiter = this.waiting.shift();
    if (waiter !== undefined) waiter(connection);
    else this.idle.push(connection);
  }

  private wakeOne(): void {
    this.waiting.shift()?.(undefined);
  }

  /** Closes every idle connection; busy ones close when released. */
  close(): void {
    this.closed = true;
    for (const connection of this.idle.splice(0)) connection.client.close();
    for (const waiter of this.waiting.splice(0)) waiter(undefined);
  }
}
