import { cancelledError, ConnectorError, isAbortError } from './connector-error';
import { type ConnectorErrorCode } from '../shared/errors/connector-error-code';

interface Mapping {
  readonly code: ConnectorErrorCode;
  readonly message: string;
  readonly hint?: string;
}

// Node's errno codes (fs and net) mapped into the closed set.
const NODE_CODES: Readonly<Record<string, Mapping>> = {
  ENOENT: { code: 'NotFound', message: 'Not found' },
  ENOTDIR: { code: 'NotFound', message: 'A parent is not a folder' },
  EISDIR: { code: 'Conflict', message: 'A folder is in the way', hint: 'Choose a file path, not a folder.' },
  EEXIST: { code: 'Conflict', message: 'Already exists' },
  ENOTEMPTY: { code: 'Conflict', message: 'The folder is not empty' },
  EACCES: { code: 'PermissionDenied', message: 'Permission denied', hint: 'Check the account may access this path.' },
  EPERM: {
    code: 'PermissionDenied',
    message: 'Operation not permitted',
    hint: 'Check the account may access this path.',
  },
  EROFS: { code: 'PermissionDenied', message: 'Read-only file system' },
  ENOSPC: { code: 'QuotaExceeded', message: 'No space left on the device', hint: 'Free some space and try again.' },
  EDQUOT: { code: 'QuotaExceeded', message: 'Disk quota exceeded', hint: 'Free some space or ask for a larger quota.' },
  EFBIG: { code: 'QuotaExceeded', message: 'File too large for this storage' },
  ENAMETOOLONG: { code: 'InvalidInput', message: 'Name too long' },
  EINVAL: { code: 'InvalidInput', message: 'Invalid argument' },
  ELOOP: { code: 'InvalidInput', message: 'Too many symbolic links' },
  EMFILE: { code: 'Retryable', message: 'Too many open files' },
  ENFILE: { code: 'Retryable', message: 'Too many open files in the system' },
  EBUSY: { code: 'Retryable', message: 'Resource busy' },
  EAGAIN: { code: 'Retryable', message: 'Resource temporarily unavailable' },
  EIO: { code: 'Retryable', message: 'Input/output error' },
  ECONNREFUSED: {
    code: 'Retryable',
    message: 'Connection refused',
    hint: 'Check the host and port, and that the server runs.',
  },
  ECONNRESET: { code: 'Retryable', message: 'Connection reset by the server' },
  ECONNABORTED: { code: 'Retryable', message: 'Connection aborted' },
  EPIPE: { code: 'Retryable', message: 'Connection closed while writing' },
  ETIMEDOUT: { code: 'Retryable', message: 'Timed out', hint: 'Check the network and firewall.' },
  EHOSTUNREACH: { code: 'Retryable', message: 'Host unreachable', hint: 'Check the network and the host name.' },
  ENETUNREACH: { code: 'Retryable', message: 'Network unreachable', hint: 'Check the network connection.' },
  ENETDOWN: { code: 'Retryable', message: 'Network down', hint: 'Check the network connection.' },
  EAI_AGAIN: { code: 'Retryable', message: 'Name resolution failed temporarily' },
  ENOTFOUND: { code: 'InvalidInput', message: 'Host name not found', hint: 'Check the host name for typos.' },
  ERR_STREAM_PREMATURE_CLOSE: { code: 'Retryable', message: 'The stream closed early' },
};

/** The errno-style code of a Node error, if any. */
export function nodeErrorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * Maps a Node fs or network error into the closed set (ENOENT -> NotFound, EACCES -> PermissionDenied,
 * ENOSPC -> QuotaExceeded, ECONNRESET -> Retryable, ...). A ConnectorError passes through unchanged, aborts
 * become Cancelled, and an unknown error becomes Retryable with its message kept.
 */
export function mapNodeError(error: unknown, path?: string): ConnectorError {
  if (error instanceof ConnectorError) return error;
  if (isAbortError(error))
    return new ConnectorError('Cancelled', 'The operation was cancelled.', { path, cause: error });
  const code = nodeErrorCode(error);
  const mapping = code === undefined ? undefined : NODE_CODES[code];
  const where = path === undefined ? '' : `: ${path === '' ? '(root)' : path}`;
  if (mapping) {
    return new ConnectorError(mapping.code, `${mapping.message}${where}`, { hint: mapping.hint, path, cause: error });
  }
  const text = error instanceof Error ? error.message : String(error);
  // Unknown failures are treated as transient: retrying is bounded, while a wrong permanent code loses the transfer.
  return new ConnectorError('Retryable', `${text}${where}`, { path, cause: error });
}

/** Maps an error met while consuming a stream: Cancelled when the signal aborted, else as mapNodeError. */
export function mapStreamError(error: unknown, signal: AbortSignal | undefined, path?: string): ConnectorError {
  if (signal?.aborted) return cancelledError(signal, path);
  return mapNodeError(error, path);
}
