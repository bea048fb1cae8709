import { lookup } from 'node:dns/promises';
import { type ConnectionOptions, type TLSSocket } from 'node:tls';
import { posix } from 'node:path';
import { Client } from 'basic-ftp';
import { type FtpsOptions } from '../../shared/connectors/ftps-descriptor';
import { mapFtpError, isTlsTrustError } from './map-ftp-error';
import { ServerIdentityError } from '../server-identity';
import { certificateInfo, fetchCertificate, portOf } from './tls-trust';

/** The stages of opening an FTPS connection, in check() order. */
export type FtpsStage = 'resolve' | 'connect' | 'handshake' | 'authenticate';

/** An error while opening a connection, tagged with the stage that failed. */
export class FtpsStageError extends Error {
  constructor(
    readonly stage: FtpsStage,
    readonly error: unknown,
  ) {
    super(error instanceof Error ? error.message : String(error));
  }
}

/** Stage reports while connecting (for check()). */
export type FtpsProgress = (stage: FtpsStage, detail: string, fingerprint?: string) => void;

/** A signed-in FTPS control connection and the absolute folder the connector's root resolves to. */
export interface FtpsConnection {
  readonly client: Client;
  readonly root: string;
}

const TIMEOUT_MS = 30_000;

async function stage<T>(name: FtpsStage, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw error instanceof FtpsStageError ? error : new FtpsStageError(name, error);
  }
}

/**
 * Opens one control connection: resolve, connect, TLS (explicit AUTH TLS or implicit) verified with `tls`,
 * sign in only once the certificate is trusted, binary mode and PROT P, then resolve the root folder.
 * A certificate that fails verification becomes a ServerIdentityError carrying its fingerprint.
 */
export async function openFtpsConnection(
  options: FtpsOptions,
  tls: ConnectionOptions,
  progress: FtpsProgress = () => {},
): Promise<FtpsConnection> {
  const port = portOf(options);
  const address = await stage('resolve', async () => (await lookup(options.host)).address);
  progress('resolve', `${options.host} is ${address}`);
  const client = new Client(TIMEOUT_MS);
  try {
    await stage('handshake', async () => {
      try {
        if (options.secure === 'implicit') {
          await stage('connect', () => client.connectImplicitTLS(options.host, port, { ...tls }));
          progress('connect', `${address}:${port} reached (implicit TLS)`);
        } else {
          await stage('connect', () => client.connect(options.host, port));
          progress('connect', `${address}:${port} reached`);
          await client.useTLS({ ...tls });
        }
      } catch (error) {
        const inner = error instanceof FtpsStageError ? error.error : error;
        if (!isTlsTrustError(inner)) throw error;
        // Say which certificate was refused, so the user can compare it and pin it.
        const seen = await fetchCertificate(options).catch(() => undefined);
        if (seen === undefined) throw error;
        throw new ServerIdentityError(
          'certificate',
          'unknown',
          seen.fingerprint256,
          undefined,
          String((inner as { code?: unknown }).code),
        );
      }
    });
    const socket = client.ftp.socket as TLSSocket;
    const cert = certificateInfo(socket.getPeerCertificate());
    progress(
      'handshake',
      `${socket.getProtocol() ?? 'TLS'}, certificate ${cert.subject} issued by ${cert.issuer}, valid to ${cert.validTo}`,
      cert.fingerprint256,
    );
    await stage('authenticate', async () => {
      await client.login(options.username, options.password);
      await client.useDefaultSettings();
    });
    progress('authenticate', `signed in as ${options.username}`);
    const home = await client.pwd();
    return { client, root: posix.resolve(home, options.root === '' ? '.' : options.root) };
  } catch (error) {
    client.close();
    throw error;
  }
}

/** Maps a stage error (or any error) from openFtpsConnection into the closed set. */
export function mapOpenError(error: unknown): Error {
  return mapFtpError(error instanceof FtpsStageError ? error.error : error);
}
