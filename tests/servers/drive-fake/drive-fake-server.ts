import { createHash, randomBytes, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type AddressInfo } from 'node:net';
import { parseMultipartRelated } from '../gcs-fake/multipart-related';
import { type TestServiceAccount } from '../gcs-fake/service-account';
import { driveCaller, type DriveCaller } from './drive-bearer';
import { type ChangeAnswer, DriveChangeLog } from './drive-change-log';
import { parseDriveQuery, type DriveClause } from './drive-query';

const FOLDER = 'application/vnd.google-apps.folder';
const CHUNK_GRANULE = 256 * 1024;

/** A stored file or folder. */
interface StoredFile {
  readonly id: string;
  name: string;
  readonly mimeType: string;
  parents: string[];
  /** The Shared Drive holding it; undefined in My Drive. */
  readonly driveId: string | undefined;
  content: Buffer;
  readonly createdTime: string;
  modifiedTime: string;
  trashed: boolean;
}

/** A resumable upload session. */
interface UploadSession {
  readonly metadata: Record<string, unknown>;
  /** Set for an update (PATCH) session. */
  readonly fileId: string | undefined;
  readonly declared: number | undefined;
  readonly chunks: Buffer[];
  size: number;
  /** Bytes that arrived in PUT bodies, kept or not. */
  received: number;
  done: StoredFile | undefined;
  readonly caller: DriveCaller;
}

/** An error the fake answers in Drive's shape. */
class DriveHttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly reason: string,
    readonly domain = 'global',
  ) {
    super(message);
  }
}

/** A fault to answer instead of the next request (rate limits...). */
export interface DriveFault {
  readonly status: number;
  readonly reason: string;
  readonly message?: string;
}

/** An OAuth client of type "Desktop app" known to the fake, and the user its consent signs in. */
export interface FakeOAuthClient {
  readonly clientId: string;
  readonly clientSecret?: string;
  readonly user: string;
  /** Issue a new refresh token on every refresh, invalidating the old one (Google may rotate them). */
  readonly rotateRefreshTokens?: boolean;
  /** The user's answer on the consent page: 'deny' redirects with `error=access_denied` (default 'allow'). */
  readonly consent?: 'allow' | 'deny';
}

/** The running fake and what tests may ask it. */
export interface DriveFake {
  /** Base URL (the client's `rootUrl` without the trailing slash). */
  readonly endpoint: string;
  /** Method and path (with query) of every request, in order. */
  readonly requests: string[];
  /** Creates a Shared Drive (its root folder has the drive's ID) and returns the ID. */
  createSharedDrive(name: string): string;
  /** Creates a folder or file directly (test setup: Google Docs, duplicates made by other clients). */
  put(parent: string, name: string, mimeType: string, content?: Buffer): string;
  /** Moves an item to the trash, as another client would. */
  trash(id: string): void;
  /** Moves and renames an item, as another client would (the name kept when absent). */
  move(id: string, parent: string, name?: string): void;
  /** Makes every change page token handed out so far unknown (changes.list refuses them with 400). */
  expireChangeTokens(): void;
  /** Answers the next requests with these faults, one each, in order. */
  injectFaults(faults: readonly DriveFault[]): void;
  /** Bytes received in the bodies of resumable PUTs so far (all sessions). */
  uploadBytesReceived(): number;
  /** Bytes persisted by the open session(s) of a file name. */
  persistedBytes(name: string): number;
  /** The stored, untrashed files named `name`. */
  filesNamed(name: string): readonly { readonly id: string; readonly content: Buffer }[];
  /** Registers an OAuth client whose consent page signs `user` in at once (no real page: a redirect). */
  addOAuthClient(client: FakeOAuthClient): void;
  /** Makes every refresh token issued so far invalid (the user revoked Ferry's access). */
  revokeRefreshTokens(): void;
  /** Stops listening and cuts every connection. */
  stop(): Promise<void>;
  /** Same as stop (a crash as clients see it); the files stay. */
  kill(): Promise<void>;
  /** Listens again on the same port. */
  start(): Promise<void>;
}

