import { lookup } from 'node:dns/promises';
import { connect as netConnect, type Socket } from 'node:net';
import {
  type Attributes,
  type Client,
  type FileEntryWithStats,
  type OpenMode,
  type SFTPWrapper,
  type Stats,
} from 'ssh2';
import SftpClient from 'ssh2-sftp-client';
import { type SftpOptions } from '../../shared/connectors/sftp-descriptor';
import { ConnectorError } from '../connector-error';
import { type DriverContext } from '../driver';
import { mapNodeError } from '../map-node-error';
import { serverIdentityKey, verifyServerIdentity } from '../server-identity';
import { sameSshFingerprint, sshFingerprint } from './ssh-fingerprint';

/** The stages of opening a session, in order, as check() reports them. */
export type SessionStage = 'resolve' | 'connect' | 'handshake' | 'authenticate';

/** Progress of `openSftpSession`, reported as each stage ends. */
export interface SessionProgress {
  onStage?(stage: SessionStage, detail: string, fingerprint?: string): void;
}

/** An error while opening a session, tagged with the stage that failed. */
export class SessionStageError extends Error {
  constructor(
    readonly stage: SessionStage,
    readonly error: unknown,
  ) {
    super(error instanceof Error ? error.message : String(error));
  }
}

const CONNECT_TIMEOUT_MS = 20_000;

/** What a command run over an exec channel said: exit code (null when killed or refused) and its output. */
export interface ExecResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

const EXEC_OUTPUT_LIMIT = 64 * 1024;

/** An authenticated SFTP session: the raw ssh2 SFTP channel plus the SSH client that carries it. */
export interface SftpSession {
  readonly sftp: SFTPWrapper;
  readonly hostKeyFingerprint: string;
  /** False once the connection closed or failed: open a new session. */
  alive(): boolean;
  /** Runs a command over an SSH exec channel (a server may refuse: sftp-only accounts); output capped at 64 KiB. */
  exec(command: string, signal?: AbortSignal): Promise<ExecResult>;
  close(): Promise<void>;
}

function connectSocket(address: string, port: number, signal?: AbortSignal): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = netConnect({ host: address, port, signal });
    const timer = setTimeout(
      () => socket.destroy(Object.assign(new Error('connect timed out'), { code: 'ETIMEDOUT' })),
      CONNECT_TIMEOUT_MS,
    );
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      resolve(socket);
    });
    socket.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

/**
 * Resolves the host, opens a TCP connection with Nagle's algorithm off (ssh2 never disables it and small SFTP
 * requests then wait for ACKs: 1.9 MiB/s instead of 50+), runs the SSH handshake verifying the host key (pinned
 * fingerprint, else the trust store), authenticates and opens the SFTP subsystem.
 */
