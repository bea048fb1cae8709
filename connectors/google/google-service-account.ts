// A Google service-account key as pasted by the user, shared by the Cloud Storage and Drive connectors.
import { JWT } from 'google-auth-library';
import { z } from 'zod';
import { ConnectorError } from '../connector-error';

const ServiceAccountSchema = z.object({
  type: z.literal('service_account'),
  project_id: z.string().min(1).optional(),
  private_key_id: z.string().optional(),
  private_key: z.string().includes('PRIVATE KEY'),
  client_email: z.string().includes('@'),
});

const WithProjectSchema = ServiceAccountSchema.extend({ project_id: z.string().min(1) });

/** The fields of a service-account key Ferry uses. */
export type GoogleServiceAccount = z.infer<typeof ServiceAccountSchema>;

/** A key that names its project (Cloud Storage bills and lists buckets by project). */
export type ProjectServiceAccount = z.infer<typeof WithProjectSchema>;

/**
 * Parses the pasted key file, InvalidInput naming what is wrong (never echoing the key); `'project'` also requires
 * its project_id.
 */
export function parseGoogleServiceAccount(json: string): GoogleServiceAccount;
export function parseGoogleServiceAccount(json: string, needs: 'project'): ProjectServiceAccount;
export function parseGoogleServiceAccount(json: string, needs?: 'project'): GoogleServiceAccount {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw new ConnectorError('InvalidInput', 'The service account key is not valid JSON.', {
      hint: 'Paste the whole JSON key file downloaded from IAM & Admin > Service accounts > Keys.',
    });
  }
  const parsed = (needs === 'project' ? WithProjectSchema : ServiceAccountSchema).safeParse(value);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((issue) => issue.path.join('.') || 'type').join(', ');
    throw new ConnectorError('InvalidInput', `The service account key lacks or has invalid fields: ${fields}.`, {
      hint: 'Use a JSON key of type "service_account" (not an OAuth client or an API key).',
    });
  }
  return parsed.data;
}

/**
 * An auth client that signs its own access tokens from the key (self-signed JWT with the scope), so no token
 * endpoint is involved and it also authenticates against a custom endpoint (private service connect, test fakes).
 */
export function serviceAccountJwt(key: GoogleServiceAccount, scope: string): JWT {
  const jwt = new JWT({
    email: key.client_email,
    key: key.private_key,
    keyId: key.private_key_id,
    scopes: [scope],
  });
  jwt.useJWTAccessWithScope = true;
  return jwt;
}
