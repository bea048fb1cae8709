import { createHash, randomBytes, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type AddressInfo } from 'node:net';
import { crc32cBase64 } from './crc32c';
import { parseMultipartRelated } from './multipart-related';
import { bearerProblem, type TestServiceAccount } from './service-account';

/** One stored object generation. */
interface StoredObject {
  readonly data: Buffer;
  readonly generation: string;
  readonly contentType: string;
  readonly md5Hash: string;
  readonly crc32c: string;
  readonly created: string;
  readonly metadata: Record<string, string> | undefined;
}

/** A resumable upload session: what was persisted so far. */
interface Session {
  readonly bucket: string;
  readonly name: string;
  readonly contentType: string;
  readonly metadata: Record<string, unknown>;
  readonly declaredSize: number | undefined;
  readonly chunks: Buffer[];
  size: number;
  /** Bytes received in request bodies, including re-sent ones (tests assert a resume sends only the rest). */
  received: number;
  done: StoredObject | undefined;
}

/** A running GCS JSON API fake (see README.md: a FAKE, not Google's service). */
export interface GcsFake {
  /** http://127.0.0.1:<port>, for the SDK's `apiEndpoint`. */
  readonly endpoint: string;
  createBucket(name: string): void;
  /** Body bytes received by resumable sessions of `name` (all sessions). */
  receivedBytes(name: string): number;
  /** The resumable sessions of `name` that are still open. */
  openSessions(name: string): number;
  /** Bytes persisted by the open session of `name` (0 when there is none). */
  persistedBytes(name: string): number;
  /** Requests seen, as "METHOD path?uploadType", for assertions. */
  readonly requests: string[];
  stop(): Promise<void>;
  /** Cuts every connection and stops listening (a crash, as clients see it); the stored objects stay. */
  kill(): Promise<void>;
  /** Listens again on the same port (after `kill`). */
  start(): Promise<void>;
}

const CHUNK_MULTIPLE = 256 * 1024;

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly reason: string,
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

function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json; charset=UTF-8', ...headers });
  response.end(text);
}

function sendError(response: ServerResponse, error: HttpError): void {
  sendJson(response, error.status, {
    error: {
      code: error.status,
      message: error.message,
      errors: [{ message: error.message, domain: 'global', reason: error.reason }],
    },
  });
}

/**
 * Starts the fake on a free loopback port. It answers the subset of the GCS JSON API that @google-cloud/storage
 * uses (see ../../../shared/protocols/gcs-json-api.md in the workspace), checks that every call carries a
 * self-signed JWT of one of `accounts`, and keeps everything in memory.
 */
