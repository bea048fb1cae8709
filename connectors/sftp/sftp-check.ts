import { type ConnectionCheck, connectionCheckSteps } from '../check/connection-steps';
import { mapSftpError } from './map-sftp-error';
import { SessionStageError, type SessionProgress } from './sftp-session';

/**
 * Turns one session opening (resolve, connect, SSH handshake with the host-key fingerprint, sign in) into four
 * check steps for `runCheckSteps`: each reports what happened at that stage, or fails with the stage's error
 * and what to do.
 */
export function sessionCheckSteps(open: (progress: SessionProgress) => Promise<unknown>): ConnectionCheck {
  return connectionCheckSteps({
    open: async (report) => void (await open({ onStage: report })),
    hints: {
      resolve: 'Check the host name for typos and that this computer can resolve it (DNS, VPN).',
      connect: 'Check the host and port, that the SSH server runs, and that no firewall blocks the port.',
      handshake: "Compare the server's host key fingerprint with the one its administrator gives you, then pin it.",
      authenticate: 'Check the user name and the password, or the private key and its passphrase.',
    },
    failure: (error) => (error instanceof SessionStageError ? error : { stage: 'connect', error }),
    mapError: (error) => mapSftpError(error),
  });
}
