// A Snowflake fake with one user and a named stage it may read and write, and the connector options that reach it.
import { generateKeyPairSync } from 'node:crypto';
import type { SnowflakeOptions } from '../../shared/connectors/snowflake-descriptor';
import { startSnowflakeFake, type SnowflakeFake } from '../servers/snowflake-fake/snowflake-fake-server';

/** The stage the options point at, as the fake keys it (storedFile's first argument). */
export const SNOWFLAKE_STAGE_KEY = 'DB.PUBLIC.EXCHANGE';

/** A running Snowflake fake and options for a connector on its stage, with a password or a key pair. */
export interface SnowflakeFakeConnector {
  readonly fake: SnowflakeFake;
  /** Every option, the secret included (a my-connector's driver takes them whole). */
  readonly options: SnowflakeOptions;
  /** The options without the secret, and the secret alone (an organisation connector's API body). */
  readonly apiBody: { readonly options: SnowflakeOptions; readonly secrets: Readonly<Record<string, string>> };
  /** The secret value itself (to look for it where it must not be). */
  readonly secret: string;
  /** The stored bytes of a file of the stage, by its path in the stage (prefix included); undefined when absent. */
  stored(relative: string): Buffer | undefined;
  stop(): Promise<void>;
}

/** Starts the fake: user `ferry` (password or registered public key) with READ and WRITE on DB.PUBLIC.EXCHANGE. */
export async function startSnowflakeFakeConnector(
  auth: 'password' | 'keyPair',
  prefix = '',
): Promise<SnowflakeFakeConnector> {
  const password = 'Snowflake-Fake-Pass-7c1e';
  const keys = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  const fake = await startSnowflakeFake({
    account: 'fakeacct',
    users: [
      auth === 'password'
        ? { name: 'ferry', password, roles: ['FERRY_ROLE'] }
        : { name: 'ferry', publicKeyPem: keys.publicKey, roles: ['FERRY_ROLE'] },
    ],
  });
  fake.createStage({ database: 'DB', schema: 'PUBLIC', name: 'EXCHANGE', grants: { FERRY_ROLE: ['READ', 'WRITE'] } });
  const common: SnowflakeOptions = {
    account: 'fakeacct',
    username: 'ferry',
    auth,
    role: 'FERRY_ROLE',
    database: 'DB',
    schema: 'PUBLIC',
    stage: 'EXCHANGE',
    prefix,
    accessUrl: fake.accessUrl,
  };
  const secrets: Record<string, string> = auth === 'password' ? { password } : { privateKey: keys.privateKey };
  return {
    fake,
    options: { ...common, ...secrets },
    apiBody: { options: common, secrets },
    secret: auth === 'password' ? password : keys.privateKey,
    stored: (relative) => fake.storedFile(SNOWFLAKE_STAGE_KEY, relative),
    stop: () => fake.stop(),
  };
}
