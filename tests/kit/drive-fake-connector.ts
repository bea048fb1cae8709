// A Drive v3 fake with a service account and a Shared Drive, and the connector options that reach it.
import type { DriveOptions } from '../../shared/connectors/drive-descriptor';
import { startDriveFake, type DriveFake } from '../servers/drive-fake/drive-fake-server';
import { createServiceAccount, type TestServiceAccount } from '../servers/gcs-fake/service-account';

/** The folder MIME type of Drive. */
export const DRIVE_FOLDER = 'application/vnd.google-apps.folder';

/** A running Drive fake, its Shared Drive, and options for a connector working in it. */
export interface DriveFakeConnector {
  readonly fake: DriveFake;
  readonly account: TestServiceAccount;
  readonly driveId: string;
  /** Every option, the service-account key included (a my-connector's driver takes them whole). */
  readonly options: DriveOptions;
  /** The options without the secret, and the secret alone (an organisation connector's API body). */
  readonly apiBody: {
    readonly options: Omit<DriveOptions, 'serviceAccountJson'>;
    readonly secrets: { serviceAccountJson: string };
  };
  /** The ID of the folder at `relative` in the Shared Drive, made (with its parents) when absent. */
  folderId(relative: string): string;
  /** Creates `relative` (folders made as needed) in the Shared Drive with these bytes; the file's ID. */
  put(relative: string, bytes: Buffer | string): string;
  stop(): Promise<void>;
}

/** Starts the Drive fake with one service account that is a member of a new Shared Drive. */
export async function startDriveFakeConnector(name = 'ferry-flows'): Promise<DriveFakeConnector> {
  const account = createServiceAccount(name);
  const fake = await startDriveFake([account]);
  const driveId = fake.createSharedDrive('Exchange');
  const options: DriveOptions = {
    auth: 'serviceAccount',
    serviceAccountJson: account.json,
    driveId,
    googleDocs: 'skip',
    apiEndpoint: fake.endpoint,
    simpleUploadThresholdMiB: 1,
    chunkSizeMiB: 1,
  };
  const { serviceAccountJson, ...rest } = options;
  const folders = new Map<string, string>([['', driveId]]);
  const folderOf = (relative: string): string => {
    const known = folders.get(relative);
    if (known !== undefined) return known;
    const cut = relative.lastIndexOf('/');
    const parent = folderOf(cut < 0 ? '' : relative.slice(0, cut));
    const id = fake.put(parent, relative.slice(cut + 1), DRIVE_FOLDER);
    folders.set(relative, id);
    return id;
  };
  return {
    fake,
    account,
    driveId,
    options,
    apiBody: { options: rest, secrets: { serviceAccountJson: serviceAccountJson ?? '' } },
    folderId: folderOf,
    put(relative, bytes) {
      const cut = relative.lastIndexOf('/');
      const parent = folderOf(cut < 0 ? '' : relative.slice(0, cut));
      return fake.put(parent, relative.slice(cut + 1), 'application/octet-stream', Buffer.from(bytes));
    },
    stop: () => fake.stop(),
  };
}
