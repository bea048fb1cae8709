import { ConnectorError } from '../connector-error';
import { mapNodeError } from '../map-node-error';

// SFTP v3 status codes (draft-ietf-secsh-filexfer-02, section 7) as ssh2 reports them in `error.code`.
const SFTP_NO_SUCH_FILE = 2;
const SFTP_PERMISSION_DENIED = 3;
const SFTP_FAILURE = 4;
const SFTP_BAD_MESSAGE = 5;
const SFTP_NO_CONNECTION = 6;
const SFTP_CONNECTION_LOST = 7;
const SFTP_OP_UNSUPPORTED = 8;

const LOST_HINT = 'Check that the server is running and reachable.';

/**
 * Maps an ssh2 / SFTP error into the closed set: no such file -> NotFound, permission denied -> PermissionDenied,
 * authentication refused -> AuthFailed, lost connections and timeouts -> Retryable, unsupported operations ->
 * Unsupported. ConnectorErrors pass through; Node network errors go through mapNodeError.
 */
export function mapSftpError(error: unknown, path?: string): ConnectorError {
  if (error instanceof ConnectorError) return error;
  const e = (typeof error === 'object' && error !== null ? error : {}) as {
    code?: unknown;
    level?: unknown;
    message?: unknown;
  };
  const text = typeof e.message === 'string' ? e.message : String(error);
  const where = path === undefined ? '' : `: ${path === '' ? '(root)' : path}`;
  const make = (code: ConnectorError['code'], message: string, hint?: string): ConnectorError =>
    new ConnectorError(code, `${message}${where}`, { hint, path, cause: error });
  switch (e.code) {
    case SFTP_NO_SUCH_FILE:
      return make('NotFound', 'Not found');
    case SFTP_PERMISSION_DENIED:
      return make('PermissionDenied', 'Permission denied', 'Check the account may access this path on the server.');
    case SFTP_OP_UNSUPPORTED:
      return make('Unsupported', `The server does not support this operation (${text})`);
    case SFTP_NO_CONNECTION:
    case SFTP_CONNECTION_LOST:
      return make('Retryable', 'The connection to the SFTP server was lost', LOST_HINT);
    case SFTP_BAD_MESSAGE:
      return make('Retryable', `The server sent a malformed message (${text})`);
    case SFTP_FAILURE:
      // OpenSSH answers FAILURE for errno values it cannot express (ENOSPC, ENOTEMPTY, EEXIST ...).
      if (/no space|quota/i.test(text)) return make('QuotaExceeded', `The server's storage is full (${text})`);
      return make('Retryable', `The server reported a failure (${text})`);
  }
  switch (e.level) {
    case 'client-authentication':
      return make(
        'AuthFailed',
        'The server refused the user name, password or key',
        'Check the user name and the password, or the private key and its passphrase.',
      );
    case 'client-timeout':
      return make('Retryable', 'The SSH server did not answer in time', 'Check the host, the port and the firewall.');
    case 'handshake':
      return make('Unsupported', `The SSH handshake failed (${text})`, 'The server offers no algorithm Ferry accepts.');
    case 'protocol':
      return make('Retryable', `SSH protocol error (${text})`);
  }
  if (/authentication methods failed/i.test(text)) {
    return make(
      'AuthFailed',
      'The server refused the user name, password or key',
      'Check the user name and the password, or the private key and its passphrase.',
    );
  }
  if (/no response from server|not connected|channel (?:open failure|closed)|connection (?:lost|closed)/i.test(text)) {
    return make('Retryable', 'The connection to the SFTP server was lost', LOST_HINT);
  }
  if (/cannot parse privatekey|valid\) private key/i.test(text)) {
    return make('InvalidInput', `The private key cannot be used (${text})`, 'Check the key and its passphrase.');
  }
  return mapNodeError(error, path);
}
