import { defineDescriptor, type OptionsOf } from './connector-descriptor';

/** A SHA256 certificate fingerprint: 32 hex bytes, colon-separated or not (as `openssl x509 -fingerprint` prints it). */
export const CERT_FINGERPRINT_PATTERN = '^(?:SHA256:)?(?:[0-9A-Fa-f]{2}:?){31}[0-9A-Fa-f]{2}$';

/** FTP over TLS (explicit AUTH TLS or implicit TLS), passive data connections. */
export const ftpsDescriptor = defineDescriptor({
  kind: 'ftps',
  label: 'FTPS',
  description: 'An FTP server protected by TLS (vsftpd, ProFTPD, FileZilla Server, IIS). Plain FTP is not offered.',
  options: {
    host: {
      type: 'string',
      label: 'Host',
      help: 'Name or IP address of the FTP server; the certificate must be valid for it.',
      required: true,
      examples: ['ftp.example.com'],
    },
    port: {
      type: 'integer',
      label: 'Port',
      help: 'TCP port of the control connection; empty means 21 for explicit TLS and 990 for implicit TLS.',
      required: false,
      min: 1,
      max: 65535,
    },
    username: { type: 'string', label: 'User name', help: 'Account to sign in with.', required: true },
    password: { type: 'string', label: 'Password', help: 'Password of the account.', required: true, secret: true },
    secure: {
      type: 'enum',
      label: 'TLS mode',
      help: 'Explicit: the client asks for TLS with AUTH TLS on the FTP port (most servers). Implicit: TLS from the first byte.',
      required: false,
      values: [
        { value: 'explicit', label: 'Explicit (AUTH TLS)' },
        { value: 'implicit', label: 'Implicit' },
      ],
      default: 'explicit',
    },
    ca: {
      type: 'string',
      label: 'Certificate authority',
      help: 'PEM certificate(s) to trust besides the system authorities, for servers with a private CA or a self-signed certificate.',
      required: false,
      advanced: true,
      multiline: true,
      contents: 'pem-certificate',
      examples: ['-----BEGIN CERTIFICATE-----\n...'],
    },
    certificateFingerprint: {
      type: 'string',
      label: 'Pinned certificate',
      help:
        'SHA256 fingerprint the server certificate must have (`openssl x509 -noout -fingerprint -sha256`). When set, ' +
        'a certificate with this fingerprint is accepted even if no authority vouches for it, and any other is refused.',
      required: false,
      advanced: true,
      pattern: CERT_FINGERPRINT_PATTERN,
      format: '32 hexadecimal bytes, colon-separated or not, as `openssl x509 -noout -fingerprint -sha256` prints it',
    },
    root: {
      type: 'string',
      label: 'Folder on the server',
      help: 'Folder this connector works in, relative to the login folder or absolute. Nothing outside it is used.',
      required: false,
      default: '.',
      examples: ['incoming'],
    },
  },
});

/** Validated options of an FTPS connector. */
export type FtpsOptions = OptionsOf<typeof ftpsDescriptor.options>;