export async function startGcsFake(accounts: readonly TestServiceAccount[]): Promise<GcsFake> {
  const keys = new Map<string, KeyObject>(accounts.map((a) => [a.clientEmail, a.publicKey]));
  const buckets = new Map<string, Map<string, StoredObject>>();
  const sessions = new Map<string, Session>();
  const requests: string[] = [];
  let generation = Date.now() * 1000;
  let endpoint = '';

  const bucketOf = (name: string): Map<string, StoredObject> => {
    const bucket = buckets.get(name);
    if (bucket === undefined) throw new HttpError(404, 'The specified bucket does not exist.', 'notFound');
    return bucket;
  };

  const objectJson = (bucket: string, name: string, o: StoredObject): Record<string, unknown> => ({
    kind: 'storage#object',
    id: `${bucket}/${name}/${o.generation}`,
    selfLink: `${endpoint}/storage/v1/b/${bucket}/o/${encodeURIComponent(name)}`,
    mediaLink: `${endpoint}/download/storage/v1/b/${bucket}/o/${encodeURIComponent(name)}?generation=${o.generation}&alt=media`,
    name,
    bucket,
    generation: o.generation,
    metageneration: '1',
    contentType: o.contentType,
    storageClass: 'STANDARD',
    size: String(o.data.length),
    md5Hash: o.md5Hash,
    crc32c: o.crc32c,
    etag: Buffer.from(o.generation).toString('base64'),
    timeCreated: o.created,
    updated: o.created,
    timeStorageClassUpdated: o.created,
    ...(o.metadata === undefined ? {} : { metadata: o.metadata }),
  });

  /** Stores an object, checking the md5Hash / crc32c the client declared (GCS rejects a mismatch with 400). */
  const store = (
    bucket: string,
    name: string,
    data: Buffer,
    meta: Record<string, unknown>,
    contentType: string | undefined,
    query: URLSearchParams,
  ): StoredObject => {
    const objects = bucketOf(bucket);
    const md5Hash = createHash('md5').update(data).digest('base64');
    const crc32c = crc32cBase64(data);
    if (typeof meta.md5Hash === 'string' && meta.md5Hash !== md5Hash) {
      throw new HttpError(
        400,
        `Provided MD5 hash "${meta.md5Hash}" doesn't match calculated MD5 hash "${md5Hash}".`,
        'invalid',
      );
    }
    if (typeof meta.crc32c === 'string' && meta.crc32c !== crc32c) {
      throw new HttpError(
        400,
        `Provided CRC32C "${meta.crc32c}" doesn't match calculated CRC32C "${crc32c}".`,
        'invalid',
      );
    }
    const ifGeneration = query.get('ifGenerationMatch');
    if (ifGeneration !== null) {
      const current = objects.get(name)?.generation ?? '0';
      if (current !== ifGeneration) {
        throw new HttpError(412, 'At least one of the pre-conditions you specified did not hold.', 'conditionNotMet');
      }
    }
    const stored: StoredObject = {
      data,
      generation: String(++generation),
      contentType:
        contentType ?? (typeof meta.contentType === 'string' ? meta.contentType : 'application/octet-stream'),
      md5Hash,
      crc32c,
      created: new Date().toISOString(),
      metadata: (meta.metadata as Record<string, string> | undefined) ?? undefined,
    };
    objects.set(name, stored);
    return stored;
  };

  const getObject = (bucket: string, name: string): StoredObject => {
    const object = bucketOf(bucket).get(name);
    if (object === undefined) throw new HttpError(404, `No such object: ${bucket}/${name}`, 'notFound');
    return object;
  };

  const list = (bucket: string, query: URLSearchParams): Record<string, unknown> => {
    const objects = bucketOf(bucket);
    const prefix = query.get('prefix') ?? '';
    const delimiter = query.get('delimiter') ?? '';
    const max = Math.min(1000, Number(query.get('maxResults') ?? 1000) || 1000);
    const after = query.has('pageToken') ? Buffer.from(query.get('pageToken')!, 'base64url').toString() : undefined;
    // Objects and prefixes share one sorted sequence; maxResults counts both, as on GCS.
    const seen = new Set<string>();
    const entries: { key: string; prefix: boolean }[] = [];
    for (const name of [...objects.keys()].sort()) {
      if (!name.startsWith(prefix)) continue;
      const rest = name.slice(prefix.length);
      const cut = delimiter === '' ? -1 : rest.indexOf(delimiter);
      if (cut >= 0) {
        const p = prefix + rest.slice(0, cut + delimiter.length);
        if (!seen.has(p)) {
          seen.add(p);
          entries.push({ key: p, prefix: true });
        }
      } else entries.push({ key: name, prefix: false });
    }
    const remaining = entries.filter((e) => after === undefined || e.key > after);
    const page = remaining.slice(0, max);
    const items = page.filter((e) => !e.prefix).map((e) => objectJson(bucket, e.key, objects.get(e.key)!));
    const prefixes = page.filter((e) => e.prefix).map((e) => e.key);
    return {
      kind: 'storage#objects',
      ...(items.length > 0 ? { items } : {}),
      ...(prefixes.length > 0 ? { prefixes } : {}),
      ...(remaining.length > max
        ? { nextPageToken: Buffer.from(page[page.length - 1]!.key).toString('base64url') }
        : {}),
    };
  };

  const download = (request: IncomingMessage, response: ServerResponse, object: StoredObject): void => {
    const headers: Record<string, string> = {
      'content-type': object.contentType,
      'x-goog-hash': `crc32c=${object.crc32c},md5=${object.md5Hash}`,
      'x-goog-generation': object.generation,
      'x-goog-metageneration': '1',
      'x-goog-stored-content-length': String(object.data.length),
      'accept-ranges': 'bytes',
    };
    const range = /^bytes=(\d*)-(\d*)$/.exec(request.headers.range ?? '');
    if (request.headers.range === undefined || range === null) {
      response.writeHead(200, { ...headers, 'content-length': String(object.data.length) });
      response.end(object.data);
      return;
    }
    const size = object.data.length;
    let start: number;
    let end: number;
    if (range[1] === '') {
      start = Math.max(0, size - Number(range[2]));
      end = size - 1;
    } else {
      start = Number(range[1]);
      end = range[2] === '' ? size - 1 : Math.min(size - 1, Number(range[2]));
    }
    if (start >= size || end < start) {
      response.writeHead(416, { 'content-type': 'text/plain', 'content-range': `bytes */${size}` });
      response.end('Request range not satisfiable');
      return;
    }
    response.writeHead(206, {
      ...headers,
      'content-length': String(end - start + 1),
      'content-range': `bytes ${start}-${end}/${size}`,
    });
    response.end(object.data.subarray(start, end + 1));
  };

  /** One PUT to a resumable session: a chunk, the last chunk, or a status query. */
  const resumablePut = async (request: IncomingMessage, response: ServerResponse, session: Session): Promise<void> => {
    const body = await readBody(request);
    session.received += body.length;
    const contentRange = request.headers['content-range'] ?? '';
    const stored = (): Record<string, string> => (session.size > 0 ? { range: `bytes=0-${session.size - 1}` } : {});
    const finish = (): void => {
      const data = Buffer.concat(session.chunks, session.size);
      session.done ??= store(
        session.bucket,
        session.name,
        data,
        session.metadata,
        session.contentType,
        new URLSearchParams(),
      );
      sendJson(response, 200, objectJson(session.bucket, session.name, session.done));
    };
    if (session.done !== undefined) return finish();
    const status = /^bytes \*\/(\d+|\*)$/.exec(contentRange);
    if (status !== null) {
      if (status[1] !== '*' && Number(status[1]) === session.size) return finish();
      response.writeHead(308, stored());
      return void response.end();
    }
    const chunk = /^bytes (\d+)-(\d+|\*)\/(\d+|\*)$/.exec(contentRange);
    if (chunk === null && contentRange !== '') {
      throw new HttpError(400, `Invalid Content-Range: ${contentRange}`, 'invalid');
    }
    const first = chunk === null ? 0 : Number(chunk[1]);
    const total = chunk === null ? body.length : chunk[3] === '*' ? undefined : Number(chunk[3]);
    if (chunk !== null && chunk[2] !== '*' && Number(chunk[2]) - first + 1 !== body.length) {
      throw new HttpError(400, 'Content-Range does not match the body length.', 'invalid');
    }
    if (first > session.size) {
      throw new HttpError(400, `Invalid request: the upload has ${session.size} bytes, not ${first}.`, 'invalid');
    }
    // Bytes already persisted may be sent again (after a lost response): keep only the new tail.
    const fresh = body.subarray(session.size - first);
    const final = total !== undefined || (chunk !== null && chunk[2] === '*');
    if (!final && fresh.length % CHUNK_MULTIPLE !== 0) {
      throw new HttpError(400, 'Chunk sizes must be multiples of 256 KiB except the last.', 'invalid');
    }
    session.chunks.push(Buffer.from(fresh));
    session.size += fresh.length;
    if (total !== undefined && session.size > total) {
      throw new HttpError(400, 'More bytes than the declared total.', 'invalid');
    }
    if (final && (total === undefined || session.size === total)) return finish();
    response.writeHead(308, stored());
    response.end();
  };

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const url = new URL(request.url ?? '/', 'http://fake');
    const query = url.searchParams;
    requests.push(`${request.method} ${url.pathname}${query.has('uploadType') ? `?${query.get('uploadType')}` : ''}`);
    // Every route needs a valid self-signed service-account JWT, like the real service needs a valid token;
    // a resumable session URI is itself the credential (the SDK sends its chunks without a token).
    const sessionCall = url.pathname.startsWith('/upload/') && sessions.has(query.get('upload_id') ?? '');
    const problem = sessionCall ? undefined : bearerProblem(request.headers.authorization, keys);
    if (problem !== undefined) {
      await readBody(request);
      throw new HttpError(
        problem === 'Insufficient Permission' ? 403 : 401,
        problem,
        problem === 'Insufficient Permission' ? 'insufficientPermissions' : 'required',
      );
    }
    const path = url.pathname.replace(/^\/storage\/v1(?=\/b)/, '');
    const uploadPath = /^\/upload\/storage\/v1\/b\/([^/]+)\/o$/.exec(url.pathname);
    if (uploadPath !== null) {
      const bucket = decodeURIComponent(uploadPath[1]!);
      const uploadId = query.get('upload_id');
      if (uploadId !== null) {
        const session = sessions.get(uploadId);
        if (session === undefined) throw new HttpError(404, 'No such upload session.', 'notFound');
        if (request.method === 'DELETE') {
          sessions.delete(uploadId);
          response.writeHead(499);
          return void response.end();
        }
        return resumablePut(request, response, session);
      }
      const body = await readBody(request);
      if (query.get('uploadType') === 'multipart') {
        let parsed;
        try {
          parsed = parseMultipartRelated(request.headers['content-type'], body);
        } catch (error) {
          throw new HttpError(400, (error as Error).message, 'invalid');
        }
        const name = (parsed.metadata.name as string | undefined) ?? query.get('name');
        if (!name) throw new HttpError(400, 'Required parameter: name', 'required');
        const object = store(bucket, name, parsed.media, parsed.metadata, parsed.mediaContentType, query);
        return sendJson(response, 200, objectJson(bucket, name, object));
      }
      if (query.get('uploadType') === 'resumable') {
        bucketOf(bucket);
        const metadata = body.length > 0 ? (JSON.parse(body.toString()) as Record<string, unknown>) : {};
        const name = (metadata.name as string | undefined) ?? query.get('name');
        if (!name) throw new HttpError(400, 'Required parameter: name', 'required');
        const id = randomBytes(16).toString('base64url');
        const declared = request.headers['x-upload-content-length'];
        sessions.set(id, {
          bucket,
          name,
          contentType: String(
            request.headers['x-upload-content-type'] ?? metadata.contentType ?? 'application/octet-stream',
          ),
          metadata,
          declaredSize: declared === undefined ? undefined : Number(declared),
          chunks: [],
          size: 0,
          received: 0,
          done: undefined,
        });
        const location = `${endpoint}/upload/storage/v1/b/${encodeURIComponent(bucket)}/o?uploadType=resumable&name=${encodeURIComponent(name)}&upload_id=${id}`;
        response.writeHead(200, { location, 'content-length': '0' });
        return void response.end();
      }
      throw new HttpError(400, 'Unsupported uploadType.', 'invalid');
    }
    await readBody(request);
    if (path === '/b' && request.method === 'POST')
      throw new HttpError(400, "Create buckets with the fake's createBucket().", 'invalid');
    const rewrite = /^\/b\/([^/]+)\/o\/(.+)\/rewriteTo\/b\/([^/]+)\/o\/(.+)$/.exec(path);
    if (rewrite !== null && request.method === 'POST') {
      const [, sb, so, db, dob] = rewrite.map((s) => decodeURIComponent(s ?? '')) as string[];
      const source = getObject(sb!, so!);
      const copy = store(db!, dob!, source.data, { metadata: source.metadata }, source.contentType, query);
      return sendJson(response, 200, {
        kind: 'storage#rewriteResponse',
        totalBytesRewritten: String(copy.data.length),
        objectSize: String(copy.data.length),
        done: true,
        resource: objectJson(db!, dob!, copy),
      });
    }
    const objectPath = /^\/b\/([^/]+)\/o\/(.+)$/.exec(path);
    if (objectPath !== null) {
      const bucket = decodeURIComponent(objectPath[1]!);
      const name = decodeURIComponent(objectPath[2]!);
      if (request.method === 'GET') {
        const object = getObject(bucket, name);
        const wanted = query.get('generation');
        if (wanted !== null && wanted !== object.generation)
          throw new HttpError(404, `No such object: ${bucket}/${name}#${wanted}`, 'notFound');
        if (query.get('alt') === 'media') return download(request, response, object);
        return sendJson(response, 200, objectJson(bucket, name, object));
      }
      if (request.method === 'DELETE') {
        getObject(bucket, name);
        bucketOf(bucket).delete(name);
        response.writeHead(204);
        return void response.end();
      }
    }
    const objectsPath = /^\/b\/([^/]+)\/o$/.exec(path);
    if (objectsPath !== null && request.method === 'GET')
      return sendJson(response, 200, list(decodeURIComponent(objectsPath[1]!), query));
    const bucketPath = /^\/b\/([^/]+)$/.exec(path);
    if (bucketPath !== null && request.method === 'GET') {
      const name = decodeURIComponent(bucketPath[1]!);
      bucketOf(name);
      return sendJson(response, 200, {
        kind: 'storage#bucket',
        id: name,
        name,
        location: 'EU',
        storageClass: 'STANDARD',
      });
    }
    throw new HttpError(404, `Not Found: ${request.method} ${url.pathname}`, 'notFound');
  };

  const server: Server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (response.headersSent) return void response.destroy();
      sendError(response, error instanceof HttpError ? error : new HttpError(500, String(error), 'backendError'));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  endpoint = `http://127.0.0.1:${port}`;
  const close = (): Promise<void> =>
    new Promise<void>((resolve) => {
      if (!server.listening) return resolve();
      server.close(() => resolve());
      // Requests in progress included: their sockets are destroyed mid-body.
      server.closeAllConnections();
    });
  return {
    endpoint,
    requests,
    createBucket: (name) => void buckets.set(name, buckets.get(name) ?? new Map()),
    receivedBytes: (name) => [...sessions.values()].filter((s) => s.name === name).reduce((n, s) => n + s.received, 0),
    persistedBytes: (name) => [...sessions.values()].find((s) => s.name === name && s.done === undefined)?.size ?? 0,
    openSessions: (name) => [...sessions.values()].filter((s) => s.name === name && s.done === undefined).length,
    stop: () => close(),
    kill: () => close(),
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
