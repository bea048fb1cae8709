import { type Readable } from 'node:stream';
import { type CheckReport } from '../shared/connectors/check-report';
import { type HashAlgorithm, type Hashes } from '../shared/connectors/hash-algorithm';
import { type Capabilities } from './capabilities';
import { type ResumeStateStore } from './resume-state-store';
import { type CredentialPort } from './config/credential-port';

/** A file or folder as a driver reports it. `path` is a normalised connector path ('' is the root). */
export interface Entry {
  /** Last path segment, already checked by path safety ('' for the root). */
  readonly name: string;
  /** Normalised connector path: relative, '/'-separated, no '.', '..' or empty segments. */
  readonly path: string;
  readonly type: 'file' | 'directory';
  /** Size in bytes (files). */
  readonly size?: number;
  /** Last modification, milliseconds since the epoch, at the storage's precision. */
  readonly mtimeMs?: number;
  /** Digests the storage already knows without reading the file (S3 ETag-MD5, ...). */
  readonly hashes?: Hashes;
}

/** A name a server returned that path safety refused: reported to the user, never followed. */
export interface RejectedEntry {
  /** The raw name, JSON-escaped so control characters are visible and harmless. */
  readonly rawName: string;
  /** Why it was refused, e.g. "contains '..'". */
  readonly reason: string;
}

/** Paging of `list`: pass back the cursor of the previous page; the page size is a hint drivers honour. */
export interface ListOptions {
  readonly cursor?: string;
  readonly pageSize?: number;
  readonly signal?: AbortSignal;
}

/** One page of a listing. More pages follow while `cursor` is set. Entries are direct children, sorted by name. */
export interface ListPage {
  readonly entries: readonly Entry[];
  /** Names refused by path safety on this page. */
  readonly rejected: readonly RejectedEntry[];
  readonly cursor?: string;
}

/** A byte range: from `offset`, `length` bytes (to the end when absent). */
export interface ByteRange {
  readonly offset: number;
  readonly length?: number;
}

/** Options of `read`. A range needs the `rangedRead` capability. */
export interface ReadOptions {
  readonly range?: ByteRange;
  readonly signal?: AbortSignal;
}

/** Options of `write`. */
export interface WriteOptions {
  /** Bytes this call will write, when known: a different count fails with Integrity (and leaves nothing). */
  readonly size?: number;
  /**
   * Resume: append the stream to an existing file whose current size equals `offset` (capability `resumableWrite`);
   * offset 0 also creates a missing file (with its parent folders). Such a write happens in place, not atomically; a
   * wrong offset fails with Conflict.
   */
  readonly offset?: number;
  /** Modification time to set (where `mtimePrecisionMs` is not null). */
  readonly mtimeMs?: number;
  /** Digests to compute over the bytes written by this call (the driver hashes while writing). */
  readonly hashes?: readonly HashAlgorithm[];
  readonly signal?: AbortSignal;
}

/** What a write did. */
export interface WriteResult {
  /** Size of the file after the write (offset + bytes written). */
  readonly size: number;
  /** Bytes written by this call. */
  readonly written: number;
  /** Digests requested in WriteOptions.hashes, over the bytes written by this call. */
  readonly hashes: Hashes;
  /**
   * Digests of the whole stored file the storage vouched for as it received it (Content-MD5 on every part, the
   * service's own digest of the new object). Absent otherwise, also where only this process hashed the bytes.
   */
  readonly stored?: Hashes;
}

/** Options of `check`. */
export interface CheckOptions {
  /** Also write, read back and remove a small probe file in the root (the write step is skipped otherwise). */
  readonly write?: boolean;
  readonly signal?: AbortSignal;
}

/**
 * A storage driver (rclone's fs.Fs): the required core every kind implements. Paths are connector paths,
 * normalised by path safety BEFORE any I/O: the registry wraps every driver with `guardDriver`, which normalises
 * each argument, refuses writing or removing the root, checks cancellation and sorts listings, so a driver
 * receives only normalised paths. Every error thrown is a ConnectorError. Optional operations live in
 * capabilities (see capabilities.ts and its type guards).
 *
 * - `write` without `offset` is all-or-nothing where `capabilities.atomicWrite` (temporary name, then rename):
 *   an aborted or failed write leaves no file and no temporary behind, and an existing file stays intact.
 * - Creating a driver does no I/O; it connects on first use and reconnects after a lost connection.
 */
export interface Driver {
  readonly kind: string;
  readonly capabilities: Capabilities;
  /** One page of the direct children of a folder. NotFound when the folder does not exist. */
  list(path: string, options?: ListOptions): Promise<ListPage>;
  /** The file or folder at `path`. NotFound when absent. */
  stat(path: string, options?: { readonly signal?: AbortSignal }): Promise<Entry>;
  /** A stream of the file's bytes (or a range of them). Errors surface as ConnectorError on the stream. */
  read(path: string, options?: ReadOptions): Promise<Readable>;
  /** Writes a stream of known or unknown size; parent folders are created as needed. */
  write(path: string, source: Readable, options?: WriteOptions): Promise<WriteResult>;
  /** Removes a file or an empty folder. NotFound when absent. */
  remove(path: string, options?: { readonly signal?: AbortSignal }): Promise<void>;
  /** Step-by-step diagnostics of the connection and the permissions on the root; never throws. */
  check(options?: CheckOptions): Promise<CheckReport>;
  /** Releases connections. The driver may not be used afterwards. */
  close(): Promise<void>;
}

/** Remembers host keys and certificates seen first (trust on first use), keyed by "kind:host:port". */
export interface TrustStore {
  get(key: string): Promise<string | undefined>;
  set(key: string, fingerprint: string): Promise<void>;
}

/** What a driver receives from its host besides its options. */
export interface DriverContext {
  /** Where trust-on-first-use fingerprints are kept; without it, an unpinned host key or certificate is refused. */
  readonly trustStore?: TrustStore;
  /** Diagnostics for developers; never given secrets. */
  readonly log?: (message: string) => void;
  /** Where interrupted uploads (multipart, staged blocks, resumable sessions) remember how to continue. */
  readonly resumeStore?: ResumeStateStore;
  /** Where a driver saves a credential it renewed (an OAuth refresh token); without it the renewed value lives only as long as the driver. */
  readonly credentials?: CredentialPort;
}
