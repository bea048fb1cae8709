import { createReadStream } from 'node:fs';
import { mkdtemp, open, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type Readable } from 'node:stream';
import { type CheckReport } from '../../shared/connectors/check-report';
import { type SnowflakeOptions } from '../../shared/connectors/snowflake-descriptor';
import { type Capabilities } from '../capabilities';
import { cancelledError, ConnectorError, throwIfAborted } from '../connector-error';
import { type CheckOptions, type DriverContext, type ReadOptions } from '../driver';
import { type ObjectFacts, type ObjectPage } from '../object-store/object-page';
import { type ChunkedWrite, ObjectStoreDriver, type PageRequest } from '../object-store/object-store-driver';
import { baseName } from '../path-safety';
import { mapSnowflakeError } from './map-snowflake-error';
import { runSnowflakeCheck } from './snowflake-check';
import { SNOWFLAKE_CAPABILITIES } from './snowflake-capabilities';
import { SnowflakeSession, type SnowflakeRow } from './snowflake-session';
import { quoteIdentifier, StageSql } from './stage-sql';

const MiB = 1024 * 1024;

/** The facts LIST gives about one stored file. */
interface StageFile extends ObjectFacts {
  /** Path inside the stage (the stage name LIST puts in front of a named stage's files removed). */
  readonly name: string;
}

/**
 * The files of a Snowflake internal stage, on snowflake-sdk: LIST to list and stat, GET into a temporary folder
 * (streamed out, then removed) to read, PUT from a temporary file (the stream spooled to it) to write, REMOVE to
 * delete. The SDK moves the bytes itself (cloud storage behind the stage), so reads are whole files.
 */
export class SnowflakeDriver extends ObjectStoreDriver<StageFile> {
  readonly kind = 'snowflake';
  readonly capabilities: Capabilities = SNOWFLAKE_CAPABILITIES;
  readonly session: SnowflakeSession;
  readonly sql: StageSql;
  /** Writes to one path run one after the other: two PUTs of one name would race in the stage. */
  private readonly writing = new Map<string, Promise<void>>();

  constructor(
    private readonly options: SnowflakeOptions,
    context: DriverContext = {},
  ) {
    super(
      options.prefix ?? '',
      {
        label: 'Snowflake',
        maxPageSize: 1000,
        appendRefusal: 'Stage files cannot be appended to; Ferry sends them whole.',
        verifiesMd5OnWrite: false,
      },
      context,
      {},
    );
    this.sql = new StageSql({ database: options.database, schema: options.schema, stage: options.stage });
    this.session = new SnowflakeSession(options);
  }

  /** The GRANT statements that give the role what the connector needs (for hints), `write` adding WRITE. */
  grantsFor(role: string, write: boolean): string {
    const roleName = quoteIdentifier(role);
    if (this.sql.table) {
      return `GRANT OWNERSHIP ON TABLE ${this.sql.qualifiedName.replace('%', '')} TO ROLE ${roleName} COPY CURRENT GRANTS; (a table's stage is used by the table's owner)`;
    }
    const { database, schema } = this.options;
    const usage =
      database && schema
        ? `GRANT USAGE ON DATABASE ${quoteIdentifier(database)} TO ROLE ${roleName}; GRANT USAGE ON SCHEMA ${quoteIdentifier(database)}.${quoteIdentifier(schema)} TO ROLE ${roleName}; `
        : '';
    return `${usage}GRANT ${write ? 'READ, WRITE' : 'READ'} ON STAGE ${this.sql.qualifiedName} TO ROLE ${roleName};`;
  }

  private errorContext(p: string, write: boolean): { path: string; grants: string } {
    return { path: p, grants: this.grantsFor(this.options.role || '<role>', write) };
  }

  private async listFiles(prefix: string, p: string, exact = false): Promise<StageFile[]> {
    const rows = await this.session.run(
      exact ? this.sql.listExact(prefix) : this.sql.listPrefix(prefix),
      this.errorContext(p, false),
    );
    return rows.map((row) => this.fileOf(row)).filter((f) => f.name.startsWith(prefix));
  }

  private fileOf(row: SnowflakeRow): StageFile {
    const listed = String(row.name ?? '');
    const name = this.sql.table ? listed : listed.slice(listed.indexOf('/') + 1);
    const modified = Date.parse(String(row.last_modified ?? ''));
    // LIST's md5 is of the stored bytes, which Snowflake encrypts in internal stages: not the file's MD5.
    return { name, size: Number(row.size ?? 0), ...(Number.isNaN(modified) ? {} : { mtimeMs: modified }) };
  }

  protected mapError(error: unknown, p: string): ConnectorError {
    return mapSnowflakeError(error, { path: p });
  }

  /** LIST returns every file under the prefix at once: the direct children are derived, then paged by name. */
  protected async listObjects(prefix: string, page: PageRequest, p: string): Promise<ObjectPage> {
    const files = await this.listFiles(prefix, p);
    throwIfAborted(page.signal, p);
    const children = new Map<string, StageFile | undefined>();
    for (const file of files) {
      const rest = file.name.slice(prefix.length);
      const slash = rest.indexOf('/');
      if (slash < 0) children.set(file.name, file);
      else children.set(`${prefix}${rest.slice(0, slash + 1)}`, undefined);
    }
    const names = [...children.keys()].sort().filter((n) => page.cursor === undefined || n > page.cursor);
    const taken = names.slice(0, page.pageSize);
    return {
      folders: taken.filter((n) => children.get(n) === undefined),
      objects: taken.flatMap((n) => {
        const file = children.get(n);
        return file === undefined ? [] : [file];
      }),
      ...(names.length > taken.length ? { cursor: taken.at(-1)! } : {}),
    };
  }

