import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parseStatement, type StageRef } from './fake-sql';
import { failure, fakeSessions, type FakeUser, type Session } from './fake-sessions';
import { type S3StageStore } from './s3-stage-store';
import { localStageArea, s3StageArea, type StageArea, type StageFileFacts } from './stage-area';

export type { FakeUser } from './fake-sessions';

/** A stage privilege of Snowflake's model for internal stages. */
export type StagePrivilege = 'READ' | 'WRITE';

/** A stage to create: named (`DB.SCHEMA.NAME`) or a table's stage (`table: true`), and who may use it. */
export interface FakeStage {
  readonly database: string;
  readonly schema: string;
  readonly name: string;
  readonly table?: boolean;
  /** Privileges per role; a role without an entry does not see the stage. */
  readonly grants: Readonly<Record<string, readonly StagePrivilege[]>>;
}

/** A running Snowflake fake (see README.md: a FAKE, not Snowflake). */
export interface SnowflakeFake {
  /** http://127.0.0.1:<port>, for the SDK's `accessUrl`. */
  readonly accessUrl: string;
  readonly account: string;
  /** SQL texts received, in order. */
  readonly statements: string[];
  /** Paths of the HTTP requests received ("/session/v1/login-request", ...). */
  readonly requests: string[];
  /** Session tokens renewed through /session/token-request with a master token. */
  readonly renewals: number;
  /** Logins accepted, by authenticator ('SNOWFLAKE', 'SNOWFLAKE_JWT'). */
  readonly logins: string[];
  createStage(stage: FakeStage): void;
  /** Makes every current session token expire: the next request gets 390112 and must renew. */
  expireSessionTokens(): void;
  /** The stored bytes of a file (for byte-for-byte assertions); undefined when absent. Stages in S3: read the bucket. */
  storedFile(stageKey: string, relativePath: string): Buffer | undefined;
  stop(): Promise<void>;
}

interface StoredStage {
  readonly spec: FakeStage;
  readonly area: StageArea;
}

