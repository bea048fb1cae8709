import { createHash, createPublicKey, randomBytes, verify, type KeyObject } from 'node:crypto';
import { type IncomingMessage } from 'node:http';

/** A user of the fake account: a password, a registered RSA public key (key-pair auth), or both. */
export interface FakeUser {
  readonly name: string;
  readonly password?: string;
  /** PEM (SPKI) of the key registered with `ALTER USER ... SET RSA_PUBLIC_KEY`. */
  readonly publicKeyPem?: string;
  /** Roles granted to the user; the first is the default role. */
  readonly roles: readonly string[];
}

/** A signed-in session of the fake: its tokens and the context its statements run in. */
export interface Session {
  readonly user: string;
  readonly role: string;
  readonly database: string;
  readonly schema: string;
  readonly master: string;
  token: string;
  expired: boolean;
}

const VALIDITY_SECONDS = 3600;

/** A failed answer of the REST API (HTTP 200, `success: false`). */
export function failure(code: string, message: string, data: unknown = null): unknown {
  return { data, code, message, success: false };
}

function base64url(data: string): Buffer {
  return Buffer.from(data, 'base64url');
}

/** The fingerprint Snowflake shows for a registered key: SHA256 of the DER SPKI, base64. */
function fingerprint(key: KeyObject): string {
  return `SHA256:${createHash('sha256')
    .update(key.export({ format: 'der', type: 'spki' }))
    .digest('base64')}`;
}

/** Sign-in, token renewal and session lookup of the fake, for one account and its users. */
export interface FakeSessions {
  login(url: URL, body: Record<string, unknown>): unknown;
  renew(request: IncomingMessage, body: Record<string, unknown>): unknown;
  /** The request's session, or the failure to answer when its token is unknown or expired. */
  sessionOf(request: IncomingMessage): Session | { readonly problem: unknown };
  end(session: Session): void;
  expireAll(): void;
  /** Logins accepted, by authenticator. */
  readonly logins: string[];
  readonly renewals: number;
}

