import { type S3Client } from '@aws-sdk/client-s3';

const SHA256_HEADER = 'x-amz-content-sha256';

interface MaybeHttpRequest {
  headers?: Record<string, string>;
}

/**
 * Signs uploads that carry Content-MD5 with UNSIGNED-PAYLOAD instead of the body's SHA-256. The signed Content-MD5
 * already binds the body (the store refuses any other bytes), and the SHA-256 the signer would compute is one more
 * full pass over every part on the transfer's only thread: about a third of an upload's hashing.
 */
export function addUnsignedPayloadMiddleware(client: S3Client): void {
  client.middlewareStack.add(
    (next) => async (args) => {
      const headers = (args.request as MaybeHttpRequest).headers;
      if (headers !== undefined && headers['content-md5'] !== undefined && headers[SHA256_HEADER] === undefined) {
        headers[SHA256_HEADER] = 'UNSIGNED-PAYLOAD';
      }
      return next(args);
    },
    // After Content-MD5 is set (serialize, or the compatible mode's build step), before signing (finalize).
    { step: 'build', name: 'ferryUnsignedPayload', priority: 'low', override: true },
  );
}
