import { afterAll, beforeAll } from 'vitest';
import { S3Driver } from '../../connectors/s3/s3-driver';
import { fauxqsAvailability, startFauxqs, type FauxqsServer } from '../servers/fauxqs-server';
import { describeConformance } from './describe-conformance';

const fauxqs = fauxqsAvailability();
let server: FauxqsServer | undefined;

beforeAll(async () => {
  if (!fauxqs.available) return;
  server = await startFauxqs();
  server.createBucket('conformance');
});

// File level (not the suite's cleanup), so the server also stops when beforeAll fails halfway.
afterAll(async () => server?.stop());

// fauxqs follows the SDK's modern defaults (CRC checksums, aws-chunked): the driver runs in modern mode here.
describeConformance(
  's3 (fauxqs, modern checksums)',
  () => {
    if (server === undefined) throw new Error('fauxqs did not start');
    return new S3Driver({
      provider: 'other',
      endpoint: server.endpoint,
      region: 'us-east-1',
      bucket: 'conformance',
      prefix: 'root/folder',
      accessKeyId: 'test',
      secretAccessKey: 'test',
      pathStyle: true,
      compatibility: 'modern',
      serverSideEncryption: 'none',
      partSizeMiB: 8,
      uploadConcurrency: 4,
    });
  },
  {
    ...(fauxqs.available ? {} : { skipReason: fauxqs.reason }),
    // fauxqs keeps the objects in this process, so the RSS bound would count the stored file.
    boundedMemory: false,
  },
);
