import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { DeleteObjectsCommand, PutObjectCommand, UploadPartCommand } from '@aws-sdk/client-s3';
import { type HttpRequest, HttpResponse } from '@smithy/protocol-http';
import { describe, expect, it } from 'vitest';
import { type S3Options } from '../../../shared/connectors/s3-descriptor';
import { createS3Client } from '../../../connectors/s3/s3-client';
import { resolveS3Settings } from '../../../connectors/s3/s3-provider-profiles';

const OPTIONS: S3Options = {
  provider: 'other',
  endpoint: 'http://127.0.0.1:9',
  bucket: 'b',
  prefix: '',
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'secret',
  compatibility: 'compatible',
  serverSideEncryption: 'none',
  partSizeMiB: 8,
  uploadConcurrency: 4,
};

// Sends one command through the real client, answering locally, and returns the request as it was signed.
async function signed(compatibility: S3Options['compatibility'], command: object): Promise<HttpRequest> {
  const options = { ...OPTIONS, compatibility };
  const client = createS3Client(options, resolveS3Settings(options));
  let seen: HttpRequest | undefined;
  client.middlewareStack.add(
    () => async (args) => {
      seen = args.request as HttpRequest;
      const body = Readable.from([Buffer.from('<DeleteResult/>')]);
      const response = new HttpResponse({ statusCode: 200, headers: { etag: '"x"' }, body });
      return { response, output: { $metadata: {} } };
    },
    { step: 'finalizeRequest', name: 'answerLocally', priority: 'low' },
  );
  await client.send(command as PutObjectCommand).catch(() => undefined);
  client.destroy();
  if (seen === undefined) throw new Error('nothing was sent');
  return seen;
}

describe('S3 upload signing', () => {
  const body = Buffer.alloc(64 * 1024, 7);
  const md5 = createHash('md5').update(body).digest('base64');

  it.each(['compatible', 'modern'] as const)(
    'signs parts and objects bound by Content-MD5 without hashing the body again (%s)',
    async (compatibility) => {
      for (const command of [
        new PutObjectCommand({ Bucket: 'b', Key: 'k', Body: body, ContentLength: body.length, ContentMD5: md5 }),
        new UploadPartCommand({
          Bucket: 'b',
          Key: 'k',
          UploadId: 'u',
          PartNumber: 1,
          Body: body,
          ContentLength: body.length,
          ContentMD5: md5,
        }),
      ]) {
        const request = await signed(compatibility, command);
        expect(request.headers['x-amz-content-sha256']).toBe('UNSIGNED-PAYLOAD');
        expect(request.headers['content-md5']).toBe(md5);
        // The body stays bound: Content-MD5 is among the signed headers.
        expect(request.headers.authorization).toMatch(/SignedHeaders=[^,]*content-md5/);
      }
    },
  );

  it('still signs the payload of requests without Content-MD5', async () => {
    const request = await signed(
      'modern',
      new PutObjectCommand({ Bucket: 'b', Key: 'k', Body: body, ContentLength: body.length }),
    );
    expect(request.headers['x-amz-content-sha256']).toBe(createHash('sha256').update(body).digest('hex'));
  });

  it('keeps the compatible mode Content-MD5 of commands that require an integrity header', async () => {
    const request = await signed(
      'compatible',
      new DeleteObjectsCommand({ Bucket: 'b', Delete: { Objects: [{ Key: 'k' }] } }),
    );
    expect(request.headers['content-md5']).toBeDefined();
    expect(request.headers.authorization).toMatch(/SignedHeaders=[^,]*content-md5/);
  });
});
