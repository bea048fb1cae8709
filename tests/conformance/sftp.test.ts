import { beforeAll } from 'vitest';
import { SftpDriver } from '../../connectors/sftp/sftp-driver';
import { requireServer } from '../servers/require-server';
import { SSHD_BINARY, startSshd, type SshdServer } from '../servers/sshd-server';
import { describeConformance } from './describe-conformance';

const sshd = requireServer('OpenSSH sshd', SSHD_BINARY, 'apt-get install openssh-server');
let server: SshdServer | undefined;

beforeAll(async () => {
  if (sshd.available) server = await startSshd();
});

describeConformance(
  'sftp (OpenSSH)',
  () => {
    if (server === undefined) throw new Error('sshd did not start');
    return new SftpDriver({
      host: server.host,
      port: server.port,
      username: server.user.name,
      password: server.user.password,
      hostKeyFingerprint: server.hostKeyFingerprint,
      root: server.root,
    });
  },
  {
    ...(sshd.available ? {} : { skipReason: sshd.reason }),
    cleanup: async () => server?.dispose(),
    outage: { stop: async () => server?.stop(), start: async () => server?.start() },
  },
);
