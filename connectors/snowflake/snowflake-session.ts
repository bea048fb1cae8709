import type snowflake from 'snowflake-sdk';
import { type SnowflakeOptions } from '../../shared/connectors/snowflake-descriptor';
import { ConnectorError } from '../connector-error';
import { loadSnowflakeSdk } from './load-snowflake-sdk';
import { mapSnowflakeError, type SnowflakeErrorContext } from './map-snowflake-error';

/** One row of a statement's result, by column name (values as the SDK converts them). */
export type SnowflakeRow = Readonly<Record<string, unknown>>;

/**
 * Milliseconds a request may stay silent before it fails (the SDK's default is 90 s, times its login retries).
 * Not less: Snowflake holds a statement's request up to ~45 s before answering "still running".
 */
const REQUEST_TIMEOUT_MS = 60_000;

/** The SDK's connection options for a connector: key-pair JWT or password, no login retries (a dead host fails fast). */
export function connectionOptions(options: SnowflakeOptions): snowflake.ConnectionOptions {
  const auth = options.auth ?? 'keyPair';
  const credentials =
    auth === 'keyPair'
      ? {
          authenticator: 'SNOWFLAKE_JWT',
          privateKey: options.privateKey ?? '',
          ...(options.privateKeyPassphrase ? { privateKeyPass: options.privateKeyPassphrase } : {}),
        }
      : { password: options.password ?? '' };
  if (auth === 'keyPair' && !options.privateKey) {
    throw new ConnectorError('InvalidInput', 'Key-pair sign-in needs the private key.', {
      hint: 'Paste the PEM private key whose public key is set on the user, or sign in with a password.',
    });
  }
  if (auth === 'password' && !options.password) {
    throw new ConnectorError('InvalidInput', 'Password sign-in needs the password.');
  }
  return {
    account: options.account,
    username: options.username,
    ...credentials,
    ...(options.accessUrl ? { accessUrl: options.accessUrl } : {}),
    ...(options.role ? { role: options.role } : {}),
    ...(options.warehouse ? { warehouse: options.warehouse } : {}),
    ...(options.database ? { database: options.database } : {}),
    ...(options.schema ? { schema: options.schema } : {}),
    application: 'Ferry',
    // The SDK retries a failed login for about two minutes by default; a check must answer in seconds.
    sfRetryMaxLoginRetries: 0,
    timeout: REQUEST_TIMEOUT_MS,
    clientSessionKeepAlive: false,
  } as snowflake.ConnectionOptions;
}

/**
 * A signed-in Snowflake connection, opened on first use and opened again after a failed sign-in. Expired session
 * tokens (390112) are renewed by the SDK with the master token; statements run concurrently on one connection.
 */
export class SnowflakeSession {
  private connecting: Promise<snowflake.Connection> | undefined;
  private closed = false;

  constructor(private readonly options: SnowflakeOptions) {}

  private connection(): Promise<snowflake.Connection> {
    if (this.closed) return Promise.reject(new ConnectorError('InvalidInput', 'This Snowflake connection was closed.'));
    if (this.connecting === undefined) {
      const attempt = this.open();
      this.connecting = attempt;
      // A failed sign-in is not kept: the next operation tries again (a fixed password, a server back up).
      attempt.catch(() => {
        if (this.connecting === attempt) this.connecting = undefined;
      });
    }
    return this.connecting;
  }

  private async open(): Promise<snowflake.Connection> {
    const sdk = await loadSnowflakeSdk();
    let connection: snowflake.Connection;
    try {
      connection = sdk.createConnection(connectionOptions(this.options));
    } catch (error) {
      // The SDK checks the options (a malformed private key...) synchronously, before any I/O.
      throw mapSnowflakeError(error);
    }
    return new Promise<snowflake.Connection>((resolve, reject) => {
      connection.connect((error) => (error ? reject(mapSnowflakeError(error)) : resolve(connection)));
    });
  }

  /** Signs in when needed (the check's first step measures this). */
  async connect(): Promise<void> {
    await this.connection();
  }

  /** Runs one statement and returns its rows; errors mapped with `context` (path, GRANT hints). */
  async run(sqlText: string, context: SnowflakeErrorContext = {}): Promise<readonly SnowflakeRow[]> {
    const connection = await this.connection();
    return new Promise((resolve, reject) => {
      connection.execute({
        sqlText,
        complete: (error, _statement, rows) => {
          if (error) reject(mapSnowflakeError(error, context));
          else resolve((rows ?? []) as SnowflakeRow[]);
        },
      });
    });
  }

  /** Ends the session on the server (best effort) and refuses further use. */
  async close(): Promise<void> {
    this.closed = true;
    const pending = this.connecting;
    this.connecting = undefined;
    const connection = await pending?.catch(() => undefined);
    if (connection === undefined) return;
    await new Promise<void>((resolve) => connection.destroy(() => resolve()));
  }
}
