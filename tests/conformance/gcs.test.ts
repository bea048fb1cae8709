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

describeConformance(
  'gcs (JSON API fake)',
  () => {
    if (fake === undefined) throw new Error('the GCS fake did not start');
    return new GcsDriver({
      bucket: 'conformance',
      prefix: 'root/folder',
      serviceAccountJson: account.json,
      apiEndpoint: fake.endpoint,
      simpleUploadThresholdMiB: 1,
      // Small chunks put requests on the wire throughout a copy, so the outage case's one-second cut meets one.
      chunkSizeMiB: 2,
    });
  },
  {
    // The fake keeps the objects in this process, so the RSS bound would count the stored file.
    boundedMemory: false,
    outage: { stop: async () => fake?.kill(), start: async () => fake?.start() },
  },
);