class SqlError extends Error {
  constructor(
    readonly code: string,
    readonly sqlState: string,
    message: string,
  ) {
    super(message);
  }
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

function send(response: ServerResponse, body: unknown): void {
  response.writeHead(200, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

function column(name: string, type: 'text' | 'fixed'): Record<string, unknown> {
  return {
    name,
    database: '',
    schema: '',
    table: '',
    nullable: true,
    collation: null,
    byteLength: type === 'text' ? 16777216 : null,
    length: type === 'text' ? 16777216 : null,
    precision: type === 'fixed' ? 38 : null,
    scale: type === 'fixed' ? 0 : null,
    type,
  };
}

function safeRelative(p: string): string {
  const segments = p.split('/');
  if (segments.some((s) => s === '..' || s === '.')) {
    throw new SqlError('001003', '42000', `SQL compilation error: invalid stage path '${p}'`);
  }
  return p;
}

/**
 * Starts the fake on 127.0.0.1 (a free port). Stages live in a temporary folder and are served to the SDK as
 * `LOCAL_FS` locations, the stage type the SDK copies to and from itself; with `s3Stage`, they live in that bucket
 * and are served as `S3` locations, so the SDK's S3 client moves the bytes over https.
 */
export async function startSnowflakeFake(options: {
  readonly account: string;
  readonly users: readonly FakeUser[];
  readonly s3Stage?: S3StageStore;
}): Promise<SnowflakeFake> {
  const auth = fakeSessions(options.account, options.users);
  const root = mkdtempSync(path.join(tmpdir(), 'ferry-snowflake-fake-'));
  const stages = new Map<string, StoredStage>();
  const statements: string[] = [];
  const requests: string[] = [];

  const stageKey = (spec: { database: string; schema: string; name: string; table?: boolean }): string =>
    `${spec.database}.${spec.schema}.${spec.table === true ? '%' : ''}${spec.name}`;

  const resolveStage = (ref: StageRef, session: Session, need: StagePrivilege): StoredStage => {
    const name = ref.parts.at(-1)!;
    const schema = ref.parts.length >= 2 ? ref.parts.at(-2)! : session.schema;
    const database = ref.parts.length >= 3 ? ref.parts.at(-3)! : session.database;
    const key = stageKey({ database, schema, name, table: ref.table });
    const stage = stages.get(key);
    const privileges = stage?.spec.grants[session.role];
    if (stage === undefined || privileges === undefined) {
      throw new SqlError('002003', '02000', `SQL compilation error:\nStage '${key}' does not exist or not authorized.`);
    }
    if (!privileges.includes(need)) {
      throw new SqlError(
        '003001',
        '42501',
        `SQL access control error:\nInsufficient privileges to operate on stage '${name}'`,
      );
    }
    return stage;
  };

  /** The files a stage path selects: prefix match, then PATTERN (a full-match regex over the listed name). */
  const select = async (stage: StoredStage, ref: StageRef, pattern: string | undefined): Promise<StageFileFacts[]> => {
    const prefix = safeRelative(ref.path);
    const regex = pattern === undefined ? undefined : new RegExp(`^(?:${pattern})$`);
    return (await stage.area.files())
      .filter((f) => f.path.startsWith(prefix))
      .filter((f) => regex === undefined || regex.test(listedName(stage, f.path)))
      .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  };

  // Named stages list as "<stage name in lower case>/<path>", table stages as the bare path.
  const listedName = (stage: StoredStage, p: string): string =>
    stage.spec.table === true ? p : `${stage.spec.name.toLowerCase()}/${p}`;

  const rowsResult = (
    columns: readonly [string, 'text' | 'fixed'][],
    rows: readonly (readonly (string | null)[])[],
    session: Session,
  ): unknown => ({
    data: {
      parameters: [{ name: 'TIMEZONE', value: 'UTC' }],
      rowtype: columns.map(([name, type]) => column(name, type)),
      rowset: rows,
      total: rows.length,
      returned: rows.length,
      queryId: randomUUID(),
      finalDatabaseName: session.database,
      finalSchemaName: session.schema,
      finalRoleName: session.role,
      statementTypeId: 4096,
      version: 1,
      queryResultFormat: 'json',
      queryContext: { entries: [] },
    },
    code: null,
    message: null,
    success: true,
  });

  const transfer = (
    command: 'UPLOAD' | 'DOWNLOAD',
    stageInfo: Record<string, unknown>,
    srcLocations: readonly string[],
    extra: Record<string, unknown>,
  ): unknown => ({
    data: {
      queryId: randomUUID(),
      parallel: 4,
      sourceCompression: 'auto_detect',
      clientShowEncryptionParameter: false,
      stageInfo,
      encryptionMaterial: null,
      statementTypeId: command === 'UPLOAD' ? 20480 : 20736,
      rowtype: [],
      rowset: [],
      parameters: [],
      command,
      src_locations: srcLocations,
      ...extra,
    },
    code: null,
    message: null,
    success: true,
  });

  const query = async (session: Session, sqlText: string): Promise<unknown> => {
    statements.push(sqlText);
    let statement;
    try {
      statement = parseStatement(sqlText);
    } catch (error) {
      throw new SqlError('001003', '42000', `SQL compilation error:\nsyntax error: ${(error as Error).message}`);
    }
    switch (statement.kind) {
      case 'select-context':
        return rowsResult(
          [
            ['CURRENT_USER()', 'text'],
            ['CURRENT_ROLE()', 'text'],
          ],
          [[session.user, session.role]],
          session,
        );
      case 'list': {
        const stage = resolveStage(statement.stage, session, 'READ');
        const rows = (await select(stage, statement.stage, statement.pattern)).map((f) => [
          listedName(stage, f.path),
          String(f.size),
          f.md5,
          f.lastModified.toUTCString(),
        ]);
        return rowsResult(
          [
            ['name', 'text'],
            ['size', 'fixed'],
            ['md5', 'text'],
            ['last_modified', 'text'],
          ],
          rows,
          session,
        );
      }
      case 'get': {
        const stage = resolveStage(statement.stage, session, 'READ');
        const files = (await select(stage, statement.stage, statement.pattern)).map((f) => f.path);
        return transfer('DOWNLOAD', stage.area.stageInfo(''), files, {
          overwrite: true,
          autoCompress: true,
          localLocation: statement.local,
        });
      }
      case 'put': {
        const stage = resolveStage(statement.stage, session, 'WRITE');
        const dir = safeRelative(statement.stage.path);
        const flag = (name: string, fallback: boolean): boolean =>
          statement.options[name] === undefined ? fallback : statement.options[name]!.toUpperCase() === 'TRUE';
        const folder = dir === '' || dir.endsWith('/') ? dir : `${dir}/`;
        return transfer('UPLOAD', stage.area.stageInfo(folder), [statement.local], {
          // Snowflake's defaults: gzip on the way in, keep existing files.
          autoCompress: flag('AUTO_COMPRESS', true),
          overwrite: flag('OVERWRITE', false),
        });
      }
      case 'remove': {
        const stage = resolveStage(statement.stage, session, 'WRITE');
        const files = (await select(stage, statement.stage, statement.pattern)).map((f) => f.path);
        for (const p of files) await stage.area.remove(p);
        return rowsResult(
          [
            ['name', 'text'],
            ['result', 'text'],
          ],
          files.map((p) => [listedName(stage, p), 'removed']),
          session,
        );
      }
      case 'unsupported':
        throw new SqlError('001003', '42000', `SQL compilation error:\nthe fake does not run: ${statement.text}`);
    }
  };

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    requests.push(url.pathname);
    let raw = await readBody(request);
    if (request.headers['content-encoding'] === 'gzip') raw = gunzipSync(raw);
    const body = (raw.length === 0 ? {} : JSON.parse(raw.toString('utf8'))) as Record<string, unknown>;
    switch (url.pathname) {
      case '/session/v1/login-request':
        return send(response, auth.login(url, body));
      case '/session/token-request':
        return send(response, auth.renew(request, body));
      case '/queries/v1/query-request': {
        const session = auth.sessionOf(request);
        if ('problem' in session) return send(response, session.problem);
        try {
          return send(response, await query(session, String(body.sqlText ?? '')));
        } catch (error) {
          if (!(error instanceof SqlError)) throw error;
          return send(
            response,
            failure(error.code, error.message, {
              errorCode: error.code,
              sqlState: error.sqlState,
              queryId: randomUUID(),
              type: 'COMPILATION',
            }),
          );
        }
      }
      case '/session': {
        const session = auth.sessionOf(request);
        if (!('problem' in session)) auth.end(session);
        return send(response, { data: null, code: null, message: null, success: true });
      }
      default:
        // Telemetry, heartbeats: accepted and ignored.
        return send(response, { data: null, code: null, message: null, success: true });
    }
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      response.writeHead(500, { 'content-type': 'text/plain' });
      response.end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  return {
    accessUrl: `http://127.0.0.1:${port}`,
    account: options.account,
    statements,
    requests,
    logins: auth.logins,
    get renewals() {
      return auth.renewals;
    },
    createStage(spec) {
      const area =
        options.s3Stage === undefined
          ? localStageArea(path.join(root, `stage-${stages.size}`))
          : s3StageArea(options.s3Stage, `stages/${stages.size}/`);
      stages.set(stageKey(spec), { spec, area });
    },
    expireSessionTokens() {
      auth.expireAll();
    },
    storedFile(key, relativePath) {
      return stages.get(key)?.area.localFile(safeRelative(relativePath));
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          rmSync(root, { recursive: true, force: true });
          resolve();
        });
        server.closeAllConnections();
      }),
  };
}
