import { beforeAll } from 'vitest';
import { SftpDriver } from '../../connectors/sftp/sftp-driver';
import { requireServer } from '../servers/require-server';
import { SSHD_BINARY, startSshd, type SshdServer } from '../servers/sshd-server';
import { describeConformance } from './describe-conformance';
import { sshdSftpOptions } from '../kit/server-options';

const sshd = requireServer('OpenSSH sshd', SSHD_BINARY, 'apt-get install openssh-server');
let server: SshdServer | undefined;

beforeAll(async () => {
  if (sshd.available) server = await startSshd();
});

describeConformance(
  'sftp (OpenSSH)',
  () => {
    if (server === undefined) throw new Error('sshd did not start');
    return new SftpDriver(sshdSftpOptions(server));
  },
  {
    ...(sshd.available ? {} : { skipReason: sshd.reason }),
    cleanup: async () => server?.dispose(),
    outage: { stop: async () => server?.stop(), start: async () => server?.start() },
  },
);