export async function openSftpSession(
  options: SftpOptions,
  context: DriverContext,
  progress: SessionProgress = {},
  signal?: AbortSignal,
): Promise<SftpSession> {
  const started = Date.now();
  let address: string;
  try {
    address = (await lookup(options.host)).address;
  } catch (error) {
    throw new SessionStageError('resolve', mapNodeError(error));
  }
  progress.onStage?.('resolve', `${options.host} is ${address}`);

  let socket: Socket;
  try {
    socket = await connectSocket(address, options.port, signal);
  } catch (error) {
    throw new SessionStageError('connect', mapNodeError(error));
  }
  socket.setNoDelay(true);
  progress.onStage?.('connect', `${address}:${options.port} reached in ${Date.now() - started} ms`);

  let fingerprint: string | undefined;
  let identityError: unknown;
  let closed = false;
  const client = new SftpClient('ferry', {
    error: () => (closed = true),
    end: () => (closed = true),
    close: () => (closed = true),
  });
  let sftp: SFTPWrapper;
  try {
    sftp = await client.connect({
      sock: socket,
      host: options.host,
      port: options.port,
      username: options.username,
      password: options.password || undefined,
      privateKey: options.privateKey || undefined,
      passphrase: options.passphrase || undefined,
      readyTimeout: CONNECT_TIMEOUT_MS,
      keepaliveInterval: 15_000,
      keepaliveCountMax: 4,
      hostVerifier: (key: Buffer, verify: (valid: boolean) => void) => {
        fingerprint = sshFingerprint(key);
        verifyServerIdentity(
          {
            what: 'host key',
            pinned: options.hostKeyFingerprint,
            trustStore: context.trustStore,
            trustKey: serverIdentityKey('sftp', options.host, options.port),
            same: sameSshFingerprint,
          },
          fingerprint,
        ).then(
          () => {
            progress.onStage?.('handshake', `host key ${fingerprint} trusted`, fingerprint);
            verify(true);
          },
          (error: unknown) => {
            identityError = error;
            verify(false);
          },
        );
      },
    });
  } catch (error) {
    socket.destroy();
    if (identityError !== undefined) throw new SessionStageError('handshake', identityError);
    if (error instanceof ConnectorError) throw new SessionStageError('authenticate', error);
    const level = (error as { level?: unknown }).level;
    const stage: SessionStage =
      fingerprint === undefined && level !== 'client-authentication' ? 'handshake' : 'authenticate';
    throw new SessionStageError(stage, error);
  }
  progress.onStage?.('authenticate', `signed in as ${options.username}`);
  if (fingerprint === undefined) {
    await client.end().catch(() => undefined);
    throw new SessionStageError('authenticate', new ConnectorError('Retryable', 'The SFTP subsystem did not open.'));
  }
  const hostKeyFingerprint = fingerprint;
  return {
    sftp,
    hostKeyFingerprint,
    alive: () => !closed && isChannelOpen(sftp),
    exec: (command, signal) =>
      new Promise<ExecResult>((resolve, reject) => {
        // ssh2-sftp-client keeps the ssh2 Client carrying its channel as `client` (untyped in its declarations).
        (client as unknown as { readonly client: Client }).client.exec(command, (error, channel) => {
          if (error) {
            // A refused channel (sftp-only account, exec disabled) is an answer, not a failure of the connection.
            resolve({ code: null, stdout: '', stderr: error.message });
            return;
          }
          let stdout = '';
          let stderr = '';
          const abort = (): void => {
            channel.close();
            reject(signal?.reason ?? new Error('aborted'));
          };
          signal?.addEventListener('abort', abort, { once: true });
          channel.on('data', (chunk: Buffer) => {
            if (stdout.length < EXEC_OUTPUT_LIMIT) stdout += chunk.toString('utf8');
          });
          channel.stderr.on('data', (chunk: Buffer) => {
            if (stderr.length < EXEC_OUTPUT_LIMIT) stderr += chunk.toString('utf8');
          });
          channel.on('close', (code: number | null) => {
            signal?.removeEventListener('abort', abort);
            resolve({ code: typeof code === 'number' ? code : null, stdout, stderr });
          });
        });
      }),
    close: async () => {
      closed = true;
      await client.end().catch(() => undefined);
      socket.destroy();
    },
  };
}

// ssh2 registers a request even on a dead channel and then never answers it: a call made after the connection
// dropped would wait forever (and an idle event loop lets the process exit as if all went well).
const lostWatchers = new WeakMap<SFTPWrapper, Set<(error: Error) => void>>();

// SSH_FX_CONNECTION_LOST: mapSftpError turns it into Retryable.
const SFTP_CONNECTION_LOST = 7;

/** The error every pending and later call gets once the SFTP channel is gone (mapped to Retryable). */
function connectionLost(): Error {
  return Object.assign(new Error('The connection to the SFTP server was lost'), { code: SFTP_CONNECTION_LOST });
}

/** Whether the SFTP channel can still carry requests (false once the connection or the channel closed). */
export function isChannelOpen(sftp: SFTPWrapper): boolean {
  const channel = sftp as unknown as { readable?: unknown; outgoing?: { state?: unknown } };
  return channel.readable !== false && (channel.outgoing?.state ?? 'open') === 'open';
}

/** Calls `onLost` once when the SFTP channel closes (at once when it already has); returns an unsubscribe. */
export function onChannelLost(sftp: SFTPWrapper, onLost: (error: Error) => void): () => void {
  if (!isChannelOpen(sftp)) {
    onLost(connectionLost());
    return () => undefined;
  }
  let watchers = lostWatchers.get(sftp);
  if (watchers === undefined) {
    const set = new Set<(error: Error) => void>();
    watchers = set;
    lostWatchers.set(sftp, set);
    const notify = (): void => {
      const error = connectionLost();
      for (const watcher of [...set]) watcher(error);
      set.clear();
    };
    sftp.once('end', notify);
    sftp.once('close', notify);
  }
  const set = watchers;
  set.add(onLost);
  return () => void set.delete(onLost);
}

// SFTP guarantees 32 KiB of data per request; OpenSSH announces more through limits@openssh.com.
const SFTP_MIN_DATA_LENGTH = 32 * 1024;

/**
 * The largest READ and WRITE the server takes in one request (ssh2 learns it from limits@openssh.com). A larger
 * write is split by ssh2 into requests sent one after another's answer, so pipelined blocks must fit: a split
 * block's tail could reach the server after later blocks and leave a hole in a file cut off by a lost connection.
 */
