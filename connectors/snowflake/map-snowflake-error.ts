import { ConnectorError, isAbortError } from '../connector-error';
import { mapNodeError } from '../map-node-error';
import { type ConnectorErrorCode } from '../../shared/errors/connector-error-code';

/** What a failed statement was doing, and the GRANTs that would allow it (for the hint). */
export interface SnowflakeErrorContext {
  readonly path?: string;
  /** GRANT statements to run when the role lacks a privilege on the stage. */
  readonly grants?: string;
}

interface SnowflakeErrorShape {
  readonly code?: unknown;
  readonly sqlState?: unknown;
  readonly message?: unknown;
  readonly cause?: unknown;
}

/**
 * Maps a snowflake-sdk error into the closed set: 390100/390144 refused credentials, 390189 a role not granted,
 * 002003 a stage missing or invisible to the role and 003001 a missing privilege (both with the GRANTs to run),
 * 390112/390114 an expired session, network failures retryable.
 */
export function mapSnowflakeError(error: unknown, context: SnowflakeErrorContext = {}): ConnectorError {
  if (error instanceof ConnectorError) return error;
  const path = context.path;
  if (isAbortError(error))
    return new ConnectorError('Cancelled', 'The operation was cancelled.', { path, cause: error });
  const e = (typeof error === 'object' && error !== null ? error : {}) as SnowflakeErrorShape;
  const text = typeof e.message === 'string' ? e.message.replace(/\s+/g, ' ').trim() : String(error);
  const code = e.code === undefined || e.code === null ? '' : String(e.code);
  const make = (c: ConnectorErrorCode, message: string, hint?: string): ConnectorError =>
    new ConnectorError(c, message, { hint, path, cause: error });
  switch (code) {
    case '390100':
      return make(
        'AuthFailed',
        `Snowflake refused the user name or password (${text})`,
        'Check the account identifier, user name and password.',
      );
    case '390144':
      return make(
        'AuthFailed',
        `Snowflake refused the key-pair sign-in (${text})`,
        "Register the public key of this private key on the user: ALTER USER <user> SET RSA_PUBLIC_KEY = '<key>'; and check the account identifier and user name.",
      );
    case '390189':
      return make(
        'PermissionDenied',
        `The role is not granted to this user (${text})`,
        'Grant it (GRANT ROLE <role> TO USER <user>;) or choose another role.',
      );
    case '390112':
    case '390114':
      return make('Retryable', `The Snowflake session expired (${text})`, 'Try again: Ferry signs in again.');
    case '002003':
      return make(
        'NotFound',
        `The stage does not exist or the role may not see it (${text})`,
        context.grants === undefined
          ? 'Check the database, schema and stage names.'
          : `Check the names, or run: ${context.grants}`,
      );
    case '003001':
      return make(
        'PermissionDenied',
        `The role lacks a privilege on the stage (${text})`,
        context.grants === undefined ? undefined : `Run: ${context.grants}`,
      );
  }
  if (/^0\d{5}$/.test(code)) return make('InvalidInput', `Snowflake refused the statement (${text})`);
  // The SDK's own checks of the connection options (404xxx, 405xxx): a malformed key, an unknown setting.
  if (/^40[45]\d{3}$/.test(code)) {
    return make(
      'InvalidInput',
      `The Snowflake connection options are not valid (${text})`,
      'Check the private key (PEM text) and the sign-in options.',
    );
  }
  // A private key the passphrase does not open (Node's crypto, during the key-pair sign-in).
  if (/bad decrypt|passphrase|DECODER routines|unsupported key/i.test(text)) {
    return make(
      'InvalidInput',
      `The private key cannot be read (${text})`,
      'Check the passphrase and that the whole PEM key was pasted.',
    );
  }
  // Local file errors (the temporary files of PUT and GET) keep their own meaning.
  if (/^E[A-Z]+$/.test(code) && !/^E(CONN|TIMEDOUT|HOSTUNREACH|NETUNREACH|AI_|PIPE)/.test(code)) {
    return mapNodeError(error, path);
  }
  // Everything else is the transport: a refused or cut connection, a timeout, a proxy answering instead.
  return make(
    'Retryable',
    `Snowflake could not be reached (${text})`,
    'Check the account identifier or access URL and the network.',
  );
}
