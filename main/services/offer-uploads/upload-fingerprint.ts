/** What identifies one upload of one file's content to one place in one offer. */
export interface UploadIdentity {
  /** The platform's base URL, e.g. 'https://ferry.example.org'. */
  readonly platformUrl: string;
  readonly orgId: string;
  readonly offerId: string;
  /** The file's path in the offer. */
  readonly path: string;
  readonly size: number;
  /** SHA-256 of the file's content, hex. */
  readonly sha256: string;
}

/**
 * The URL store's key of an upload: platform, organisation, offer, path in the offer, size and SHA-256, so a changed
 * file (same name, other bytes) never resumes into the upload of its former content.
 */
export function uploadFingerprint(identity: UploadIdentity): string {
  const platform = identity.platformUrl.replace(/\/+$/, '');
  return JSON.stringify([platform, identity.orgId, identity.offerId, identity.path, identity.size, identity.sha256]);
}
