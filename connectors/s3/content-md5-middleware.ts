import { createHash } from 'node:crypto';
import { type S3Client } from '@aws-sdk/client-s3';

// Commands whose API requires an integrity header (S3 "httpChecksumRequired"); SDK >= 3.729 sends a CRC32 there,
// while older stores (Swift s3api, Ceph before Squid, ...) only accept Content-MD5.
const MD5_REQUIRED = new Set([
  'DeleteObjectsCommand',
  'PutBucketCorsCommand',
  'PutBucketLifecycleConfigurationCommand',
  'PutBucketPolicyCommand',
  'PutObjectLockConfigurationCommand',
]);

interface MaybeHttpRequest {
  headers?: Record<string, string>;
  body?: unknown;
}

/**
 * Adds Content-MD5 to the requests of commands that need an integrity header, computed over the serialized
 * body (a build-step middleware, so the signature covers it). Used in compatible mode.
 */
export function addContentMd5Middleware(client: S3Client): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const request = args.request as MaybeHttpRequest;
      if (MD5_REQUIRED.has(context.commandName ?? '') && request.headers !== undefined) {
        const body = request.body;
        if (typeof body === 'string' || body instanceof Uint8Array) {
          request.headers['content-md5'] = createHash('md5').update(body).digest('base64');
        }
      }
      return next(args);
    },
    { step: 'build', name: 'ferryContentMd5', priority: 'low', override: true },
  );
}
