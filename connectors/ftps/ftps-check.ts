import { type FtpsOptions } from '../../shared/connectors/ftps-descriptor';
import { type ConnectionCheck, connectionCheckSteps } from '../check/connection-steps';
import { type FtpsConnection, type FtpsProgress, FtpsStageError } from './ftps-session';
import { mapFtpError } from './map-ftp-error';

/**
 * Turns one connection opening into the resolve, connect, TLS handshake (certificate subject, issuer and SHA256
 * fingerprint) and sign-in steps of a check; the connection is closed once opened.
 */
export function ftpsSessionSteps(
  open: (progress: FtpsProgress) => Promise<FtpsConnection>,
  options: FtpsOptions,
): ConnectionCheck {
  return connectionCheckSteps({
    open: async (report) => (await open(report)).client.close(),
    hints: {
      resolve: 'Check the host name for typos and that this computer can resolve it (DNS, VPN).',
      connect: 'Check the host, the port and the TLS mode (explicit: usually 21, implicit: 990), and the firewall.',
      handshake:
        "Check the certificate: give the server's CA certificate, or pin its SHA256 fingerprint after comparing it " +
        'with the one the administrator gives you.',
      authenticate: 'Check the user name and the password.',
    },
    labels: { handshake: `TLS handshake (${options.secure})` },
    failure: (error) => (error instanceof FtpsStageError ? error : { stage: 'handshake', error }),
    mapError: (error) => mapFtpError(error),
  });
}
