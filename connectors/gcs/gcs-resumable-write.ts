import { createHash } from 'node:crypto';
import { CRC32C, type File } from '@google-cloud/storage';
import { ConnectorError } from '../connector-error';
import { type MultiHasher } from '../hashing';
import { type ChunkedUploadTarget } from '../chunked-upload/chunked-upload-target';
import { resumableUpload } from '../google/google-resumable-upload';
import { mapGcsError } from './map-gcs-error';

/** The resume-state key of a resumable upload: bucket, object and announced size. */
export function sessionStateKey(bucket: string, name: string, size: number | undefined): string {
  return `gcs:${bucket}/${name}#${size ?? 'unknown'}`;
}

/** What a resumable write needs: chunks are sent one at a time, in order (`partSize` a multiple of 256 KiB). */
export interface ResumableTarget extends ChunkedUploadTarget {
  readonly file: File;
  readonly bucket: string;
}

interface ObjectResource {
  readonly size?: string;
  readonly md5Hash?: string;
  readonly crc32c?: string;
}

async function failure(response: Response, path: string): Promise<ConnectorError> {
  let message = `${response.status} ${response.statusText}`;
  try {
    const body = (await response.json()) as { error?: { message?: string } };
    message = body.error?.message ?? message;
  } catch {
    // not JSON: keep the status line
  }
  return mapGcsError(Object.assign(new Error(message), { code: response.status }), path);
}

/**
 * Streams into a Cloud Storage resumable session (the protocol the SDK implements, done in
 * google-resumable-upload.ts so an abort really stops it and a resume is exact). Every byte is hashed, and the
 * finished object's MD5 and CRC32C must equal them.
 */
export async function resumableWrite(
  target: ResumableTarget,
  chunks: AsyncIterator<Buffer>,
  hasher: MultiHasher,
): Promise<{ readonly size: number }> {
  const crc = new CRC32C();
  const md5 = createHash('md5');
  const { size, resource } = await resumableUpload(
    {
      target,
      stateKey: sessionStateKey(target.bucket, target.file.name, target.size),
      async open() {
        try {
          const [uri] = await target.file.createResumableUpload({
            metadata: target.size === undefined ? {} : { contentLength: target.size },
          });
          return uri;
        } catch (error) {
          throw mapGcsError(error, target.path);
        }
      },
      digest(chunk) {
        crc.update(chunk);
        md5.update(chunk);
      },
      mapError: (error) => mapGcsError(error, target.path),
      failure: (response) => failure(response, target.path),
    },
    chunks,
    hasher,
  );
  const object = resource as ObjectResource | undefined;
  const ours = { md5: md5.digest('base64'), crc32c: crc.toString() };
  if (
    object === undefined ||
    Number(object.size) !== size ||
    (object.md5Hash !== undefined && object.md5Hash !== ours.md5) ||
    (object.crc32c !== undefined && object.crc32c !== ours.crc32c)
  ) {
    throw new ConnectorError(
      'Integrity',
      `The stored object (size ${object?.size}, md5 ${object?.md5Hash}, crc32c ${object?.crc32c}) differs from what was sent: ${target.path}`,
      { path: target.path },
    );
  }
  return { size };
}