/** Creates the sessions of an account: password and key-pair (JWT) sign-in, role checks, master-token renewal. */
export function fakeSessions(accountName: string, userList: readonly FakeUser[]): FakeSessions {
  const account = accountName.toUpperCase();
  const users = new Map(userList.map((u) => [u.name.toUpperCase(), u]));
  const sessions = new Map<string, Session>();
  const logins: string[] = [];
  let renewals = 0;

  const sessionOf = (request: IncomingMessage): Session | { readonly problem: unknown } => {
    const token = /Snowflake Token="([^"]+)"/.exec(request.headers.authorization ?? '')?.[1];
    const session = token === undefined ? undefined : sessions.get(token);
    if (session === undefined) return { problem: failure('390104', 'User must login again to access the service.') };
    if (session.expired) {
      return { problem: failure('390112', 'Your session has expired. Please login again.') };
    }
    return session;
  };

  const login = (url: URL, body: Record<string, unknown>): unknown => {
    const data = (body.data ?? {}) as Record<string, unknown>;
    const authenticator = String(data.AUTHENTICATOR ?? 'SNOWFLAKE').toUpperCase();
    const loginName = String(data.LOGIN_NAME ?? '').toUpperCase();
    if (String(data.ACCOUNT_NAME ?? '').toUpperCase() !== account) {
      return failure('390100', 'Incorrect username or password was specified.');
    }
    const user = users.get(loginName);
    if (authenticator === 'SNOWFLAKE_JWT') {
      const problem = user?.publicKeyPem === undefined ? 'no key' : jwtProblem(String(data.TOKEN ?? ''), user);
      if (problem !== undefined) return failure('390144', `JWT token is invalid. [${problem}]`);
    } else if (user?.password === undefined || data.PASSWORD !== user.password) {
      return failure('390100', 'Incorrect username or password was specified.');
    }
    const role = (url.searchParams.get('roleName') ?? user!.roles[0]!).replace(/^"|"$/g, '').toUpperCase();
    if (!user!.roles.includes(role)) {
      return failure('390189', `Role '${role}' specified in the connect string is not granted to this user.`);
    }
    logins.push(authenticator);
    const session: Session = {
      user: user!.name.toUpperCase(),
      role,
      database: (url.searchParams.get('databaseName') ?? 'DB').replace(/^"|"$/g, ''),
      schema: (url.searchParams.get('schemaName') ?? 'PUBLIC').replace(/^"|"$/g, ''),
      master: `MT-${randomBytes(8).toString('hex')}`,
      token: `ST-${randomBytes(8).toString('hex')}`,
      expired: false,
    };
    sessions.set(session.token, session);
    return {
      data: {
        masterToken: session.master,
        token: session.token,
        validityInSeconds: VALIDITY_SECONDS,
        masterValidityInSeconds: 4 * VALIDITY_SECONDS,
        displayUserName: session.user,
        serverVersion: '9.0.0',
        firstLogin: false,
        healthCheckInterval: 45,
        sessionId: 1000 + sessions.size,
        parameters: [{ name: 'TIMEZONE', value: 'UTC' }],
        sessionInfo: {
          databaseName: session.database,
          schemaName: session.schema,
          warehouseName: url.searchParams.get('warehouse'),
          roleName: session.role,
        },
      },
      code: null,
      message: null,
      success: true,
    };
  };

  /** Why a key-pair JWT is refused (undefined when valid): RS256 signed by the user's key, iss/sub, not expired. */
  const jwtProblem = (token: string, user: FakeUser): string | undefined => {
    const [header, payload, signature] = token.split('.');
    if (header === undefined || payload === undefined || signature === undefined) return 'malformed';
    const key = createPublicKey(user.publicKeyPem!);
    const head = JSON.parse(base64url(header).toString('utf8')) as { alg?: string };
    if (head.alg !== 'RS256') return `algorithm ${String(head.alg)}`;
    if (!verify('sha256', Buffer.from(`${header}.${payload}`), key, base64url(signature))) return 'bad signature';
    const claims = JSON.parse(base64url(payload).toString('utf8')) as { iss?: string; sub?: string; exp?: number };
    const subject = `${account}.${user.name.toUpperCase()}`;
    if (claims.sub !== subject) return `sub ${String(claims.sub)}`;
    if (claims.iss !== `${subject}.${fingerprint(key)}`) return `iss ${String(claims.iss)}`;
    // The SDK sends exp in milliseconds; accept both units, as the service does.
    const exp = Number(claims.exp);
    if (!(exp > Date.now() || exp * 1000 > Date.now())) return 'expired';
    return undefined;
  };

  const renew = (request: IncomingMessage, body: Record<string, unknown>): unknown => {
    const master = /Snowflake Token="([^"]+)"/.exec(request.headers.authorization ?? '')?.[1];
    const session = [...sessions.values()].find((s) => s.master === master && s.token === body.oldSessionToken);
    if (session === undefined)
      return failure('390114', 'Authentication token has expired.  The user must authenticate again.');
    sessions.delete(session.token);
    session.token = `ST-${randomBytes(8).toString('hex')}`;
    session.expired = false;
    sessions.set(session.token, session);
    renewals++;
    return {
      data: {
        sessionToken: session.token,
        validityInSecondsST: VALIDITY_SECONDS,
        masterToken: session.master,
        validityInSecondsMT: 4 * VALIDITY_SECONDS,
      },
      code: null,
      message: null,
      success: true,
    };
  };

  return {
    login,
    renew,
    sessionOf,
    end: (session) => {
      sessions.delete(session.token);
    },
    expireAll: () => {
      for (const session of sessions.values()) session.expired = true;
    },
    logins,
    get renewals() {
      return renewals;
    },
  };
}
