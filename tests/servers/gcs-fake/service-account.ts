import { createVerify, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';

/** A locally generated service-account key: the JSON a user would paste, and the public key the fake checks. */
export interface TestServiceAccount {
  /** The key file's JSON, as the Cloud console downloads it. */
  readonly json: string;
  readonly clientEmail: string;
  readonly keyId: string;
  readonly publicKey: KeyObject;
}

/** Generates an RSA service-account key for project `ferry-test` (never valid anywhere but the fake). */
export function createServiceAccount(name = 'ferry-test'): TestServiceAccount {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const keyId = randomBytes(20).toString('hex');
  const clientEmail = `${name}@ferry-test.iam.gserviceaccount.com`;
  const json = JSON.stringify({
    type: 'service_account',
    project_id: 'ferry-test',
    private_key_id: keyId,
    private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    client_email: clientEmail,
    client_id: '100000000000000000000',
    token_uri: 'https://oauth2.googleapis.com/token',
  });
  return { json, clientEmail, keyId, publicKey };
}

/** Why a bearer token is refused, or undefined when it is a valid self-signed JWT of a known service account. */
export function bearerProblem(
  authorization: string | undefined,
  accounts: ReadonlyMap<string, KeyObject>,
  nowSeconds = Date.now() / 1000,
): string | undefined {
  const match = /^Bearer ([\w-]+)\.([\w-]+)\.([\w-]+)$/.exec(authorization ?? '');
  if (match === null) return 'Anonymous caller does not have storage.objects.list access.';
  const [, header64, payload64, signature64] = match;
  let header: { alg?: string };
  let payload: { iss?: string; sub?: string; exp?: number; iat?: number; scope?: string; aud?: string };
  try {
    header = JSON.parse(Buffer.from(header64!, 'base64url').toString());
    payload = JSON.parse(Buffer.from(payload64!, 'base64url').toString());
  } catch {
    return 'Invalid Credentials';
  }
  if (header.alg !== 'RS256' || payload.iss === undefined) return 'Invalid Credentials';
  const key = accounts.get(payload.iss);
  if (key === undefined) return 'Invalid Credentials';
  const verifier = createVerify('RSA-SHA256').update(`${header64}.${payload64}`);
  if (!verifier.verify(key, Buffer.from(signature64!, 'base64url'))) return 'Invalid Credentials';
  if (payload.exp === undefined || payload.exp < nowSeconds) return 'Invalid Credentials';
  const scopes = (payload.scope ?? '').split(' ');
  const audienceOk = payload.aud !== undefined && /storage/.test(payload.aud);
  if (!audienceOk && !scopes.some((s) => /devstorage|cloud-platform/.test(s))) return 'Insufficient Permission';
  return undefined;
}
