import { beforeAll } from 'vitest';
import { FtpsDriver } from '../../connectors/ftps/ftps-driver';
import { requireServer } from '../servers/require-server';
import { startVsftpd, VSFTPD_BINARY, type VsftpdServer } from '../servers/vsftpd-server';
import { PROFTPD_BINARY, PROFTPD_INSTALL_HINT, type ProftpdServer, startProftpd } from '../servers/proftpd-server';
import { describeConformance } from './describe-conformance';
import { vsftpdFtpsOptions } from '../kit/server-options';

const vsftpd = requireServer('vsftpd', VSFTPD_BINARY, 'apt-get install vsftpd');
const proftpd = requireServer('proftpd', PROFTPD_BINARY, PROFTPD_INSTALL_HINT);
let server: VsftpdServer | undefined;
let second: ProftpdServer | undefined;

beforeAll(async () => {
  if (vsftpd.available) server = await startVsftpd({ tls: 'explicit' });
  if (proftpd.available) second = await startProftpd();
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

// A second server with other habits (multi-line replies, MLSD, HASH): the driver must not depend on vsftpd's.
describeConformance(
  'ftps (proftpd, explicit TLS)',
  () => {
    if (second === undefined) throw new Error('proftpd did not start');
    return new FtpsDriver(vsftpdFtpsOptions(second));
  },
  {
    ...(proftpd.available ? {} : { skipReason: proftpd.reason }),
    cleanup: async () => second?.dispose(),
    outage: { stop: async () => second?.stop(), start: async () => second?.start() },
  },
);
