import { S3Client } from '@aws-sdk/client-s3';
import { type S3Options } from '../../shared/connectors/s3-descriptor';
import { addContentMd5Middleware } from './content-md5-middleware';
import { addUnsignedPayloadMiddleware } from './unsigned-payload-middleware';
import { type S3Settings } from './s3-provider-profiles';

/**
 * The SDK client for a connector: static credentials (never the environment's or ~/.aws: a connector uses exactly
 * its own), the profile's endpoint and addressing, and in compatible mode checksums only where required plus
 * Content-MD5 where the API demands an integrity header; bodies bound by Content-MD5 are not hashed again to sign.
 */
export function createS3Client(options: S3Options, settings: S3Settings): S3Client {
  const client = new S3Client({
    region: settings.region,
    ...(settings.endpoint === undefined ? {} : { endpoint: settings.endpoint }),
    forcePathStyle: settings.pathStyle,
    credentials: {
      accessKeyId: options.accessKeyId,
      secretAccessKey: options.secretAccessKey,
      ...(options.sessionToken === undefined || options.sessionToken === ''
        ? {}
        : { sessionToken: options.sessionToken }),
    },
    requestChecksumCalculation: settings.compatible ? 'WHEN_REQUIRED' : 'WHEN_SUPPORTED',
    responseChecksumValidation: settings.compatible ? 'WHEN_REQUIRED' : 'WHEN_SUPPORTED',
    // Ferry's transfer engine retries Retryable errors itself, with backoff and resume.
    maxAttempts: 2,
  });
  if (settings.compatible) addContentMd5Middleware(client);
  addUnsignedPayloadMiddleware(client);
  return client;
}
