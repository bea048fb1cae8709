import { defineDescriptor, type OptionsOf } from './connector-descriptor';

/** A SHA256 host-key fingerprint as OpenSSH prints it: `SHA256:` and unpadded base64. */
export const SSH_FINGERPRINT_PATTERN = '^SHA256:[A-Za-z0-9+/]{43}=?$';

/** SFTP over SSH (OpenSSH and compatible servers). */
export const sftpDescriptor = defineDescriptor({
  kind: 'sftp',
  label: 'SFTP',
  description: 'A server reachable over SSH with the SFTP subsystem (OpenSSH and most hosting providers).',
  options: {
    host: {
      type: 'string',
      label: 'Host',
      help: 'Name or IP address of the SSH server.',
      required: true,
      examples: ['sftp.example.com', '192.0.2.10'],
    },
    port: {
      type: 'integer',
      label: 'Port',
      help: 'TCP port of the SSH server.',
      required: false,
      min: 1,
      max: 65535,
      default: 22,
    },
    username: {
      type: 'string',
      label: 'User name',
      help: 'Account to sign in with.',
      required: true,
      examples: ['data'],
    },
    password: {
      type: 'string',
      label: 'Password',
      help: 'Password of the account; leave empty when signing in with a private key.',
      required: false,
      secret: true,
    },
    privateKey: {
      type: 'string',
      label: 'Private key',
      help: 'Contents of the private key (OpenSSH or PEM format), used instead of or besides the password.',
      required: false,
      secret: true,
      multiline: true,
      contents: 'private-key',
      examples: ['-----BEGIN OPENSSH PRIVATE KEY-----\n...'],
    },
    passphrase: {
      type: 'string',
      label: 'Key passphrase',
      help: 'Passphrase protecting the private key, when it has one.',
      required: false,
      secret: true,
    },
    hostKeyFingerprint: {
      type: 'string',
      label: 'Host key fingerprint',
      help:
        'SHA256 fingerprint the server must present (`ssh-keygen -lf` on the server prints it). Empty: trust on ' +
        'first use, the fingerprint seen first is remembered and any later change is refused.',
      required: false,
      pattern: SSH_FINGERPRINT_PATTERN,
      format: '"SHA256:" and 43 base64 characters, as `ssh-keygen -lf` prints it',
      examples: ['SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s'],
    },
    root: {
      type: 'string',
      label: 'Folder on the server',
      help: 'Folder this connector works in; relative paths start in the account home. Nothing outside it is used.',
      required: false,
      default: '.',
      examples: ['upload', '/srv/exchange'],
    },
  },
});

/** Validated options of an SFTP connector. */
export type SftpOptions = OptionsOf<typeof sftpDescriptor.options>;
