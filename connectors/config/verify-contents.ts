import { X509Certificate } from 'node:crypto';
import { type ConnectorDescriptor } from '../../shared/connectors/connector-descriptor';
import { ConnectorError } from '../connector-error';

const CERTIFICATE_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

/**
 * Checks what the descriptor's text checks cannot: every PEM block of a certificate option parses as an X.509
 * certificate (TLS would otherwise drop an unreadable CA silently). Throws InvalidInput naming the option.
 */
export function verifyContents(descriptor: ConnectorDescriptor, options: Readonly<Record<string, unknown>>): void {
  for (const [name, spec] of Object.entries(descriptor.options)) {
    const value = options[name];
    if (spec.type !== 'string' || spec.contents !== 'pem-certificate' || typeof value !== 'string') continue;
    for (const [index, block] of [...value.matchAll(CERTIFICATE_BLOCK)].entries()) {
      try {
        new X509Certificate(block[0]);
      } catch (error) {
        throw new ConnectorError(
          'InvalidInput',
          `${spec.label} (${name}): certificate ${index + 1} is not a readable X.509 certificate.`,
          {
            hint: 'Paste the PEM text of the CA certificate again, complete, as the server administrator gave it.',
            cause: error,
          },
        );
      }
    }
  }
}
