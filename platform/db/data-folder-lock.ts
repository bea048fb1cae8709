import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, realpathSync, rmSync } from 'node:fs';
import { connect, createServer, type Server } from 'node:net';
import os from 'node:os';
import path from 'node:path';

/** Who holds a data folder: what the holder tells a second server that asks. */
export interface LockHolder {
  readonly pid: number;
  /** The holder's executable (node, Ferry), never its arguments (they may carry secrets). */
  readonly program: string;
  readonly startedAt: string;
}

/** Who takes a data folder: a platform server (its database) or a sync agent (its ledger and upload store). */
export type DataFolderUser = 'platform' | 'agent';

const USER_TEXT: Readonly<Record<DataFolderUser, { readonly one: string; readonly two: string }>> = {
  platform: { one: 'Ferry platform server', two: 'Two servers on one folder would lose data' },
  agent: { one: 'Ferry sync agent', two: 'Two agents on one ledger would send files twice' },
};

/** Refusal to open a data folder that another running server or agent holds. */
export class DataFolderLockedError extends Error {
  /** The folder and, when it answered, the process holding it. */
  constructor(
    readonly folder: string,
    readonly holder: LockHolder | undefined,
    readonly user: DataFolderUser = 'platform',
  ) {
    const who =
      holder === undefined
        ? 'another process'
        : `process ${holder.pid} (${holder.program}), started ${holder.startedAt}`;
    const text = USER_TEXT[user];
    super(
      `The data folder ${folder} is in use by another ${text.one} (${who}). ` +
        `${text.two}: stop the other one, or give this one another folder.`,
    );
    this.name = 'DataFolderLockedError';
  }
}

/** A held lock on a data folder; release it when the database is closed. */
export interface DataFolderLock {
  readonly folder: string;
  release(): Promise<void>;
}

// Unix socket paths longer than this fail to bind on macOS (104 bytes with the terminator).
const MAX_SOCKET_PATH = 100;

// The kernel owns the name while the process lives and frees it on any exit, kill -9 included:
// an abstract socket on Linux, a named pipe on Windows, a socket file (in the folder when its path fits) elsewhere.
function lockAddress(folder: string, user: DataFolderUser): { readonly address: string; readonly file?: string } {
  // Windows paths are case-insensitive: C:\Data and c:\data are one folder.
  const key = process.platform === 'win32' ? folder.toLowerCase() : folder;
  const id = createHash('sha256').update(key).digest('hex').slice(0, 32);
  if (process.platform === 'linux') return { address: `\0ferry-${user}-${id}` };
  if (process.platform === 'win32') return { address: `\\\\.\\pipe\\ferry-${user}-${id}` };
  let file = path.join(folder, user === 'platform' ? '.ferry-lock.sock' : `.ferry-${user}-lock.sock`);
  if (Buffer.byteLength(file) > MAX_SOCKET_PATH) file = path.join(os.tmpdir(), `ferry-${user}-${id}.sock`);
  return { address: file, file };
}

function listen(server: Server, address: string): Promise<'listening' | 'in-use'> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      server.off('listening', onListening);
      if (error.code === 'EADDRINUSE') resolve('in-use');
      else reject(error);
    };
    const onListening = (): void => {
      server.off('error', onError);
      resolve('listening');
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(address);
  });
}

// Asks the holder who it is; undefined when nobody answers (a stale socket file) or the answer is unreadable.
function askHolder(address: string): Promise<LockHolder | 'nobody' | undefined> {
  return new Promise((resolve) => {
    const socket = connect(address);
    let text = '';
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(undefined);
    }, 2000);
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (text += chunk));
    socket.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve(error.code === 'ECONNREFUSED' || error.code === 'ENOENT' ? 'nobody' : undefined);
    });
    socket.once('end', () => {
      clearTimeout(timer);
      try {
        const parsed = JSON.parse(text) as Partial<LockHolder>;
        resolve(
          typeof parsed.pid === 'number' && typeof parsed.startedAt === 'string'
            ? {
                pid: parsed.pid,
                program: String(parsed.program ?? 'unknown').slice(0, 100),
                startedAt: parsed.startedAt,
              }
            : undefined,
        );
      } catch {
        resolve(undefined);
      }
    });
  });
}

/**
 * Takes the data folder for this process's life, or throws DataFolderLockedError naming the holder. The folder is
 * created 0700 if missing. A crashed holder never leaves the folder locked.
 */
export async function lockDataFolder(folder: string, user: DataFolderUser = 'platform'): Promise<DataFolderLock> {
  mkdirSync(folder, { recursive: true, mode: 0o700 });
  // An existing folder may have been made with wider permissions (older versions, a hand-made folder).
  if (process.platform !== 'win32') chmodSync(folder, 0o700);
  const real = realpathSync(folder);
  const { address, file } = lockAddress(real, user);
  const holder: LockHolder = {
    pid: process.pid,
    program: path.basename(process.execPath),
    startedAt: new Date().toISOString(),
  };
  const server = createServer((socket) => {
    // A caller that hangs up early must not crash the process holding the lock.
    socket.on('error', () => undefined);
    socket.end(JSON.stringify(holder));
  });
  let state = await listen(server, address);
  if (state === 'in-use') {
    const answer = await askHolder(address);
    if (answer === 'nobody' && file !== undefined) {
      // A socket file left by a crashed holder: nobody listens on it, so it can be replaced.
      rmSync(file, { force: true });
      state = await listen(server, address);
    }
    if (state === 'in-use') throw new DataFolderLockedError(real, answer === 'nobody' ? undefined : answer, user);
  }
  server.on('error', () => undefined);
  server.unref();
  let released: Promise<void> | undefined;
  return {
    folder: real,
    release: () =>
      (released ??= new Promise<void>((resolve) => server.close(() => resolve())).then(() => {
        if (file !== undefined) rmSync(file, { force: true });
      })),
  };
}
