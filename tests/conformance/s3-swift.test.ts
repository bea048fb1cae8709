import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll } from 'vitest';
import { S3Driver } from '../../connectors/s3/s3-driver';
import { startSwift, swiftAvailability, type SwiftServer } from '../servers/swift-server';
import { describeConformance } from './describe-conformance';

const swift = swiftAvailability();
let server: SwiftServer | undefined;

beforeAll(async () => {
  if (!swift.available) return;
  server = await startSwift();
  const admin = new S3Driver(optionsFor(server));
  await admin.client.send(new CreateBucketCommand({ Bucket: 'conformance' }));
  await admin.close();
});

// File level (not the suite's cleanup), so the server also stops when beforeAll fails halfway.
afterAll(async () => server?.stop());

function optionsFor(s: SwiftServer): ConstructorParameters<typeof S3Driver>[0] {
  return {
    provider: 'other',
    endpoint: s.endpoint,
    region: 'us-east-1',
    bucket: 'conformance',
    prefix: 'root',
    accessKeyId: s.accessKeyId,
    secretAccessKey: s.secretAccessKey,
    compatibility: 'auto',
    serverSideEncryption: 'none',
    // Parts in memory = (concurrency + 1) ring buffers + the first part: 20 MiB here, under the suite's bound.
    partSizeMiB: 5,
    uploadConcurrency: 2,
  };
}

// Swift's s3api checks SigV4 signatures and Content-MD5 and rejects aws-chunked uploads: the strict S3 target,
// reached with the "other" profile's defaults (path-style, compatible checksums).
// Large reads split into parallel ranged GETs from 16 MiB (default 256), so the suite's 64 MiB file, memory bound
// and outage cases run through them: 3 ranges of 4 MiB at once.
const SPLIT_READS = { cutoff: 16 * 1024 * 1024, chunkSize: 4 * 1024 * 1024, streams: 3 };

describeConformance(
  's3 (OpenStack Swift s3api, compatible mode)',
  () => {
    if (server === undefined) throw new Error('Swift did not start');
    return new S3Driver(optionsFor(server), {}, { rangedRead: SPLIT_READS });
  },
  {
    ...(swift.available ? {} : { skipReason: swift.reason }),
    outage: { stop: async () => server?.stopProxy(), start: async () => server?.startProxy() },
  },
);
