import { Storage } from '@google-cloud/storage';
import { type GcsOptions } from '../../shared/connectors/gcs-descriptor';
import { serviceAccountJwt, type ProjectServiceAccount } from '../google/google-service-account';

/** The public Cloud Storage endpoint. */
export const GCS_DEFAULT_ENDPOINT = 'https://storage.googleapis.com';

/**
 * The SDK client for a connector. It signs its own access tokens from the service-account key (self-signed JWT
 * with the storage scope), so no token endpoint is involved, and it authenticates also against a custom
 * endpoint (private service connect, the test fake).
 */
export function createGcsStorage(options: GcsOptions, key: ProjectServiceAccount): Storage {
  const auth = serviceAccountJwt(key, 'https://www.googleapis.com/auth/devstorage.read_write');
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
