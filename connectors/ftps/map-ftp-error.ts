import { FTPError } from 'basic-ftp';
import { ConnectorError } from '../connector-error';
import { mapNodeError } from '../map-node-error';

// Node's TLS verification failures: the server could not prove who it is.
const TLS_TRUST_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_REVOKED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** Whether an error is a failed TLS certificate verification. */
export function isTlsTrustError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && TLS_TRUST_CODES.has(code);
}

/**
 * Maps a basic-ftp / FTP reply / TLS error into the closed set: 530 -> AuthFailed, 550 -> NotFound (or
 * PermissionDenied when the server says so or refused to create), 552 -> QuotaExceeded, 553 -> InvalidInput
 * (PermissionDenied when it could not create the file), 4xx -> Retryable,
 * 500/502/504 -> Unsupported; certificate failures -> AuthFailed; network errors through mapNodeError.
 */
export function mapFtpError(error: unknown, path?: string): ConnectorError {
  if (error instanceof ConnectorError) return error;
  const where = path === undefined ? '' : `: ${path === '' ? '(root)' : path}`;
  const make = (code: ConnectorError['code'], message: string, hint?: string): ConnectorError =>
    new ConnectorError(code, `${message}${where}`, { hint, path, cause: error });
  if (error instanceof FTPError) {
    const reply = error.message.replace(/\s+/g, ' ').trim();
    if (error.code === 530) {
      return make('AuthFailed', `The server refused the sign-in (${reply})`, 'Check the user name and password.');
    }
    if (error.code === 550 && /permission|denied|not allowed/i.test(reply)) {
      return make('PermissionDenied', `Permission denied (${reply})`, 'Check the account may access this path.');
    }
    // vsftpd answers these for any failed create; names are checked before I/O, so it is the folder's permissions.
    if (
      (error.code === 550 || error.code === 553) &&
      /could not create|create directory operation failed/i.test(reply)
    ) {
      return make(
        'PermissionDenied',
        `The server refused to create it (${reply})`,
        'Check the account may write in this folder on the server.',
      );
    }
    if (error.code === 550) return make('NotFound', `Not found (${reply})`);
    if (error.code === 552) return make('QuotaExceeded', `The server's storage is full (${reply})`);
    if (error.code === 553) return make('InvalidInput', `The server refused the file name (${reply})`);
    if (error.code === 500 || error.code === 502 || error.code === 504) {
      return make('Unsupported', `The server does not support this (${reply})`);
    }
    if (error.code >= 400 && error.code < 500) return make('Retryable', `Temporary server failure (${reply})`);
    return make('Retryable', `The server answered ${reply}`);
  }
  if (isTlsTrustError(error)) {
    const code = String((error as { code?: unknown }).code);
    return make(
      'AuthFailed',
      `The server's certificate is not trusted (${code})`,
      "Give the server's CA certificate, or pin the certificate's SHA256 fingerprint after checking it with the administrator.",
    );
  }
  const text = error instanceof Error ? error.message : String(error);
  if (/client is closed|socket closed|timeout|connection (?:closed|reset)/i.test(text)) {
    return make('Retryable', `The FTP connection was lost (${text})`);
  }
  return mapNodeError(error, path);
}
