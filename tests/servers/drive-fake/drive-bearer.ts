import { createVerify, type KeyObject } from 'node:crypto';

/** Who a valid bearer token speaks for. */
export interface DriveCaller {
  readonly email: string;
  readonly serviceAccount: boolean;
}

/**
 * The caller of a request, or the reason its bearer token is refused: a self-signed service-account JWT (RS256,
 * `useJWTAccessWithScope`, a drive scope) of a known account, or an access token the fake issued to a user.
 */
export function driveCaller(
  authorization: string | undefined,
  accounts: ReadonlyMap<string, KeyObject>,
  userTokens: ReadonlyMap<string, string>,
  nowSeconds = Date.now() / 1000,
): DriveCaller | string {
  const bearer = /^Bearer (\S+)$/.exec(authorization ?? '')?.[1];
  if (bearer === undefined) return 'Request is missing required authentication credential.';
  const user = userTokens.get(bearer);
  if (user !== undefined) return { email: user, serviceAccount: false };
  const parts = bearer.split('.');
  if (parts.length !== 3) return 'Request had invalid authentication credentials.';
  const [header64, payload64, signature64] = parts as [string, string, string];
  let header: { alg?: string };
  let payload: { iss?: string; exp?: number; scope?: string };
  try {
    header = JSON.parse(Buffer.from(header64, 'base64url').toString());
    payload = JSON.parse(Buffer.from(payload64, 'base64url').toString());
  } catch {
    return 'Request had invalid authentication credentials.';
  }
  const key = payload.iss === undefined ? undefined : accounts.get(payload.iss);
  if (header.alg !== 'RS256' || key === undefined) return 'Request had invalid authentication credentials.';
  const verifier = createVerify('RSA-SHA256').update(`${header64}.${payload64}`);
  if (!verifier.verify(key, Buffer.from(signature64, 'base64url'))) {
    return 'Request had invalid authentication credentials.';
  }
  if (payload.exp === undefined || payload.exp < nowSeconds) return 'Request had invalid authentication credentials.';
  if (!(payload.scope ?? '').split(' ').some((s) => /auth\/drive/.test(s))) {
    return 'Request had insufficient authentication scopes.';
  }
  return { email: payload.iss!, serviceAccount: true };
}