export function requestLimits(sftp: SFTPWrapper): { readonly read: number; readonly write: number } {
  const limits = sftp as unknown as { _maxReadLen?: unknown; _maxWriteLen?: unknown };
  const known = (value: unknown): number =>
    typeof value === 'number' && Number.isSafeInteger(value) && value >= SFTP_MIN_DATA_LENGTH
      ? value
      : SFTP_MIN_DATA_LENGTH;
  return { read: known(limits._maxReadLen), write: known(limits._maxWriteLen) };
}

type Callback<T> = (error: Error | null | undefined, value: T) => void;

// Runs one ssh2 request: it settles with its own answer, or fails as soon as the channel is lost.
function request<T>(sftp: SFTPWrapper, start: (done: Callback<T>) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const unsubscribe = onChannelLost(sftp, (error) => finish(error, undefined));
    function finish(error: Error | null | undefined, value: T | undefined): void {
      if (settled) return;
      settled = true;
      unsubscribe();
      if (error) reject(error);
      else resolve(value as T);
    }
    if (settled) return;
    try {
      start((error, value) => finish(error, value));
    } catch (error) {
      finish(error instanceof Error ? error : new Error(String(error)), undefined);
    }
  });
}

/** Promise forms of the ssh2 SFTP calls the driver uses; each fails (Retryable) when the connection is lost. */
export const sftpCall = {
  stat: (sftp: SFTPWrapper, path: string): Promise<Stats> => request(sftp, (done) => sftp.stat(path, done)),
  lstat: (sftp: SFTPWrapper, path: string): Promise<Stats> => request(sftp, (done) => sftp.lstat(path, done)),
  realpath: (sftp: SFTPWrapper, path: string): Promise<string> => request(sftp, (done) => sftp.realpath(path, done)),
  readlink: (sftp: SFTPWrapper, path: string): Promise<string> => request(sftp, (done) => sftp.readlink(path, done)),
  readdir: (sftp: SFTPWrapper, path: string): Promise<FileEntryWithStats[]> =>
    request(sftp, (done) => sftp.readdir(path, done)),
  open: (sftp: SFTPWrapper, path: string, flags: OpenMode, attrs?: Attributes): Promise<Buffer> =>
    request(sftp, (done) => (attrs === undefined ? sftp.open(path, flags, done) : sftp.open(path, flags, attrs, done))),
  close: (sftp: SFTPWrapper, handle: Buffer): Promise<void> =>
    request(sftp, (done) => sftp.close(handle, (err) => done(err, undefined))),
  fstat: (sftp: SFTPWrapper, handle: Buffer): Promise<Stats> => request(sftp, (done) => sftp.fstat(handle, done)),
  futimes: (sftp: SFTPWrapper, handle: Buffer, atime: number, mtime: number): Promise<void> =>
    request(sftp, (done) => sftp.futimes(handle, atime, mtime, (err) => done(err, undefined))),
  unlink: (sftp: SFTPWrapper, path: string): Promise<void> =>
    request(sftp, (done) => sftp.unlink(path, (err) => done(err, undefined))),
  rmdir: (sftp: SFTPWrapper, path: string): Promise<void> =>
    request(sftp, (done) => sftp.rmdir(path, (err) => done(err, undefined))),
  mkdir: (sftp: SFTPWrapper, path: string): Promise<void> =>
    request(sftp, (done) => sftp.mkdir(path, (err) => done(err, undefined))),
  posixRename: (sftp: SFTPWrapper, from: string, to: string): Promise<void> =>
    request(sftp, (done) => sftp.ext_openssh_rename(from, to, (err) => done(err, undefined))),
  rename: (sftp: SFTPWrapper, from: string, to: string): Promise<void> =>
    request(sftp, (done) => sftp.rename(from, to, (err) => done(err, undefined))),
  read: (sftp: SFTPWrapper, handle: Buffer, buffer: Buffer, length: number, position: number): Promise<Buffer> =>
    request(sftp, (done) =>
      sftp.read(handle, buffer, 0, length, position, (err, bytesRead) =>
        done(err, err ? buffer.subarray(0, 0) : buffer.subarray(0, bytesRead)),
      ),
    ),
  write: (sftp: SFTPWrapper, handle: Buffer, buffer: Buffer, position: number): Promise<void> =>
    request(sftp, (done) => sftp.write(handle, buffer, 0, buffer.length, position, (err) => done(err, undefined))),
};
