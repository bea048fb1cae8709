import { afterAll, beforeAll } from 'vitest';
import { GcsDriver } from '../../connectors/gcs/gcs-driver';
import { startGcsFake, type GcsFake } from '../servers/gcs-fake/gcs-fake-server';
import { createServiceAccount } from '../servers/gcs-fake/service-account';
import { describeConformance } from './describe-conformance';

// Cloud Storage has no local server: this runs the real SDK against the in-repo FAKE of the JSON API
// (tests/servers/gcs-fake/README.md), so it proves the driver against the recorded protocol, not Google itself.
const account = createServiceAccount();
let fake: GcsFake | undefined;

beforeAll(async () => {
  fake = await startGcsFake([account]);
  fake.createBucket('conformance');
});

// File level (not the suite's cleanup), so the server also stops when beforeAll fails halfway.
afterAll(async () => fake?.stop());

// Large reads split into parallel ranged GETs from 16 MiB (default 256), so the suite's 64 MiB file, memory bound
// and outage cases run through them: 3 ranges of 4 MiB at once.
const SPLIT_READS = { cutoff: 16 * 1024 * 1024, chunkSize: 4 * 1024 * 1024, streams: 3 };

describeConformance(
  'gcs (JSON API fake)',
  () => {
    if (fake === undefined) throw new Error('the GCS fake did not start');
    return new GcsDriver(
      {
        bucket: 'conformance',
        prefix: 'root/folder',
        serviceAccountJson: account.json,
        apiEndpoint: fake.endpoint,
        simpleUploadThresholdMiB: 1,
        // Small chunks put requests on the wire throughout a copy, so the outage case's one-second cut meets one.
        chunkSizeMiB: 2,
      },
      {},
      { rangedRead: SPLIT_READS },
    );
  },
  {
    // The fake keeps the objects in this process, so the RSS bound would count the stored file.
    boundedMemory: false,
    outage: { stop: async () => fake?.kill(), start: async () => fake?.start() },
  },
);