  protected factsOf(file: StageFile): ObjectFacts {
    return file;
  }

  protected async head(p: string): Promise<StageFile> {
    const name = this.objectName(p);
    const file = (await this.listFiles(name, p, true)).find((f) => f.name === name);
    if (file === undefined) throw new ConnectorError('NotFound', `Not found: ${p}`, { path: p });
    return file;
  }

  protected async hasObjectsUnder(prefix: string, p: string): Promise<boolean> {
    return (await this.listFiles(prefix, p)).length > 0;
  }

  protected async deleteObject(name: string, p: string): Promise<void> {
    if (name.endsWith('/')) return; // folders are prefixes: nothing is stored for them
    await this.session.run(this.sql.remove(name), this.errorContext(p, true));
  }

  /** GETs the file into a fresh temporary folder and streams it; the folder goes when the stream ends or fails. */
  async read(p: string, options: ReadOptions = {}): Promise<Readable> {
    if (options.range !== undefined) {
      throw new ConnectorError('Unsupported', 'Snowflake stages give whole files only (no ranged reads).', { path: p });
    }
    const name = this.objectName(p);
    const dir = await mkdtemp(path.join(tmpdir(), 'ferry-snowflake-get-'));
    const cleanup = (): Promise<void> => rm(dir, { recursive: true, force: true });
    try {
      const rows = await this.session.run(this.sql.get(name, dir), this.errorContext(p, false));
      throwIfAborted(options.signal, p);
      const row = rows.find((r) => String(r.status) === 'DOWNLOADED');
      if (row === undefined) {
        const failed = rows.find((r) => r.message);
        if (failed === undefined) throw new ConnectorError('NotFound', `Not found: ${p}`, { path: p });
        throw new ConnectorError('Retryable', `Snowflake could not download ${p} (${String(failed.message)})`, {
          path: p,
        });
      }
      const local = path.join(dir, baseName(name));
      await stat(local);
      const stream = createReadStream(local);
      stream.once('close', () => void cleanup());
      if (options.signal !== undefined) {
        const signal = options.signal;
        const onAbort = (): void => void stream.destroy(cancelledError(signal, p));
        signal.addEventListener('abort', onAbort, { once: true });
        stream.once('close', () => signal.removeEventListener('abort', onAbort));
      }
      return stream;
    } catch (error) {
      await cleanup();
      throw mapSnowflakeError(error, { path: p });
    }
  }

  /** Streams up to this size are buffered whole before the spool file is written; larger ones are spooled as they come. */
  protected singleRequestLimit(): number {
    return MiB;
  }

  protected async putWhole(p: string, body: Buffer, signal?: AbortSignal): Promise<void> {
    await this.put(p, signal, async (file) => {
      await file.write(body);
    });
  }

  protected async putChunked(write: ChunkedWrite): Promise<void> {
    await this.put(write.path, write.signal, async (file) => {
      let bytes = 0;
      for await (const chunk of write.rest) {
        throwIfAborted(write.signal, write.path);
        write.hasher.update(chunk);
        bytes += chunk.length;
        await file.write(chunk);
      }
      if (write.size !== undefined && bytes !== write.size) {
        throw new ConnectorError('Integrity', `Expected ${write.size} bytes but received ${bytes}: ${write.path}`, {
          path: write.path,
        });
      }
    });
  }

  /**
   * Spools the bytes to a temporary file named like the target (PUT keeps the local name), then PUTs it into the
   * target's folder. Nothing reaches the stage before the stream ended whole; the temporary folder always goes.
   */
  private async put(
    p: string,
    signal: AbortSignal | undefined,
    fill: (file: { write(data: Buffer): Promise<unknown> }) => Promise<void>,
  ): Promise<void> {
    const name = this.objectName(p);
    const leaf = baseName(name);
    if (leaf.includes('*')) {
      throw new ConnectorError('InvalidInput', `Snowflake's PUT reads * as a wildcard: ${p}`, {
        path: p,
        hint: 'Rename the file without *.',
      });
    }
    const dir = await mkdtemp(path.join(tmpdir(), 'ferry-snowflake-put-'));
    try {
      const local = path.join(dir, leaf);
      const handle = await open(local, 'w');
      try {
        await fill(handle);
      } finally {
        await handle.close();
      }
      throwIfAborted(signal, p);
      const folder = name.slice(0, name.length - leaf.length);
      const previous = this.writing.get(name) ?? Promise.resolve();
      const current = previous.then(async () => {
        const rows = await this.session.run(this.sql.put(local, folder), this.errorContext(p, true));
        const status = String(rows[0]?.status ?? '');
        if (status !== 'UPLOADED') {
          throw new ConnectorError('Retryable', `Snowflake did not store ${p} (${status || 'no result'})`, { path: p });
        }
      });
      const settled = current.catch(() => undefined);
      this.writing.set(name, settled);
      try {
        await current;
      } finally {
        if (this.writing.get(name) === settled) this.writing.delete(name);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  async check(options: CheckOptions = {}): Promise<CheckReport> {
    return runSnowflakeCheck(this, this.options, options);
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.session.close();
    this.context.log?.('snowflake: closed');
  }
}
