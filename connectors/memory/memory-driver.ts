import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { type MemoryOptions } from '../../shared/connectors/memory-descriptor';
import { type CheckReport } from '../../shared/connectors/check-report';
import { type HashAlgorithm } from '../../shared/connectors/hash-algorithm';
import { type Capabilities } from '../capabilities';
import { runCheckSteps } from '../check/check-runner';
import { rootAccessSteps } from '../check/root-access-steps';
import { ConnectorError, throwIfAborted } from '../connector-error';
import { mapStreamError } from '../map-node-error';
import {
  type CheckOptions,
  type Driver,
  type Entry,
  type ListOptions,
  type ListPage,
  type ReadOptions,
  type WriteOptions,
  type WriteResult,
} from '../driver';
import { MultiHasher } from '../hashing';
import { baseName, isWithin, parentPath } from '../path-safety';
import { destroyOnAbort } from '../stream-abort';

type MemoryNode =
  | { readonly type: 'directory'; mtimeMs: number }
  | { readonly type: 'file'; chunks: Buffer[]; size: number; mtimeMs: number };

type FileNode = Extract<MemoryNode, { type: 'file' }>;

/** The content of a memory storage; several drivers may share one (like several connections to one server). */
export class MemoryStore {
  /** Nodes by normalised path; the root ('') is implicit. */
  readonly nodes = new Map<string, MemoryNode>();
}

const READ_CHUNK = 1024 * 1024;
const DEFAULT_PAGE = 1000;

/** The reference driver: every capability, all in memory, passes the whole conformance suite. */
export class MemoryDriver implements Driver {
  readonly kind = 'memory';
  readonly capabilities: Capabilities;
  private readonly store: MemoryStore;
  private closed = false;

  constructor(options: Partial<MemoryOptions> = {}, store = new MemoryStore()) {
    this.store = store;
    this.capabilities = {
      hashes: ['md5', 'sha1', 'sha256'],
      rangedRead: true,
      resumableWrite: true,
      atomicWrite: true,
      rename: true,
      serverSideCopy: true,
      directories: 'real',
      mtimePrecisionMs: 1,
      maxObjectSize: options.maxObjectSize ?? null,
    };
  }

  async list(path: string, options: ListOptions = {}): Promise<ListPage> {
    const folder = this.folder(path);
    const after = options.cursor === undefined ? undefined : decodeCursor(options.cursor);
    const pageSize = Math.max(1, options.pageSize ?? DEFAULT_PAGE);
    const names: string[] = [];
    for (const key of this.store.nodes.keys()) {
      if (key !== folder && parentPath(key) === folder) {
        const name = baseName(key);
        if (after === undefined || name > after) names.push(name);
      }
    }
    names.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const page = names.slice(0, pageSize);
    const entries = page.map((name) => this.entry(folder === '' ? name : `${folder}/${name}`));
    const cursor = names.length > pageSize ? encodeCursor(page[page.length - 1]!) : undefined;
    return { entries, rejected: [], ...(cursor === undefined ? {} : { cursor }) };
  }

  async stat(path: string): Promise<Entry> {
    const p = this.open(path);
    if (p !== '' && !this.store.nodes.has(p)) throw notFound(p);
    return this.entry(p);
  }

  async read(path: string, options: ReadOptions = {}): Promise<Readable> {
    const p = this.open(path);
    const node = this.file(p);
    const start = options.range?.offset ?? 0;
    const end = options.range?.length === undefined ? node.size : Math.min(node.size, start + options.range.length);
    if (!Number.isSafeInteger(start) || start < 0 || start > node.size || end < start) {
      throw new ConnectorError('InvalidInput', `Range starts outside the file (size ${node.size}): ${p}`, { path: p });
    }
    // Snapshot the chunk list: a later overwrite replaces the node, an append only adds chunks.
    const chunks = node.chunks.slice();
    const stream = Readable.from(sliceChunks(chunks, start, end), { objectMode: false, highWaterMark: READ_CHUNK });
    destroyOnAbort(stream, options.signal, p);
    return stream;
  }

  async write(path: string, source: Readable, options: WriteOptions = {}): Promise<WriteResult> {
    const p = this.open(path);
    this.ensureParents(parentPath(p));
    const existing = this.store.nodes.get(p);
    if (existing?.type === 'directory')
      throw new ConnectorError('Conflict', `A folder is in the way: ${p}`, { path: p });
    const offset = options.offset ?? 0;
    const conflict = (size: number): ConnectorError =>
      new ConnectorError('Conflict', `Resume offset ${offset} differs from the partial size ${size}: ${p}`, {
        path: p,
      });
    let target: FileNode;
    if (options.offset !== undefined && existing !== undefined) {
      if (existing.size !== offset) throw conflict(existing.size);
      target = existing;
    } else {
      // A plain write, or offset 0 starting a file that is not there yet (in place, as any resumable write).
      if (offset !== 0) throw conflict(0);
      target = { type: 'file', chunks: [], size: 0, mtimeMs: 0 };
      if (options.offset !== undefined) this.store.nodes.set(p, target);
    }
    const hasher = new MultiHasher(options.hashes ?? []);
    const max = this.capabilities.maxObjectSize;
    const detach = destroyOnAbort(source, options.signal, p);
    try {
      for await (const chunk of source) {
        const buffer = chunk as Buffer;
        if (max !== null && target.size + buffer.length > max) {
          throw new ConnectorError(
            'QuotaExceeded',
            `File larger than the memory storage accepts (${max} bytes): ${p}`,
            {
              path: p,
            },
          );
        }
        hasher.update(buffer);
        target.chunks.push(buffer);
        target.size += buffer.length;
      }
    } catch (error) {
      source.destroy();
      throw mapStreamError(error, options.signal, p);
    } finally {
      detach();
    }
    throwIfAborted(options.signal, p);
    if (options.size !== undefined && hasher.bytes !== options.size) {
      throw new ConnectorError('Integrity', `Expected ${options.size} bytes but received ${hasher.bytes}: ${p}`, {
        path: p,
      });
    }
    target.mtimeMs = options.mtimeMs ?? Date.now();
    if (options.offset === undefined) this.store.nodes.set(p, target);
    return { size: target.size, written: hasher.bytes, hashes: hasher.digest() };
  }

