// Helpers of the offer upload tests: a listening platform, offers as rows, tus-js-client runs and raw tus calls.
import { createHash, randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { Upload, type DetailedError } from 'tus-js-client';
import { buildApp, type BuildAppOptions } from '../../../platform/build-app';
import type { Database } from '../../../platform/db/database';
import { offers } from '../../../platform/db/schema';
import { newId } from '../../../platform/auth/secret-token';
import type { TestEnv } from '../platform-harness';

/** One mebibyte. */
export const MiB = 1024 * 1024;

/** A platform listening on a loopback port, with the harness's call shortcut. */
export interface ListeningPlatform extends TestEnv {
  readonly base: string;
}

/** Builds the app on `db` and listens on 127.0.0.1 (tus-js-client speaks real HTTP). */
export async function listeningPlatform(
  db: Database,
  kind: TestEnv['kind'],
  options: Omit<BuildAppOptions, 'db'> = {},
): Promise<ListeningPlatform> {
  const app: FastifyInstance = await buildApp({ authRateLimit: { max: 1000, timeWindowMs: 60_000 }, ...options, db });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    kind,
    app,
    db,
    base: `http://127.0.0.1:${port}`,
    clock: { now: () => new Date(), advance: () => undefined },
    call: (method, url, { token, body } = {}) =>
      app.inject({
        method: method as 'GET',
        url,
        ...(token !== undefined ? { headers: { authorization: `Bearer ${token}` } } : {}),
        ...(body !== undefined ? { payload: body as object } : {}),
      }),
  };
}

/** Inserts an offer row (the offers API belongs to another part; uploads need only the row). */
export async function insertOffer(
  db: Database,
  orgId: string,
  changes: Partial<typeof offers.$inferInsert> = {},
): Promise<string> {
  const id = newId('off');
  const now = new Date();
  await db.insert(offers).values({
    id,
    orgId,
    title: `Offer ${id}`,
    kind: 'one-shot',
    status: 'draft',
    maxFileSize: 64 * MiB,
    createdAt: now,
    updatedAt: now,
    ...changes,
  });
  return id;
}

/** Random bytes and their SHA-256. */
export function someBytes(size: number): { bytes: Buffer; sha256: string } {
  const bytes = randomBytes(size);
  return { bytes, sha256: createHash('sha256').update(bytes).digest('hex') };
}

/** The SHA-256 of bytes, hex. */
export function sha256Of(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** How a tus-js-client run ended. */
export interface TusRun {
  readonly url: string | null;
  readonly error: DetailedError | Error | null;
  /** The last response's X-Ferry-File-Id (on success). */
  readonly fileId: string | null;
  /** Offsets of the PATCH requests the client sent, in order. */
  readonly patchOffsets: number[];
}

/**
 * Runs tus-js-client until success, error or (with `abortAfter`) once that many bytes were accepted, then aborts.
 * `uploadUrl` resumes an existing upload (the client asks HEAD for the offset first).
 */
export function runTus(
  bytes: Buffer,
  options: {
    readonly endpoint?: string;
    readonly uploadUrl?: string;
    readonly token: string;
    readonly metadata: Record<string, string>;
    readonly chunkSize?: number;
    readonly abortAfter?: number;
  },
): Promise<TusRun> {
  return new Promise((resolve) => {
    const patchOffsets: number[] = [];
    const upload: Upload = new Upload(bytes, {
      endpoint: options.endpoint ?? null,
      uploadUrl: options.uploadUrl ?? null,
      metadata: options.metadata,
      headers: { authorization: `Bearer ${options.token}` },
      chunkSize: options.chunkSize ?? MiB,
      retryDelays: null,
      storeFingerprintForResuming: false,
      onBeforeRequest: (req) => {
        if (req.getMethod() === 'PATCH') patchOffsets.push(Number(req.getHeader('Upload-Offset')));
      },
      onChunkComplete: (_chunk, accepted) => {
        if (options.abortAfter !== undefined && accepted >= options.abortAfter) {
          void upload.abort().then(() => resolve({ url: upload.url, error: null, fileId: null, patchOffsets }));
        }
      },
      onSuccess: ({ lastResponse }) =>
        resolve({
          url: upload.url,
          error: null,
          fileId: lastResponse.getHeader('X-Ferry-File-Id') ?? null,
          patchOffsets,
        }),
      onError: (error) => resolve({ url: upload.url, error, fileId: null, patchOffsets }),
    });
    upload.start();
  });
}

/** tus Upload-Metadata: keys with base64 values. */
export function tusMetadata(values: Readonly<Record<string, string>>): string {
  return Object.entries(values)
    .map(([key, value]) => `${key} ${Buffer.from(value, 'utf8').toString('base64')}`)
    .join(',');
}

/** A raw tus request (fetch), Tus-Resumable and the bearer token set. */
export function tusCall(
  url: string,
  method: 'POST' | 'HEAD' | 'PATCH' | 'DELETE',
  token: string | null,
  headers: Record<string, string> = {},
  body?: Buffer,
): Promise<Response> {
  return fetch(url, {
    method,
    headers: {
      'tus-resumable': '1.0.0',
      ...(token === null ? {} : { authorization: `Bearer ${token}` }),
      ...headers,
    },
    ...(body === undefined ? {} : { body }),
  });
}
