import { afterAll, beforeAll, expect } from 'vitest';
import { DriveDriver } from '../../connectors/drive/drive-driver';
import { installLoopbackOnly } from '../kit/loopback-only';
import { startDriveFake, type DriveFake } from '../servers/drive-fake/drive-fake-server';
import { createServiceAccount } from '../servers/gcs-fake/service-account';
import { describeConformance } from './describe-conformance';

// Google Drive has no local server: this runs the real @googleapis/drive client against the in-repo FAKE of Drive v3
// (tests/servers/drive-fake/README.md), so it proves the driver against the recorded protocol, not Google itself.
const guard = installLoopbackOnly();
const account = createServiceAccount('ferry-drive');
let fake: DriveFake | undefined;
let folderId = '';
let driveId = '';

beforeAll(async () => {
  fake = await startDriveFake([account]);
  driveId = fake.createSharedDrive('Exchange');
  folderId = fake.put(driveId, 'conformance', 'application/vnd.google-apps.folder');
});

afterAll(async () => {
  await fake?.stop();
  guard.uninstall();
  expect(guard.blocked).toEqual([]);
});

describeConformance(
  'drive (Drive v3 fake)',
  () => {
    if (fake === undefined) throw new Error('the Drive fake did not start');
    return new DriveDriver({
      auth: 'serviceAccount',
      serviceAccountJson: account.json,
      driveId,
      folderId,
      googleDocs: 'skip',
      apiEndpoint: fake.endpoint,
      simpleUploadThresholdMiB: 1,
      chunkSizeMiB: 2,
    });
  },
  {
    // The fake keeps the files in this process, so the RSS bound would count the stored file.
    boundedMemory: false,
    outage: { stop: async () => fake?.kill(), start: async () => fake?.start() },
  },
);
