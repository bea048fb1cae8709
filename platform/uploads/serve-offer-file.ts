// Streams one stored offer file to an HTTP client: ranges, hash headers, a safe file name, never buffered.
import { Readable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ByteRange, Driver } from '../../connectors/driver';

/** What serving needs of an offer_files row. */
export interface ServableOfferFile {
  /** Key under the offer storage's root (`uploads/<id>`, `offers/<offerId>/<fileId>`). */
  readonly storageKey: string;
  readonly size: number;
  /** Lower-case hex SHA-256 of the stored bytes. */
  readonly sha256: string;
  /** The file's name, offered to the client as the download name. */
  readonly name: string;
}

/** A `Range` header's meaning for a representation of a known size. */
export type RangeRequest =
  | { readonly kind: 'full' }
  | { readonly kind: 'partial'; readonly start: number; readonly end: number }
  | { readonly kind: 'unsatisfiable' };

const SINGLE_RANGE = /^bytes=\s*(\d*)\s*-\s*(\d*)\s*$/i;

/**
 * Reads a `Range` header (RFC 9110 §14): one range `a-b`, `a-` or `-n`. A missing, malformed, multi-range or non-byte
 * header means the whole file (a server may ignore Range); a well-formed range that no byte satisfies is unsatisfiable.
 */
export function parseRange(header: string | undefined, size: number): RangeRequest {
  if (header === undefined) return { kind: 'full' };
  const match = SINGLE_RANGE.exec(header);
  if (match === null) return { kind: 'full' };
  const [, first = '', last = ''] = match;
  if (first === '' && last === '') return { kind: 'full' };
  if (first === '') {
    // Suffix: the last n bytes; zero bytes, or any suffix of an empty file, satisfies nothing.
    const length = Number(last);
    if (!Number.isSafeInteger(length)) return { kind: 'full' };
    if (length === 0 || size === 0) return { kind: 'unsatisfiable' };
    return { kind: 'partial', start: Math.max(0, size - length), end: size - 1 };
  }
  const start = Number(first);
  const end = last === '' ? size - 1 : Number(last);
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end)) return { kind: 'full' };
  if (last !== '' && end < start) return { kind: 'full' };
  if (start >= size) return { kind: 'unsatisfiable' };
  return { kind: 'partial', start, end: Math.min(end, size - 1) };
}

// RFC 5987 attr-char: everything else is percent-encoded (encodeURIComponent leaves ' ( ) * as they are).
function encodeRfc5987(value: string): string {
  return encodeURIComponent(value).replace(/['()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * `Content-Disposition: attachment` with an ASCII fallback `filename` (anything outside printable ASCII, quotes,
 * backslashes and path separators become `_`) and the exact name as RFC 6266 / 5987 `filename*`.
 */
export function contentDisposition(name: string): string {
  // Only the last segment: a client must never be told to write into a folder.
  const base = name.slice(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1) || 'download';
  const fallback = base.replace(/[^\x20-\x7e]|["\\%;]/g, '_');
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encodeRfc5987(base)}`;
}

/** The SHA-256 as the base64 a `Repr-Digest` / `Digest` header carries. */
function base64Of(sha256Hex: string): string {
  return Buffer.from(sha256Hex, 'hex').toString('base64');
}

// A header repeated is not something these conditional headers allow: read as absent.
function headerOf(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return typeof value === 'string' ? value : undefined;
}

/** Whether `If-None-Match` / `If-Range` names this file's strong ETag. */
function etagMatches(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  return header
    .split(',')
    .map((tag) => tag.trim())
    .some((tag) => tag === '*' || tag === etag || tag === `W/${etag}`);
}

/**
 * Answers a GET or HEAD for one offer file from the offer storage's driver: `Accept-Ranges: bytes`, a single Range as
 * 206 with `Content-Range` (416 with `Content-Range: bytes *\/size` when unsatisfiable; `If-Range` honoured),
 * `Content-Length`, `ETag: "<sha256>"`, `Repr-Digest: sha-256=:<base64>:` (RFC 9530), `Digest: sha-256=<base64>`
 * (RFC 3230), `X-Ferry-SHA256: <hex>` and an attachment `Content-Disposition`. The bytes are streamed from the driver
 * (bounded memory) and the read is aborted when the client goes away. HEAD opens nothing, so it works whether the
 * route lists HEAD itself or relies on Fastify's automatic HEAD route. The caller has authorised the request.
 */
export async function serveOfferFile(
  storage: { readonly driver: Driver },
  file: ServableOfferFile,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<FastifyReply> {
  const etag = `"${file.sha256}"`;
  const digest = base64Of(file.sha256);
  reply
    .header('accept-ranges', 'bytes')
    .header('etag', etag)
    .header('repr-digest', `sha-256=:${digest}:`)
    .header('digest', `sha-256=${digest}`)
    .header('x-ferry-sha256', file.sha256)
    .header('content-disposition', contentDisposition(file.name))
    .header('content-type', 'application/octet-stream')
    .header('x-content-type-options', 'nosniff')
    .header('cache-control', 'private, no-cache');
  if (etagMatches(headerOf(request, 'if-none-match'), etag)) return reply.code(304).send();
  const ifRange = headerOf(request, 'if-range');
  const rangeValue = headerOf(request, 'range');
  // A Range for another version of the file (If-Range not this ETag) gets the whole current file.
  const rangeHeader = ifRange === undefined || etagMatches(ifRange, etag) ? rangeValue : undefined;
  const range = parseRange(rangeHeader, file.size);
  if (range.kind === 'unsatisfiable') {
    return reply.code(416).header('content-range', `bytes */${file.size}`).header('content-length', '0').send('');
  }
  let byteRange: ByteRange | undefined;
  let length = file.size;
  if (range.kind === 'partial') {
    length = range.end - range.start + 1;
    byteRange = { offset: range.start, length };
    reply.code(206).header('content-range', `bytes ${range.start}-${range.end}/${file.size}`);
  } else {
    reply.code(200);
  }
  reply.header('content-length', String(length));
  // HEAD: headers only; an empty stream keeps Content-Length (Fastify's HEAD hook would drain a real one).
  if (request.method === 'HEAD' || length === 0) return reply.send(Readable.from([]));
  const abort = new AbortController();
  // The client went away (or the response failed) before the last byte: stop reading from the storage.
  reply.raw.once('close', () => {
    if (!reply.raw.writableFinished) abort.abort();
  });
  const stream = await storage.driver.read(file.storageKey, { range: byteRange, signal: abort.signal });
  return reply.send(stream);
}
