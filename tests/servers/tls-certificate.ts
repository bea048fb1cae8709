import { X509Certificate } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runTool } from './run-tool';

/** A test CA and a server certificate it signed for 127.0.0.1 / localhost (IP SAN: Node checks it). */
export interface TestCertificate {
  readonly caPem: string;
  readonly certPem: string;
  readonly certPath: string;
  readonly keyPath: string;
  /** Node's `fingerprint256` of the server certificate ('AA:BB:...'). */
  readonly fingerprint256: string;
  readonly subject: string;
}

/** Generates a throwaway CA and a server certificate with openssl into `dir`. */
export function generateCertificate(dir: string): TestCertificate {
  const caKey = join(dir, 'ca-key.pem');
  const caCert = join(dir, 'ca.pem');
  const keyPath = join(dir, 'key.pem');
  const csr = join(dir, 'server.csr');
  const certPath = join(dir, 'cert.pem');
  const ext = join(dir, 'server.ext');
  runTool('openssl', [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', caKey, '-out', caCert, '-days', '30',
    '-subj', '/CN=Ferry Test CA',
  ]); // prettier-ignore
  runTool('openssl', [
    'req',
    '-new',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    keyPath,
    '-out',
    csr,
    '-subj',
    '/CN=127.0.0.1',
  ]);
  writeFileSync(ext, 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
  runTool('openssl', [
    'x509', '-req', '-in', csr, '-CA', caCert, '-CAkey', caKey, '-CAcreateserial', '-out', certPath, '-days', '30',
    '-extfile', ext,
  ]); // prettier-ignore
  const certPem = readFileSync(certPath, 'utf8');
  const x509 = new X509Certificate(certPem);
  return {
    caPem: readFileSync(caCert, 'utf8'),
    certPem,
    certPath,
    keyPath,
    fingerprint256: x509.fingerprint256,
    subject: x509.subject,
  };
}