  async remove(path: string): Promise<void> {
    const p = this.open(path);
    const node = this.store.nodes.get(p);
    if (node === undefined) throw notFound(p);
    if (node.type === 'directory') {
      for (const key of this.store.nodes.keys()) {
        if (key !== p && isWithin(key, p))
          throw new ConnectorError('Conflict', `The folder is not empty: ${p}`, { path: p });
      }
    }
    this.store.nodes.delete(p);
  }

  async mkdir(path: string): Promise<void> {
    const p = this.open(path);
    this.ensureParents(p);
  }

  async rename(from: string, to: string): Promise<void> {
    const src = this.open(from);
    const dst = this.open(to);
    const node = this.store.nodes.get(src);
    if (node === undefined || src === '') throw notFound(src);
    if (src === dst) return;
    if (isWithin(dst, src))
      throw new ConnectorError('InvalidInput', `Cannot move a folder into itself: ${src} -> ${dst}`);
    if (this.store.nodes.get(dst)?.type === 'directory') {
      throw new ConnectorError('Conflict', `A folder is in the way: ${dst}`, { path: dst });
    }
    this.ensureParents(parentPath(dst));
    const moves = [...this.store.nodes.entries()].filter(([key]) => isWithin(key, src));
    for (const [key] of moves) this.store.nodes.delete(key);
    for (const [key, value] of moves) this.store.nodes.set(dst + key.slice(src.length), value);
  }

  async copy(from: string, to: string): Promise<void> {
    const src = this.open(from);
    const dst = this.open(to);
    const node = this.file(src);
    if (this.store.nodes.get(dst)?.type === 'directory') {
      throw new ConnectorError('Conflict', `A folder is in the way: ${dst}`, { path: dst });
    }
    this.ensureParents(parentPath(dst));
    this.store.nodes.set(dst, { type: 'file', chunks: node.chunks.slice(), size: node.size, mtimeMs: Date.now() });
  }

  async hash(path: string, algorithm: HashAlgorithm): Promise<string> {
    const p = this.open(path);
    if (!this.capabilities.hashes.includes(algorithm)) {
      throw new ConnectorError('Unsupported', `The memory storage does not compute ${algorithm}.`);
    }
    const hash = createHash(algorithm);
    for (const chunk of this.file(p).chunks) hash.update(chunk);
    return hash.digest('hex');
  }

  async check(options: CheckOptions = {}): Promise<CheckReport> {
    return runCheckSteps(rootAccessSteps(this, options), options.signal);
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  // Paths arrive normalised (guardDriver); a closed driver refuses every operation.
  private open(path: string): string {
    if (this.closed) throw new ConnectorError('InvalidInput', 'The connector was closed.');
    return path;
  }

  private folder(path: string): string {
    const p = this.open(path);
    if (p === '') return p;
    const node = this.store.nodes.get(p);
    if (node === undefined) throw notFound(p);
    if (node.type !== 'directory') throw new ConnectorError('InvalidInput', `Not a folder: ${p}`, { path: p });
    return p;
  }

  private file(p: string): FileNode {
    const node = this.store.nodes.get(p);
    if (node === undefined) throw notFound(p);
    if (node.type !== 'file') throw new ConnectorError('InvalidInput', `Not a file: ${p}`, { path: p });
    return node;
  }

  private ensureParents(folder: string): void {
    if (folder === '') return;
    const segments = folder.split('/');
    for (let i = 1; i <= segments.length; i++) {
      const prefix = segments.slice(0, i).join('/');
      const node = this.store.nodes.get(prefix);
      if (node === undefined) this.store.nodes.set(prefix, { type: 'directory', mtimeMs: Date.now() });
      else if (node.type === 'file')
        throw new ConnectorError('Conflict', `A file is in the way: ${prefix}`, { path: prefix });
    }
  }

  private entry(p: string): Entry {
    if (p === '') return { name: '', path: '', type: 'directory' };
    const node = this.store.nodes.get(p)!;
    return node.type === 'file'
      ? { name: baseName(p), path: p, type: 'file', size: node.size, mtimeMs: node.mtimeMs }
      : { name: baseName(p), path: p, type: 'directory', mtimeMs: node.mtimeMs };
  }
}

function notFound(p: string): ConnectorError {
  return new ConnectorError('NotFound', `Not found: ${p === '' ? '(root)' : p}`, { path: p });
}

function encodeCursor(name: string): string {
  return Buffer.from(name, 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): string {
  return Buffer.from(cursor, 'base64url').toString('utf8');
}

function* sliceChunks(chunks: readonly Buffer[], start: number, end: number): Generator<Buffer> {
  let position = 0;
  for (const chunk of chunks) {
    const chunkEnd = position + chunk.length;
    if (chunkEnd > start && position < end) {
      const from = Math.max(0, start - position);
      const to = Math.min(chunk.length, end - position);
      for (let i = from; i < to; i += READ_CHUNK) yield chunk.subarray(i, Math.min(to, i + READ_CHUNK));
    }
    position = chunkEnd;
    if (position >= end) return;
  }
}
