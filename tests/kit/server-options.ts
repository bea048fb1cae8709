import { envNameOfOption } from '../../shared/connectors/connector-descriptor';
import type { FtpsOptions } from '../../shared/connectors/ftps-descriptor';
import type { S3Options } from '../../shared/connectors/s3-descriptor';
import type { SftpOptions } from '../../shared/connectors/sftp-descriptor';
import type { SshdServer } from '../servers/sshd-server';
import type { SwiftServer } from '../servers/swift-server';
import type { VsftpdServer } from '../servers/vsftpd-server';

/** SFTP options reaching a test sshd as its user, in its root; its host key pinned unless `pin` is false. */
export function sshdSftpOptions(server: SshdServer, { pin = true }: { readonly pin?: boolean } = {}): SftpOptions {
  return {
    host: server.host,
    port: server.port,
    username: server.user.name,
    password: server.user.password,
    ...(pin ? { hostKeyFingerprint: server.hostKeyFingerprint } : {}),
    root: server.root,
  };
}

/** FTPS options reaching a test vsftpd (or proftpd) as its user over explicit TLS, trusting its test CA. */
export function vsftpdFtpsOptions(server: Pick<VsftpdServer, 'host' | 'port' | 'user' | 'certificate'>): FtpsOptions {
  return {
    host: server.host,
    port: server.port,
    username: server.user.name,
    password: server.user.password,
    secure: 'explicit',
    ca: server.certificate.caPem,
    root: '.',
  };
}

/** S3 options reaching a test Swift (s3api) in `bucket` with the "other" profile; `changes` override the defaults. */
export function swiftS3Options(server: SwiftServer, bucket: string, changes: Partial<S3Options> = {}): S3Options {
  return {
    provider: 'other',
    endpoint: server.endpoint,
    bucket,
    prefix: '',
    accessKeyId: server.accessKeyId,
    secretAccessKey: server.secretAccessKey,
    compatibility: 'auto',
    serverSideEncryption: 'none',
    partSizeMiB: 8,
    uploadConcurrency: 4,
    ...changes,
  };
}

/** A connector as the CLI reads it from the environment: FERRY_CONNECTOR_<NAME>_TYPE and one variable per option. */
export function connectorEnv(
  name: string,
  kind: string,
  options: Readonly<Record<string, string | number | boolean>>,
): Record<string, string> {
  const prefix = `FERRY_CONNECTOR_${name.toUpperCase()}_`;
  return {
    [`${prefix}TYPE`]: kind,
    ...Object.fromEntries(
      Object.entries(options).map(([option, value]) => [prefix + envNameOfOption(option), String(value)]),
    ),
  };
}
