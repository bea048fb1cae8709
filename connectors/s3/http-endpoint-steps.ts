import { lookup } from 'node:dns/promises';
import { connect as netConnect } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { type StepPlan } from '../check/check-runner';
import { mapNodeError } from '../map-node-error';

const TIMEOUT_MS = 10_000;

function timed<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error(`${what} timed out`), { code: 'ETIMEDOUT' })), TIMEOUT_MS);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * The resolve, connect and TLS handshake steps of a check against an HTTP(S) API endpoint: DNS lookup, a TCP
 * connection, and for https a handshake verified against the system authorities (the certificate subject and
 * SHA256 fingerprint are reported). Plain http (local test servers) skips the handshake with a note.
 */
export function httpEndpointSteps(endpoint: URL): readonly StepPlan[] {
  const host = endpoint.hostname.replace(/^\[|\]$/g, '');
  const secure = endpoint.protocol === 'https:';
  const port = Number(endpoint.port || (secure ? 443 : 80));
  let address = host;
  return [
    {
      id: 'resolve',
      hint: 'Check the endpoint host name and that this computer can resolve it (DNS, VPN, proxy).',
      async run() {
        const found = await timed(lookup(host), 'DNS lookup').catch((error: unknown) => {
          throw mapNodeError(error);
        });
        address = found.address;
        return { status: 'ok', detail: `${host} is ${found.address}.` };
      },
    },
    {
      id: 'connect',
      hint: 'Check the endpoint URL and port, and that no firewall or proxy blocks it.',
      async run() {
        const started = performance.now();
        await timed(
          new Promise<void>((resolve, reject) => {
            const socket = netConnect({ host: address, port });
            socket.once('connect', () => {
              socket.destroy();
              resolve();
            });
            socket.once('error', reject);
          }),
          'Connecting',
        ).catch((error: unknown) => {
          throw mapNodeError(error);
        });
        return { status: 'ok', detail: `${address}:${port} reached in ${Math.round(performance.now() - started)} ms.` };
      },
    },
    {
      id: 'handshake',
      hint: 'The certificate is not trusted: check the endpoint, the system clock, or a TLS-intercepting proxy.',
      async run() {
        if (!secure) return { status: 'skipped', detail: 'Plain HTTP endpoint: no TLS (only acceptable on loopback).' };
        return timed(
          new Promise((resolve, reject) => {
            const socket = tlsConnect({ host: address, port, servername: host, ALPNProtocols: ['http/1.1'] });
            socket.once('secureConnect', () => {
              const cert = socket.getPeerCertificate();
              socket.destroy();
              resolve({
                status: 'ok',
                detail: `TLS ${socket.getProtocol() ?? ''} certificate for ${cert.subject?.CN ?? host}, issued by ${cert.issuer?.O ?? cert.issuer?.CN ?? 'unknown'}.`,
                fingerprint: `SHA256:${cert.fingerprint256}`,
              });
            });
            socket.once('error', reject);
          }),
          'TLS handshake',
        );
      },
    },
  ];
}
