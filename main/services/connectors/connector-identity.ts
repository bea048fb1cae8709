import { serverIdentityKey } from '../../../connectors/server-identity';
import type { ServerIdentityIssue } from '../../../shared/ipc/connectors-ipc';
import type { ConnectorRecord } from './connector-records';

const canonical = (fingerprint: string): string =>
  fingerprint
    .replace(/^SHA256:/i, '')
    .replace(/:/g, '')
    .toUpperCase();

/** Whether two fingerprints are the same: SSH ones up to base64 padding, certificate ones up to case and colons. */
export function sameFingerprint(a: string, b: string, kind: string): boolean {
  return kind === 'sftp' ? a.replace(/=+$/, '') === b.replace(/=+$/, '') : canonical(a) === canonical(b);
}

/** The record's port, or its kind's default (FTPS: 990 for implicit TLS, 21 otherwise). */
function portOf(record: ConnectorRecord): number | undefined {
  const given = record.options['port'];
  if (typeof given === 'number') return given;
  if (record.kind === 'sftp') return 22;
  if (record.kind === 'ftps') return record.options['secure'] === 'implicit' ? 990 : 21;
  return undefined;
}

/** The trust store's key for a connector's server, as the SFTP driver spells it. */
export function trustKeyOf(record: ConnectorRecord): string {
  return serverIdentityKey(record.kind, String(record.options['host']), portOf(record));
}

/**
 * What the user is told about a server identity a test refused: new (may be confirmed) or changed from the pinned
 * or confirmed one (`confirmed` looks up a trust key); undefined for kinds without server identities.
 */
export function identityIssueOf(
  record: ConnectorRecord,
  fingerprint: string,
  confirmed: (trustKey: string) => string | undefined,
): ServerIdentityIssue | undefined {
  const server = `${String(record.options['host'])}:${portOf(record) ?? ''}`;
  if (record.kind === 'sftp') {
    const pinned = record.options['hostKeyFingerprint'];
    const known = typeof pinned === 'string' && pinned !== '' ? pinned : confirmed(trustKeyOf(record));
    return known === undefined
      ? { problem: 'unknown', what: 'host key', fingerprint, server }
      : { problem: 'changed', what: 'host key', fingerprint, expected: known, server };
  }
  if (record.kind === 'ftps') {
    const pinned = record.options['certificateFingerprint'];
    return typeof pinned === 'string' && pinned !== ''
      ? { problem: 'changed', what: 'certificate', fingerprint, expected: pinned, server }
      : { problem: 'unknown', what: 'certificate', fingerprint, server };
  }
  return undefined;
}
