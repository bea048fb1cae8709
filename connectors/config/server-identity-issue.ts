// Server identities (SSH host keys, TLS certificates) as apps show them: compared, keyed, explained.
import type { ServerIdentityIssue } from '../../shared/ipc/connectors-ipc';
import { serverIdentityKey } from '../server-identity';

/** A connector's kind and non-secret options: what the identity helpers read (host, port, pins). */
export interface IdentityConnector {
  readonly kind: string;
  readonly options: Readonly<Record<string, unknown>>;
}

/** The option of each kind that pins its server identity in the connector's options. */
export const PINNED_IDENTITY_OPTION: Readonly<Record<string, string>> = {
  sftp: 'hostKeyFingerprint',
  ftps: 'certificateFingerprint',
};

const canonical = (fingerprint: string): string =>
  fingerprint
    .replace(/^SHA256:/i, '')
    .replace(/:/g, '')
    .toUpperCase();

/** Whether two fingerprints are the same: SSH ones up to base64 padding, certificate ones up to case and colons. */
export function sameFingerprint(a: string, b: string, kind: string): boolean {
  return kind === 'sftp' ? a.replace(/=+$/, '') === b.replace(/=+$/, '') : canonical(a) === canonical(b);
}

/** The connector's port, or its kind's default (FTPS: 990 for implicit TLS, 21 otherwise). */
function portOf(connector: IdentityConnector): number | undefined {
  const given = connector.options['port'];
  if (typeof given === 'number') return given;
  if (connector.kind === 'sftp') return 22;
  if (connector.kind === 'ftps') return connector.options['secure'] === 'implicit' ? 990 : 21;
  return undefined;
}

/** The trust store's key for a connector's server, as the SFTP driver spells it. */
export function trustKeyOf(connector: IdentityConnector): string {
  return serverIdentityKey(connector.kind, String(connector.options['host']), portOf(connector));
}

/** The fingerprint pinned in a connector's options, or undefined (also for kinds without server identities). */
export function pinnedFingerprintOf(connector: IdentityConnector): string | undefined {
  const option = PINNED_IDENTITY_OPTION[connector.kind];
  const pinned = option === undefined ? undefined : connector.options[option];
  return typeof pinned === 'string' && pinned !== '' ? pinned : undefined;
}

/**
 * What the user is told about a server identity a test refused: new (may be confirmed) or changed from the pinned
 * or confirmed one (`confirmed` looks up a trust key); undefined for kinds without server identities.
 */
export function identityIssueOf(
  connector: IdentityConnector,
  fingerprint: string,
  confirmed: (trustKey: string) => string | undefined,
): ServerIdentityIssue | undefined {
  const server = `${String(connector.options['host'])}:${portOf(connector) ?? ''}`;
  const pinned = pinnedFingerprintOf(connector);
  if (connector.kind === 'sftp') {
    const known = pinned ?? confirmed(trustKeyOf(connector));
    return known === undefined
      ? { problem: 'unknown', what: 'host key', fingerprint, server }
      : { problem: 'changed', what: 'host key', fingerprint, expected: known, server };
  }
  if (connector.kind === 'ftps') {
    return pinned !== undefined
      ? { problem: 'changed', what: 'certificate', fingerprint, expected: pinned, server }
      : { problem: 'unknown', what: 'certificate', fingerprint, server };
  }
  return undefined;
}
