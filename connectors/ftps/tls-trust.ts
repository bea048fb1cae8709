import {
  type PeerCertificate,
  type ConnectionOptions,
  type TLSSocket,
  connect as tlsConnect,
  rootCertificates,
} from 'node:tls';
import { isIP } from 'node:net';
import { Client } from 'basic-ftp';
import { type FtpsOptions } from '../../shared/connectors/ftps-descriptor';
import { ServerIdentityError } from '../server-identity';

/** What the server's certificate says, for check() and for pinning. */
export interface CertificateInfo {
  /** SHA256 fingerprint as Node prints it ('AA:BB:...'). */
  readonly fingerprint256: string;
  readonly subject: string;
  readonly issuer: string;
  readonly validTo: string;
  readonly pem: string;
}

/** Compares two SHA256 certificate fingerprints ignoring case, colons and a 'SHA256:' prefix. */
export function sameCertFingerprint(a: string, b: string): boolean {
  const canonical = (f: string): string =>
    f
      .replace(/^SHA256:/i, '')
      .replace(/:/g, '')
      .toUpperCase();
  return canonical(a) === canonical(b);
}

function describe(name: PeerCertificate['subject'] | undefined): string {
  if (name === undefined) return '';
  return Object.entries(name)
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('+') : String(v)}`)
    .join(', ');
}

/** Summarises a peer certificate (subject, issuer, fingerprint, PEM). */
export function certificateInfo(cert: PeerCertificate): CertificateInfo {
  const base64 = cert.raw.toString('base64').replace(/(.{64})/g, '$1\n');
  return {
    fingerprint256: cert.fingerprint256,
    subject: describe(cert.subject),
    issuer: describe(cert.issuer),
    validTo: cert.valid_to,
    pem: `-----BEGIN CERTIFICATE-----\n${base64.trimEnd()}\n-----END CERTIFICATE-----\n`,
  };
}

/** The default port for a TLS mode: 21 for explicit, 990 for implicit. */
export function portOf(options: FtpsOptions): number {
  return options.port ?? (options.secure === 'implicit' ? 990 : 21);
}

/**
 * Fetches the server's certificate WITHOUT verifying it, only to show or compare its fingerprint. Credentials
 * are never sent on this connection.
 */
export async function fetchCertificate(options: FtpsOptions, timeoutMs = 20_000): Promise<CertificateInfo> {
  const port = portOf(options);
  if (options.secure === 'implicit') {
    return new Promise((resolve, reject) => {
      const socket = tlsConnect({ host: options.host, port, rejectUnauthorized: false, timeout: timeoutMs }, () => {
        const cert = socket.getPeerCertificate();
        socket.destroy();
        resolve(certificateInfo(cert));
      });
      socket.once('error', reject);
      socket.once('timeout', () => socket.destroy(new Error('TLS handshake timed out')));
    });
  }
  const client = new Client(timeoutMs);
  try {
    await client.connect(options.host, port);
    await client.useTLS({ host: options.host, rejectUnauthorized: false });
    const socket = client.ftp.socket as TLSSocket;
    return certificateInfo(socket.getPeerCertificate());
  } finally {
    client.close();
  }
}

/**
 * TLS options for the control and data connections. Default: the system CAs plus the configured CA, with host
 * name checks. With a pinned fingerprint: the certificate presented must have exactly that fingerprint, whoever
 * signed it (the pinned certificate becomes the only trust anchor, so data connections are verified too).
 */
export async function tlsOptionsFor(options: FtpsOptions, pinnedPem?: string): Promise<ConnectionOptions> {
  const servername = isIP(options.host) === 0 ? options.host : undefined;
  const pin = options.certificateFingerprint;
  if (pin === undefined || pin === '') {
    return {
      host: options.host,
      servername,
      ca: options.ca ? [...rootCertificates, options.ca] : undefined,
      rejectUnauthorized: true,
    };
  }
  let pem = pinnedPem;
  if (pem === undefined) {
    const seen = await fetchCertificate(options);
    if (!sameCertFingerprint(seen.fingerprint256, pin)) {
      throw new ServerIdentityError('certificate', 'changed', seen.fingerprint256, pin, undefined, {
        againstPin: true,
      });
    }
    pem = seen.pem;
  }
  return {
    host: options.host,
    servername,
    ca: [pem],
    // The pinned certificate may be a leaf signed by an unknown CA: trust it on its own.
    allowPartialTrustChain: true,
    rejectUnauthorized: true,
    checkServerIdentity: (_host, cert) =>
      sameCertFingerprint(cert.fingerprint256, pin)
        ? undefined
        : new ServerIdentityError('certificate', 'changed', cert.fingerprint256, pin, undefined, { againstPin: true }),
  };
}