/** The JSON resource of a file, numbers as strings as Drive sends them. */
function resource(file: StoredFile): Record<string, unknown> {
  const binary = !file.mimeType.startsWith('application/vnd.google-apps.');
  return {
    kind: 'drive#file',
    id: file.id,
    name: file.name,
    mimeType: file.mimeType,
    parents: file.parents,
    ...(file.driveId === undefined ? {} : { driveId: file.driveId }),
    createdTime: file.createdTime,
    modifiedTime: file.modifiedTime,
    trashed: file.trashed,
    ...(binary
      ? {
          size: String(file.content.length),
          md5Checksum: createHash('md5').update(file.content).digest('hex'),
          sha256Checksum: createHash('sha256').update(file.content).digest('hex'),
        }
      : {}),
  };
}

async function bodyOf(request: IncomingMessage, onData?: (n: number) => void): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) {
    chunks.push(chunk as Buffer);
    onData?.((chunk as Buffer).length);
  }
  return Buffer.concat(chunks);
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json; charset=UTF-8' });
  response.end(text);
}

/** Sends what a changes endpoint answered. */
function answer(response: ServerResponse, result: ChangeAnswer): void {
  if (result.kind === 'json') return sendJson(response, 200, result.body);
  const { status, message, reason } = result.refusal;
  sendError(response, new DriveHttpError(status, message, reason));
}

function sendError(response: ServerResponse, error: DriveHttpError): void {
  sendJson(response, error.status, {
    error: {
      code: error.status,
      message: error.message,
      errors: [{ message: error.message, domain: error.domain, reason: error.reason }],
    },
  });
}

/**
 * Starts the Drive v3 FAKE on 127.0.0.1 (see README.md): files and folders by ID, `q` listings with paging,
 * media and ranged downloads, exports of Google Docs, multipart and resumable uploads, Shared Drives, and the
 * refusals of the real service this connector must handle (no quota for service accounts in My Drive, rate limits).
 */
