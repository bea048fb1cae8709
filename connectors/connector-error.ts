import {
  CONNECTOR_ERROR_MEANING,
  type ConnectorErrorCode,
  type ConnectorErrorInfo,
} from '../shared/errors/connector-error-code';

/** Details a driver adds to an error: what to do, the path involved, the provider's own error. */
export interface ConnectorErrorDetails {
  /** What the user should do, in one sentence. */
  readonly hint?: string;
  /** The connector path involved (never a secret, never a local absolute path outside the connector). */
  readonly path?: string;
  /** The provider's original error, for logs. */
  readonly cause?: unknown;
  /** For Retryable: how long the server asked to wait. */
  readonly retryAfterMs?: number;
}

/** The only error a driver throws: one code of the closed set, a message, and a hint saying what to do. */
export class ConnectorError extends Error {
  override readonly name = 'ConnectorError';
  readonly code: ConnectorErrorCode;
  readonly hint: string | undefined;
  readonly path: string | undefined;
  readonly retryAfterMs: number | undefined;

  constructor(code: ConnectorErrorCode, message: string, details: ConnectorErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.code = code;
    this.hint = details.hint;
    this.path = details.path;
    this.retryAfterMs = details.retryAfterMs;
  }

  /** JSON-safe form (no cause, no stack). */
  toJSON(): ConnectorErrorInfo {
    return {
      code: this.code,
      message: this.message,
      ...(this.hint === undefined ? {} : { hint: this.hint }),
      ...(this.path === undefined ? {} : { path: this.path }),
    };
  }
}

/** Whether a value is a ConnectorError, optionally with a given code. */
export function isConnectorError(value: unknown, code?: ConnectorErrorCode): value is ConnectorError {
  return value instanceof ConnectorError && (code === undefined || value.code === code);
}

/** The Cancelled error for an aborted signal (keeps the abort reason when it already is a ConnectorError). */
export function cancelledError(signal?: AbortSignal, path?: string): ConnectorError {
  const reason: unknown = signal?.reason;
  if (reason instanceof ConnectorError) return reason;
  return new ConnectorError('Cancelled', 'The operation was cancelled.', { path, cause: reason });
}

/** Throws Cancelled when the signal is aborted: call before starting I/O. */
export function throwIfAborted(signal: AbortSignal | undefined, path?: string): void {
  if (signal?.aborted) throw cancelledError(signal, path);
}

/** Whether an error is an abort (DOM AbortError, Node ABORT_ERR, or a Cancelled ConnectorError). */
export function isAbortError(error: unknown): boolean {
  if (error instanceof ConnectorError) return error.code === 'Cancelled';
  if (typeof error !== 'object' || error === null) return false;
  const e = error as { name?: unknown; code?: unknown };
  return e.name === 'AbortError' || e.code === 'ABORT_ERR';
}

/**
 * A one-line description of an error for the CLI and logs: `message (what to do)`. The code stays out of the
 * text (no "Retryable: ..."): the message says what happened, the hint what to do.
 */
export function describeError(error: unknown): string {
  if (error instanceof ConnectorError) {
    const hint = error.hint ?? CONNECTOR_ERROR_MEANING[error.code];
    return `${error.message}${hint && hint !== error.message ? ` (${hint})` : ''}`;
  }
  if (error instanceof Error) return error.message;
  return String(error);
}
