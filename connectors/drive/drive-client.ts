import { drive, type drive_v3 } from '@googleapis/drive';
import { JWT } from 'google-auth-library';
import { z } from 'zod';
import { type DriveOptions } from '../../shared/connectors/drive-descriptor';
import { ConnectorError } from '../connector-error';

const ServiceAccountSchema = z.object({
  type: z.literal('service_account'),
  private_key_id: z.string().optional(),
  private_key: z.string().includes('PRIVATE KEY'),
  client_email: z.string().includes('@'),
});

/** The fields of a service-account key the Drive driver uses. */
export type DriveServiceAccount = z.infer<typeof ServiceAccountSchema>;

/** The public Drive API root. */
export const DRIVE_DEFAULT_ENDPOINT = 'https://www.googleapis.com';

/** The scope every Drive request is signed for (files the account can reach, read and write). */
const DRIVE_SCOPE = 'https://www.googleapis.com/auth/drive';

/** Parses the pasted key file, InvalidInput naming what is wrong (never echoing the key). */
export function parseDriveServiceAccount(json: string): DriveServiceAccount {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw new ConnectorError('InvalidInput', 'The service account key is not valid JSON.', {
      hint: 'Paste the whole JSON key file downloaded from IAM & Admin > Service accounts > Keys.',
    });
  }
  const parsed = ServiceAccountSchema.safeParse(value);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((issue) => issue.path.join('.') || 'type').join(', ');
    throw new ConnectorError('InvalidInput', `The service account key lacks or has invalid fields: ${fields}.`, {
      hint: 'Use a JSON key of type "service_account" (not an OAuth client or an API key).',
    });
  }
  return parsed.data;
}

/** The Drive client and what the hand-written resumable protocol needs besides it. */
export interface DriveClient {
  readonly api: drive_v3.Drive;
  /** The API root with its trailing slash, for media calls (the SDK ignores the client's rootUrl there). */
  readonly rootUrl: string;
  /** An `authorization` header value, renewed by the auth client when needed. */
  authorization(): Promise<string>;
  readonly email: string;
}

/**
 * The SDK client for a connector. A service account signs its own access tokens (self-signed JWT with the drive
 * scope), so no token endpoint is involved. The SDK's own retries are off: the driver backs off rate limits
 * itself, with jitter, and Ferry's transfer engine retries the rest.
 */
export function createDriveClient(options: DriveOptions): DriveClient {
  const key = parseDriveServiceAccount(options.serviceAccountJson);
  const auth = new JWT({
    email: key.client_email,
    key: key.private_key,
    keyId: key.private_key_id,
    scopes: [DRIVE_SCOPE],
  });
  auth.useJWTAccessWithScope = true;
  const rootUrl = `${options.apiEndpoint ?? DRIVE_DEFAULT_ENDPOINT}/`;
  const api = drive({ version: 'v3', auth, rootUrl, retry: false });
  return {
    api,
    rootUrl,
    email: key.client_email,
    async authorization() {
      const headers = await auth.getRequestHeaders();
      const value = headers.get('authorization');
      if (value === null) throw new ConnectorError('AuthFailed', 'No access token could be made from the key.');
      return value;
    },
  };
}
