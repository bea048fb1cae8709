// Where offer files live: the platform's own storage, reached through a connectors driver like any other.
import type { Driver } from '../../connectors/driver';
import { createDefaultRegistry } from '../../connectors/default-registry';
import type { S3Options } from '../../shared/connectors/s3-descriptor';

/**
 * Where offer files (and uploads in progress) are kept: a folder on this machine (one instance), or an S3 bucket and
 * prefix that several instances share.
 */
export type OfferStorageSetting =
  { readonly kind: 'local'; readonly folder: string } | { readonly kind: 's3'; readonly options: S3Options };

/** Storage keys: finished uploads under `uploads/`, files copied in by imports under `offers/<offerId>/`. */
export const UPLOADS_PREFIX = 'uploads';

/** The storage key of a file an import copies into an offer. */
export function importedFileKey(offerId: string, fileId: string): string {
  return `offers/${offerId}/${fileId}`;
}

/** The offer storage of a running platform: its setting (tus builds its data store from it) and a driver over its root. */
export class OfferStorage {
  /** One driver for the process: drivers reconnect after a lost connection, so it lives as long as the app. */
  readonly driver: Driver;

  constructor(readonly setting: OfferStorageSetting) {
    const registry = createDefaultRegistry();
    this.driver =
      setting.kind === 'local'
        ? registry.create({ kind: 'local', options: { root: setting.folder } })
        : registry.create({ kind: 's3', options: setting.options });
  }

  /** Releases the driver's connections (at app close). */
  close(): Promise<void> {
    return this.driver.close();
  }
}
