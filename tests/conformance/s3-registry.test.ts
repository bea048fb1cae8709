import { afterAll, beforeAll } from 'vitest';
import { createDefaultRegistry } from '../../connectors/default-registry';
import { fauxqsAvailability, startFauxqs, type FauxqsServer } from '../servers/fauxqs-server';
import { describeConformance } from './describe-conformance';

// The suite again, on a driver the default registry creates: the lazy driver (connectors/lazy-driver.ts) loading the
// S3 driver and its SDK on first use, so every operation and optional capability goes through its forwarding.
const fauxqs = fauxqsAvailability();
let server: FauxqsServer | undefined;

beforeAll(async () => {
  if (!fauxqs.available) return;
  server = await startFauxqs();
  server.createBucket('conformance');
});

// File level (not the suite's cleanup), so the server also stops when beforeAll fails halfway.
afterAll(async () => server?.stop());

describeConformance(
  's3 through the registry (lazy driver, fauxqs)',
  () => {
    if (server === undefined) throw new Error('fauxqs did not start');
    return createDefaultRegistry().create({
      kind: 's3',
      options: {
        provider: 'other',
        endpoint: server.endpoint,
        region: 'us-east-1',
        bucket: 'conformance',
        prefix: 'lazy/root',
        accessKeyId: 'test',
        secretAccessKey: 'test',
        pathStyle: true,
        compatibility: 'modern',
        partSizeMiB: 8,
        uploadConcurrency: 4,
      },
    });
  },
  {
    ...(fauxqs.available ? {} : { skipReason: fauxqs.reason }),
    // fauxqs keeps the objects in this process, so the RSS bound would count the stored file.
    boundedMemory: false,
    // Streaming 64 MiB is s3-fauxqs.test.ts's proof; here 16 MiB (two parts) proves the forwarding of a multipart write.
    largeFileSize: 16 * 1024 * 1024,
  },
);
