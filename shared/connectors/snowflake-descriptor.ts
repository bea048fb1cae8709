import { defineDescriptor, type OptionsOf } from './connector-descriptor';

/** Snowflake: the files of an internal stage (named or a table's), reached with a key pair or a password. */
export const snowflakeDescriptor = defineDescriptor({
  kind: 'snowflake',
  label: 'Snowflake stage',
  description:
    'The files of a Snowflake internal stage (a named stage or a table stage), signed in with a key pair or a password.',
  options: {
    account: {
      type: 'string',
      label: 'Account identifier',
      help: 'Your account identifier, orgname-accountname (or the legacy locator with its region, xy12345.eu-west-1), as in https://<account>.snowflakecomputing.com.',
      required: true,
      pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$',
      examples: ['myorg-myaccount'],
    },
    username: {
      type: 'string',
      label: 'User name',
      help: 'Snowflake user to sign in as (a service user for key pairs).',
      required: true,
    },
    auth: {
      type: 'enum',
      label: 'Sign in with',
      help: 'Key pair: a private key whose public key is registered on the user (ALTER USER ... SET RSA_PUBLIC_KEY), as service users do. Password: the user password (accounts that enforce MFA refuse it).',
      required: false,
      values: [
        { value: 'keyPair', label: 'Key pair (JWT)' },
        { value: 'password', label: 'Password' },
      ],
      default: 'keyPair',
    },
    privateKey: {
      type: 'string',
      label: 'Private key',
      help: 'Contents of the PEM private key (BEGIN PRIVATE KEY or BEGIN ENCRYPTED PRIVATE KEY) whose public key is set on the user.',
      required: false,
      secret: true,
      multiline: true,
      contents: 'private-key',
    },
    privateKeyPassphrase: {
      type: 'string',
      label: 'Key passphrase',
      help: 'Passphrase of an encrypted private key.',
      required: false,
      secret: true,
    },
    password: {
      type: 'string',
      label: 'Password',
      help: 'Password of the user, when signing in with a password.',
      required: false,
      secret: true,
    },
    role: {
      type: 'string',
      label: 'Role',
      help: "Role to use; empty for the user's default role. It needs READ (and WRITE to send files) on the stage.",
      required: false,
      examples: ['FERRY_ROLE'],
    },
    warehouse: {
      type: 'string',
      label: 'Warehouse',
      help: 'Warehouse of the session; listing and moving files need none, so it may stay empty.',
      required: false,
    },
    database: {
      type: 'string',
      label: 'Database',
      help: "Database of the stage; empty for the user's default.",
      required: false,
    },
    schema: {
      type: 'string',
      label: 'Schema',
      help: "Schema of the stage; empty for the user's default (often PUBLIC).",
      required: false,
    },
    stage: {
      type: 'string',
      label: 'Stage',
      help: 'Name of the internal stage (without database or schema: they have their own options), or %TABLE for the stage of a table. Plain names are upper-cased as Snowflake does; names with other characters are used exactly.',
      required: true,
      pattern: '^%?[^\\s/@.][^/@.]*$',
      examples: ['EXCHANGE', '%ORDERS'],
    },
    prefix: {
      type: 'string',
      label: 'Folder in the stage',
      help: 'Path prefix this connector works in; empty for the whole stage. Nothing outside it is used.',
      required: false,
      default: '',
      examples: ['incoming'],
    },
    accessUrl: {
      type: 'string',
      label: 'Access URL',
      help: 'Base URL of the account, for private connectivity or a local test server. Empty: https://<account>.snowflakecomputing.com.',
      required: false,
      advanced: true,
      pattern: '^https?://[^\\s/]+$',
    },
  },
});

/** Validated options of a Snowflake stage connector. */
export type SnowflakeOptions = OptionsOf<typeof snowflakeDescriptor.options>;
