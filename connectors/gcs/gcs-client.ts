import { Storage } from '@google-cloud/storage';
import { JWT } from 'google-auth-library';
import { z } from 'zod';
import { type GcsOptions } from '../../shared/connectors/gcs-descriptor';
import { ConnectorError } from '../connector-error';

const ServiceAccountSchema = z.object({
  type: z.literal('service_account'),
  project_id: z.string().min(1),
  private_key_id: z.string().optional(),
  private_key: z.string().includes('PRIVATE KEY'),
  client_email: z.string().includes('@'),
});

/** The fields of a service-account key Ferry uses. */
export type ServiceAccountKey = z.infer<typeof ServiceAccountSchema>;

/** The public Cloud Storage endpoint. */
export const GCS_DEFAULT_ENDPOINT = 'https://storage.googleapis.com';

/** Parses the pasted key file, InvalidInput naming what is wrong (never echoing the key). */
export function parseServiceAccount(json: string): ServiceAccountKey {
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

/**
 * The SDK client for a connector. It signs its own access tokens from the service-account key (self-signed JWT
 * with the storage scope), so no token endpoint is involved, and it authenticates also against a custom
 * endpoint (private service connect, the test fake).
 */
export function createGcsStorage(options: GcsOptions, key: ServiceAccountKey): Storage {
  const auth = new JWT({
    email: key.client_email,
    key: key.private_key,
    keyId: key.private_key_id,
    scopes: ['https://www.googleapis.com/auth/devstorage.read_write'],
  });
  auth.useJWTAccessWithScope = true;
  const apiEndpoint = options.apiEndpoint ?? GCS_DEFAULT_ENDPOINT;
  return new Storage({
    projectId: key.project_id,
    apiEndpoint,
    authClient: auth,
    useAuthWithCustomEndpoint: true,
    // Ferry's transfer engine retries Retryable errors itself, with backoff and resume.
    retryOptions: { autoRetry: true, maxRetries: 1 },
  });
}