export async function startDriveFake(accounts: readonly TestServiceAccount[]): Promise<DriveFake> {
  const keys = new Map<string, KeyObject>(accounts.map((a) => [a.clientEmail, a.publicKey]));
  const userTokens = new Map<string, string>();
  const files = new Map<string, StoredFile>();
  const sessions = new Map<string, UploadSession>();
  const requests: string[] = [];
  const faults: DriveFault[] = [];
  const oauthClients = new Map<string, FakeOAuthClient>();
  const codes = new Map<string, { clientId: string; challenge: string; redirectUri: string; user: string }>();
  const refreshTokens = new Map<string, { clientId: string; user: string }>();
  let uploadBytes = 0;
  let clock = Date.now();
  let endpoint = '';
  const now = (): string => new Date(++clock).toISOString();
  /** The modification time a request sets (`modifiedTime` in its metadata), else now. */
  const modifiedOf = (metadata: Record<string, unknown>): string => {
    const asked = typeof metadata.modifiedTime === 'string' ? Date.parse(metadata.modifiedTime) : NaN;
    return Number.isNaN(asked) ? now() : new Date(asked).toISOString();
  };
  const newId = (): string => randomBytes(12).toString('base64url');
  const changes = new DriveChangeLog();
  /** Logs a change of an item (every create, update, rename, move, trash and delete goes through here). */
  const changed = (file: StoredFile, removed = false): void => changes.record(file.id, file.driveId, now(), removed);
  const myDriveRoot: StoredFile = {
    id: newId(),
    name: 'My Drive',
    mimeType: FOLDER,
    parents: [],
    driveId: undefined,
    content: Buffer.alloc(0),
    createdTime: now(),
    modifiedTime: now(),
    trashed: false,
  };
  files.set(myDriveRoot.id, myDriveRoot);

  const flag = (url: URL, name: string): boolean => url.searchParams.get(name) === 'true';
  /** A live file by ID; items of Shared Drives are invisible without supportsAllDrives, as on Drive. */
  const fileOf = (id: string, url: URL): StoredFile => {
    const file = files.get(id === 'root' ? myDriveRoot.id : id);
    if (file === undefined || (file.driveId !== undefined && !flag(url, 'supportsAllDrives'))) {
      throw new DriveHttpError(404, `File not found: ${id}.`, 'notFound');
    }
    return file;
  };
  const create = (
    caller: DriveCaller,
    metadata: Record<string, unknown>,
    content: Buffer,
    url: URL,
    mediaType?: string,
  ): StoredFile => {
    const name = typeof metadata.name === 'string' ? metadata.name : 'Untitled';
    const mimeType =
      typeof metadata.mimeType === 'string' ? metadata.mimeType : (mediaType ?? 'application/octet-stream');
    const parentIds = Array.isArray(metadata.parents) ? (metadata.parents as string[]) : [myDriveRoot.id];
    const parent = fileOf(parentIds[0]!, url);
    if (parent.mimeType !== FOLDER) throw new DriveHttpError(400, 'The parent is not a folder.', 'invalidParent');
    if (parent.driveId === undefined && caller.serviceAccount && mimeType !== FOLDER) {
      throw new DriveHttpError(
        403,
        'Service Accounts do not have storage quota. Leverage shared drives ' +
          '(https://developers.google.com/workspace/drive/api/guides/about-shareddrives), or use OAuth delegation ' +
          '(http://support.google.com/a/answer/7281227) instead.',
        'storageQuotaExceeded',
        'usageLimits',
      );
    }
    const file: StoredFile = {
      id: newId(),
      name,
      mimeType,
      parents: [parent.id],
      driveId: parent.driveId,
      content,
      createdTime: now(),
      modifiedTime: modifiedOf(metadata),
      trashed: false,
    };
    files.set(file.id, file);
    changed(file);
    return file;
  };
  /** Trashes an item and, as Drive does, everything under it (implicitly trashed). */
  const trashTree = (file: StoredFile, trashed: boolean): void => {
    file.trashed = trashed;
    changed(file);
    for (const child of files.values()) if (child.parents.includes(file.id)) trashTree(child, trashed);
  };
  const matches = (file: StoredFile, clause: DriveClause): boolean => {
    switch (clause.kind) {
      case 'in-parents':
        return file.parents.includes(clause.parent === 'root' ? myDriveRoot.id : clause.parent);
      case 'trashed':
        return file.trashed === clause.value;
      case 'name':
        return file.name === clause.value;
      case 'mime':
        return (file.mimeType === clause.value) !== clause.negated;
    }
  };

  const list = (url: URL): unknown => {
    let clauses: readonly DriveClause[];
    try {
      clauses = parseDriveQuery(url.searchParams.get('q') ?? '');
    } catch (error) {
      throw new DriveHttpError(400, (error as Error).message, 'invalid', 'global');
    }
    const allDrives = flag(url, 'includeItemsFromAllDrives') && flag(url, 'supportsAllDrives');
    const driveId = url.searchParams.get('driveId');
    if (driveId !== null && !allDrives) {
      throw new DriveHttpError(403, 'The includeItemsFromAllDrives parameter must be set.', 'teamDriveIncludeItems');
    }
    const found = [...files.values()]
      .filter((f) => f.id !== myDriveRoot.id && (f.driveId === undefined || allDrives))
      .filter((f) => driveId === null || f.driveId === driveId)
      .filter((f) => clauses.every((c) => matches(f, c)))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.id < b.id ? -1 : 1));
    const pageSize = Math.min(1000, Number(url.searchParams.get('pageSize') ?? 100));
    const from = Number(url.searchParams.get('pageToken') ?? 0);
    const page = found.slice(from, from + pageSize);
    return {
      kind: 'drive#fileList',
      incompleteSearch: false,
      files: page.map(resource),
      ...(from + pageSize < found.length ? { nextPageToken: String(from + pageSize) } : {}),
    };
  };

  const media = (request: IncomingMessage, response: ServerResponse, file: StoredFile): void => {
    if (file.mimeType.startsWith('application/vnd.google-apps.')) {
      throw new DriveHttpError(
        403,
        'Only files with binary content can be downloaded. Use Export with Docs Editors files.',
        'fileNotDownloadable',
      );
    }
    const size = file.content.length;
    const range = /^bytes=(\d+)-(\d*)$/.exec(request.headers.range ?? '');
    if (range === null) {
      response.writeHead(200, { 'content-type': file.mimeType, 'content-length': String(size) });
      return void response.end(file.content);
    }
    const start = Number(range[1]);
    const end = range[2] === '' ? size - 1 : Math.min(size - 1, Number(range[2]));
    if (start >= size) {
      response.writeHead(416, { 'content-range': `bytes */${size}` });
      return void response.end();
    }
    response.writeHead(206, {
      'content-type': file.mimeType,
      'content-length': String(end - start + 1),
      'content-range': `bytes ${start}-${end}/${size}`,
    });
    response.end(file.content.subarray(start, end + 1));
  };

  const sessionUri = (id: string): string => `${endpoint}/upload/drive/v3/files?uploadType=resumable&upload_id=${id}`;

  /** PUT to a session: append what continues the persisted bytes; 308 + Range until the declared end arrives. */
  const putChunk = async (request: IncomingMessage, response: ServerResponse, session: UploadSession) => {
    const body = await bodyOf(request, (n) => {
      session.received += n;
      uploadBytes += n;
    });
    if (session.done !== undefined) return sendJson(response, 200, resource(session.done));
    const header = request.headers['content-range'] ?? '';
    const status = /^bytes \*\/(\d+|\*)$/.exec(header);
    const chunk = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(header);
    let total: number | undefined;
    if (status !== null) {
      total = status[1] === '*' ? undefined : Number(status[1]);
    } else if (chunk !== null) {
      const first = Number(chunk[1]);
      const last = Number(chunk[2]);
      total = chunk[3] === '*' ? undefined : Number(chunk[3]);
      if (last - first + 1 !== body.length)
        throw new DriveHttpError(400, 'Content-Range does not match the body.', 'badContent');
      if (first > session.size) {
        throw new DriveHttpError(
          400,
          `Chunk starts at ${first}, but ${session.size} bytes are persisted.`,
          'badContent',
        );
      }
      if (total === undefined && body.length % CHUNK_GRANULE !== 0) {
        throw new DriveHttpError(400, 'Chunks must be multiples of 256 KiB except the last.', 'badContent');
      }
      const fresh = body.subarray(session.size - first);
      session.chunks.push(fresh);
      session.size += fresh.length;
    } else if (header !== '' || body.length > 0) {
      throw new DriveHttpError(400, `Invalid Content-Range: ${header}`, 'badContent');
    } else {
      total = 0;
    }
    if (total !== undefined && session.size >= total) {
      if (session.size !== total) throw new DriveHttpError(400, 'More bytes than declared.', 'badContent');
      if (session.declared !== undefined && session.declared !== total) {
        throw new DriveHttpError(400, 'The upload size differs from X-Upload-Content-Length.', 'badContent');
      }
      const content = Buffer.concat(session.chunks, session.size);
      const url = new URL('http://x/?supportsAllDrives=true');
      if (session.fileId === undefined) session.done = create(session.caller, session.metadata, content, url);
      else {
        const file = fileOf(session.fileId, url);
        file.content = content;
        file.modifiedTime = modifiedOf(session.metadata);
        changed(file);
        session.done = file;
      }
      return sendJson(response, 200, resource(session.done));
    }
    response.writeHead(308, session.size === 0 ? {} : { range: `bytes=0-${session.size - 1}` });
    response.end();
  };

  /** The consent page, answered as if the user allowed access: a redirect to the loopback listener with a code. */
  const authorize = (url: URL, response: ServerResponse): void => {
    const q = (name: string): string => url.searchParams.get(name) ?? '';
    const client = oauthClients.get(q('client_id'));
    const redirect = q('redirect_uri');
    if (client === undefined) throw new DriveHttpError(401, 'The OAuth client was not found.', 'invalid_client');
    if (!/^http:\/\/(127\.0\.0\.1|localhost):\d+\/?$/.test(redirect)) {
      throw new DriveHttpError(
        400,
        'redirect_uri must be a loopback address for desktop clients.',
        'redirect_uri_mismatch',
      );
    }
    if (
      q('response_type') !== 'code' ||
      !q('scope')
        .split(' ')
        .some((s) => /auth\/drive/.test(s))
    ) {
      throw new DriveHttpError(400, 'response_type=code and a drive scope are required.', 'invalid_request');
    }
    if (q('code_challenge_method') !== 'S256' || q('code_challenge') === '') {
      throw new DriveHttpError(400, 'PKCE with S256 is required.', 'invalid_request');
    }
    if (client.consent === 'deny') {
      const target = new URL(redirect);
      target.searchParams.set('error', 'access_denied');
      target.searchParams.set('state', q('state'));
      response.writeHead(302, { location: target.toString() });
      return void response.end();
    }
    const code = `4/${newId()}`;
    codes.set(code, {
      clientId: client.clientId,
      challenge: q('code_challenge'),
      redirectUri: redirect,
      user: client.user,
    });
    const target = new URL(redirect);
    target.searchParams.set('code', code);
    target.searchParams.set('state', q('state'));
    target.searchParams.set('scope', q('scope'));
    response.writeHead(302, { location: target.toString() });
    response.end();
  };

  /** The token endpoint: authorization codes (with the PKCE verifier) and refresh tokens for access tokens. */
  const token = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const form = new URLSearchParams((await bodyOf(request)).toString());
    const refuse = (error: string, description: string): void =>
      sendJson(response, 400, { error, error_description: description });
    const client = oauthClients.get(form.get('client_id') ?? '');
    if (client === undefined || (client.clientSecret ?? null) !== form.get('client_secret')) {
      return sendJson(response, 401, { error: 'invalid_client', error_description: 'Unauthorized' });
    }
    const issue = (user: string, refresh: string | undefined): void => {
      const access = `ya29.${newId()}`;
      userTokens.set(access, user);
      sendJson(response, 200, {
        access_token: access,
        expires_in: 3599,
        token_type: 'Bearer',
        scope: 'https://www.googleapis.com/auth/drive',
        ...(refresh === undefined ? {} : { refresh_token: refresh }),
      });
    };
    const newRefresh = (user: string): string => {
      const refresh = `1//${newId()}`;
      refreshTokens.set(refresh, { clientId: client.clientId, user });
      return refresh;
    };
    switch (form.get('grant_type')) {
      case 'authorization_code': {
        const grant = codes.get(form.get('code') ?? '');
        codes.delete(form.get('code') ?? '');
        const verifier = form.get('code_verifier') ?? '';
        if (grant === undefined || grant.clientId !== client.clientId)
          return refuse('invalid_grant', 'Malformed auth code.');
        if (grant.redirectUri !== form.get('redirect_uri')) return refuse('invalid_grant', 'Bad Request');
        if (createHash('sha256').update(verifier).digest('base64url') !== grant.challenge) {
          return refuse('invalid_grant', 'Invalid code verifier.');
        }
        return issue(grant.user, newRefresh(grant.user));
      }
      case 'refresh_token': {
        const old = form.get('refresh_token') ?? '';
        const grant = refreshTokens.get(old);
        if (grant === undefined || grant.clientId !== client.clientId) {
          return refuse('invalid_grant', 'Token has been expired or revoked.');
        }
        if (client.rotateRefreshTokens !== true) return issue(grant.user, undefined);
        refreshTokens.delete(old);
        return issue(grant.user, newRefresh(grant.user));
      }
      default:
        return refuse('unsupported_grant_type', 'Invalid grant_type.');
    }
  };

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const method = request.method ?? 'GET';
    requests.push(`${method} ${url.pathname}${url.search}`);
    const fault = faults.shift();
    if (fault !== undefined) {
      await bodyOf(request);
      throw new DriveHttpError(
        fault.status,
        fault.message ?? `Rate Limit Exceeded (${fault.reason})`,
        fault.reason,
        'usageLimits',
      );
    }
    // A session URI is its own credential, as on Drive.
    const uploadId = url.searchParams.get('upload_id');
    if (uploadId !== null && method === 'PUT') {
      const session = sessions.get(uploadId);
      if (session === undefined) throw new DriveHttpError(404, 'Upload session not found.', 'notFound');
      return putChunk(request, response, session);
    }
    if (url.pathname === '/authorize' && method === 'GET') return authorize(url, response);
    if (url.pathname === '/token' && method === 'POST') return token(request, response);
    const caller = driveCaller(request.headers.authorization, keys, userTokens);
    if (typeof caller === 'string') {
      await bodyOf(request);
      throw new DriveHttpError(401, caller, 'authError');
    }
    const path = url.pathname;
    // about.get: who the token speaks for (the sign-in shows it), whatever `fields` asks.
    if (path === '/drive/v3/about' && method === 'GET') {
      return sendJson(response, 200, { user: { kind: 'drive#user', emailAddress: caller.email, me: true } });
    }
    const upload = /^\/upload\/drive\/v3\/files(?:\/([^/]+))?$/.exec(path);
    if (upload !== null) {
      const fileId = upload[1] === undefined ? undefined : decodeURIComponent(upload[1]);
      const uploadType = url.searchParams.get('uploadType');
      if (uploadType === 'resumable') {
        const text = (await bodyOf(request)).toString();
        const metadata = text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
        if (fileId === undefined) fileOf(((metadata.parents as string[] | undefined) ?? ['root'])[0]!, url);
        else fileOf(fileId, url);
        const id = newId();
        const declared = request.headers['x-upload-content-length'];
        sessions.set(id, {
          metadata,
          fileId,
          declared: declared === undefined ? undefined : Number(declared),
          chunks: [],
          size: 0,
          received: 0,
          done: undefined,
          caller,
        });
        response.writeHead(200, { location: sessionUri(id), 'content-length': '0' });
        return void response.end();
      }
      const body = await bodyOf(request);
      let metadata: Record<string, unknown> = {};
      let content = body;
      let mediaType = request.headers['content-type'];
      if (uploadType === 'multipart') {
        const parsed = parseMultipartRelated(request.headers['content-type'], body);
        metadata = parsed.metadata;
        content = parsed.media;
        mediaType = parsed.mediaContentType;
      } else if (uploadType !== 'media') {
        throw new DriveHttpError(400, `Invalid uploadType: ${uploadType}`, 'invalid');
      }
      if (fileId === undefined)
        return sendJson(response, 200, resource(create(caller, metadata, content, url, mediaType)));
      const file = fileOf(fileId, url);
      if (typeof metadata.name === 'string') file.name = metadata.name;
      file.content = content;
      file.modifiedTime = modifiedOf(metadata);
      changed(file);
      return sendJson(response, 200, resource(file));
    }
    const drive = /^\/drive\/v3\/drives\/([^/]+)$/.exec(path);
    if (drive !== null && method === 'GET') {
      const root = files.get(decodeURIComponent(drive[1]!));
      if (root === undefined || root.driveId !== root.id)
        throw new DriveHttpError(404, 'Shared drive not found.', 'notFound');
      return sendJson(response, 200, { kind: 'drive#drive', id: root.id, name: root.name });
    }
    if (path === '/drive/v3/changes/startPageToken' && method === 'GET') {
      return answer(response, changes.startPageToken());
    }
    if (path === '/drive/v3/changes' && method === 'GET') {
      return answer(
        response,
        changes.list(url, (id) => (files.has(id) ? resource(files.get(id)!) : undefined)),
      );
    }
    if (path === '/drive/v3/files') {
      if (method === 'GET') return sendJson(response, 200, list(url));
      if (method === 'POST') {
        const metadata = JSON.parse((await bodyOf(request)).toString() || '{}') as Record<string, unknown>;
        return sendJson(response, 200, resource(create(caller, metadata, Buffer.alloc(0), url)));
      }
    }
    const exported = /^\/drive\/v3\/files\/([^/]+)\/export$/.exec(path);
    if (exported !== null && method === 'GET') {
      // files.export takes no supportsAllDrives parameter: it reaches Shared Drive items without it.
      const file = fileOf(decodeURIComponent(exported[1]!), new URL('http://x/?supportsAllDrives=true'));
      const mimeType = url.searchParams.get('mimeType') ?? '';
      if (!file.mimeType.startsWith('application/vnd.google-apps.') || mimeType === '') {
        throw new DriveHttpError(400, 'Export only supports Docs Editors files.', 'fileNotExportable');
      }
      response.writeHead(200, { 'content-type': mimeType });
      return void response.end(`${file.name} exported as ${mimeType}\n${file.content.toString()}`);
    }
    const one = /^\/drive\/v3\/files\/([^/]+)$/.exec(path);
    if (one !== null) {
      const file = fileOf(decodeURIComponent(one[1]!), url);
      if (method === 'GET') {
        if (url.searchParams.get('alt') === 'media') return media(request, response, file);
        return sendJson(response, 200, resource(file));
      }
      if (method === 'PATCH') {
        const metadata = JSON.parse((await bodyOf(request)).toString() || '{}') as Record<string, unknown>;
        if (typeof metadata.name === 'string') file.name = metadata.name;
        if (typeof metadata.trashed === 'boolean') trashTree(file, metadata.trashed);
        const add = url.searchParams.get('addParents');
        const remove = url.searchParams.get('removeParents');
        if (add !== null || remove !== null) {
          const removed = remove === 'root' ? myDriveRoot.id : remove;
          file.parents = [...file.parents.filter((p) => p !== removed), ...(add === null ? [] : [fileOf(add, url).id])];
        }
        file.modifiedTime = modifiedOf(metadata);
        changed(file);
        return sendJson(response, 200, resource(file));
      }
      if (method === 'DELETE') {
        files.delete(file.id);
        changed(file, true);
        response.writeHead(204);
        return void response.end();
      }
    }
    throw new DriveHttpError(404, `Not Found: ${method} ${path}`, 'notFound');
  };

  const server: Server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (response.headersSent) return void response.destroy();
      sendError(
        response,
        error instanceof DriveHttpError ? error : new DriveHttpError(500, String(error), 'backendError'),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  endpoint = `http://127.0.0.1:${port}`;
  const close = (): Promise<void> =>
    new Promise<void>((resolve) => {
      if (!server.listening) return resolve();
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return {
    endpoint,
    requests,
    createSharedDrive(name) {
      const id = `0A${newId()}`;
      files.set(id, {
        id,
        name,
        mimeType: FOLDER,
        parents: [],
        driveId: id,
        content: Buffer.alloc(0),
        createdTime: now(),
        modifiedTime: now(),
        trashed: false,
      });
      return id;
    },
    put(parent, name, mimeType, content = Buffer.alloc(0)) {
      const owner = files.get(parent === 'root' ? myDriveRoot.id : parent);
      if (owner === undefined) throw new Error(`no folder ${parent}`);
      const id = newId();
      const file: StoredFile = {
        id,
        name,
        mimeType,
        parents: [owner.id],
        driveId: owner.driveId,
        content,
        createdTime: now(),
        modifiedTime: now(),
        trashed: false,
      };
      files.set(id, file);
      changed(file);
      return id;
    },
    move(id, parent, name) {
      const file = files.get(id);
      const owner = files.get(parent === 'root' ? myDriveRoot.id : parent);
      if (file === undefined || owner === undefined) throw new Error(`no file ${id} or folder ${parent}`);
      file.parents = [owner.id];
      if (name !== undefined) file.name = name;
      changed(file);
    },
    expireChangeTokens: () => changes.expire(),
    trash(id) {
      const file = files.get(id);
      if (file === undefined) throw new Error(`no file ${id}`);
      trashTree(file, true);
    },
    addOAuthClient: (client) => void oauthClients.set(client.clientId, client),
    revokeRefreshTokens: () => refreshTokens.clear(),
    injectFaults: (list) => void faults.push(...list),
    uploadBytesReceived: () => uploadBytes,
    persistedBytes: (name) =>
      [...sessions.values()]
        .filter((s) => s.metadata.name === name && s.done === undefined)
        .reduce((n, s) => n + s.size, 0),
    filesNamed: (name) =>
      [...files.values()].filter((f) => f.name === name && !f.trashed).map((f) => ({ id: f.id, content: f.content })),
    stop: close,
    kill: close,
    start: () =>
      server.listening
        ? Promise.resolve()
        : new Promise<void>((resolve, reject) => {
            server.once('error', reject);
            server.listen(port, '127.0.0.1', () => {
              server.removeListener('error', reject);
              resolve();
            });
          }),
  };
}
