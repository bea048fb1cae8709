import { ConnectorError } from './connector-error';
import { type TrustStore } from './driver';

/** Why a server's host key or certificate was refused: never seen and nothing to compare with, or different. */
export type ServerIdentityProblem = 'unknown' | 'changed';

/**
 * The server's identity (SSH host key or TLS certificate) is not trusted. Carries the fingerprint the server
 * presented so the app can show it, let the user compare it out of band, then pin it or store it as trusted
 * (trust on first use). Code AuthFailed: the server failed to authenticate itself.
 */
export class ServerIdentityError extends ConnectorError {
  readonly problem: ServerIdentityProblem;
  /** The fingerprint the server presented. */
  readonly fingerprint: string;
  /** The pinned or remembered fingerprint it should have had ('changed' only). */
  readonly expected: string | undefined;
  /** Whether `expected` is a pin from the connector's options rather than a fingerprint remembered earlier. */
  readonly againstPin: boolean;

  constructor(
    what: string,
    problem: ServerIdentityProblem,
    fingerprint: string,
    expected?: string,
    reason?: string,
    details: { readonly againstPin?: boolean; readonly hint?: string } = {},
  ) {
    const because = reason === undefined ? '' : ` (${reason})`;
    const againstPin = problem === 'changed' && details.againstPin === true;
    // A pin that never matched is not a change: on a first connection nothing was ever trusted.
    const message = againstPin
      ? `The server's ${what} does not match the pinned fingerprint ${expected}; the server presented ${fingerprint}.`
      : problem === 'changed'
        ? `The server's ${what} changed: it presented ${fingerprint}, but ${expected} is trusted. Someone may be ` +
          'intercepting the connection.'
        : `The server's ${what} ${fingerprint} is not trusted${because}.`;
    const hint =
      details.hint ??
      (againstPin
        ? `Do not connect until the server's administrator confirms which ${what} is right; if it is ${fingerprint}, pin that instead.`
        : problem === 'changed'
          ? `Do not connect. Ask the server's administrator whether the ${what} really changed; if so, pin the new fingerprint.`
          : `Compare ${fingerprint} with the one the server's administrator gives you, then pin it in the connector's options.`);
    super('AuthFailed', message, { hint });
    this.problem = problem;
    this.fingerprint = fingerprint;
    this.expected = expected;
    this.againstPin = againstPin;
  }
}

/** How a driver decides whether to trust a server identity. */
export interface IdentityPolicy {
  /** What is verified, for messages: 'host key' or 'certificate'. */
  readonly what: string;
  /** The fingerprint pinned in the connector's options, if any. */
  readonly pinned?: string;
  /** Trust-on-first-use store and its key ("kind:host:port"); without it an unpinned identity is refused. */
  readonly trustStore?: TrustStore;
  readonly trustKey: string;
  /** Fingerprint equality for this kind of fingerprint. */
  readonly same: (a: string, b: string) => boolean;
}

/**
 * Accepts the presented fingerprint when it equals the pinned one; otherwise, without a pin, when it equals the
 * one remembered in the trust store, or remembers it when the store has none (trust on first use). Throws
 * ServerIdentityError in every other case.
 */
export async function verifyServerIdentity(policy: IdentityPolicy, presented: string): Promise<void> {
  if (policy.pinned !== undefined && policy.pinned !== '') {
    if (policy.same(policy.pinned, presented)) return;
    throw new ServerIdentityError(policy.what, 'changed', presented, policy.pinned, undefined, { againstPin: true });
  }
  if (policy.trustStore === undefined) throw new ServerIdentityError(policy.what, 'unknown', presented);
  const remembered = await policy.trustStore.get(policy.trustKey);
  if (remembered === undefined) {
    await policy.trustStore.set(policy.trustKey, presented);
    return;
  }
  if (!policy.same(remembered, presented)) {
    throw new ServerIdentityError(policy.what, 'changed', presented, remembered);
  }
}

/**
 * The trust store's key for a server's identity, "kind:host:port" (e.g. "sftp:sftp.example.com:22"): the one
 * spelling shared by the drivers that verify identities and the apps that confirm or list them.
 */
export function serverIdentityKey(kind: string, host: string, port: number | undefined): string {
  return `${kind}:${host}:${port ?? ''}`;
}

/** The parts of a trust store's key: the connector kind and the server as "host:port". */
export function serverOfIdentityKey(key: string): { readonly kind: string; readonly server: string } {
  const colon = key.indexOf(':');
  return { kind: key.slice(0, colon), server: key.slice(colon + 1) };
}
