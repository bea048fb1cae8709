import { beforeAll } from 'vitest';
import { FtpsDriver } from '../../connectors/ftps/ftps-driver';
import { requireServer } from '../servers/require-server';
import { startVsftpd, VSFTPD_BINARY, type VsftpdServer } from '../servers/vsftpd-server';
import { describeConformance } from './describe-conformance';
import { vsftpdFtpsOptions } from '../kit/server-options';

const vsftpd = requireServer('vsftpd', VSFTPD_BINARY, 'apt-get install vsftpd');
let server: VsftpdServer | undefined;

beforeAll(async () => {
  if (vsftpd.available) server = await startVsftpd({ tls: 'explicit' });
});

describeConformance(
  'ftps (vsftpd, explicit TLS)',
  () => {
    if (server === undefined) throw new Error('vsftpd did not start');
    return new FtpsDriver(vsftpdFtpsOptions(server));
  },
  {
    ...(vsftpd.available ? {} : { skipReason: vsftpd.reason }),
    cleanup: async () => server?.dispose(),
    outage: { stop: async () => server?.stop(), start: async () => server?.start() },
  },
);
