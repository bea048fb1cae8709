// FTPS control connections are costly (TCP, TLS, sign-in): one the server answered with a clean refusal (550 on a
// missing file) is kept, so a copy that first asks for its partial does not open a new session per file. The control
// connection goes through a counting proxy (no faults); passive data connections go to vsftpd directly.
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isConnectorError } from '../../../connectors/connector-error';
import { FtpsDriver } from '../../../connectors/ftps/ftps-driver';
import { type FaultProxy, startFaultProxy } from '../../kit/fault-proxy';
import { vsftpdFtpsOptions } from '../../kit/server-options';
import { requireServer } from '../../servers/require-server';
import { startVsftpd, VSFTPD_BINARY, type VsftpdServer } from '../../servers/vsftpd-server';

const vsftpd = requireServer('vsftpd', VSFTPD_BINARY, 'apt-get install vsftpd');

describe.skipIf(!vsftpd.available)('FTPS control connection reuse', () => {
  let server: VsftpdServer;
  let proxy: FaultProxy;
  beforeAll(async () => {
    server = await startVsftpd({ tls: 'explicit' });
    proxy = await startFaultProxy(server, { seed: 1, mix: { cut: 1, stall: 0 }, maxFaults: 0, bytesBetween: [1, 2] });
  });
  afterAll(async () => {
    await proxy?.stop();
    await server?.dispose();
  });

  it('keeps the connection after "no such file" answers, through writes, stats and renames', async () => {
    const driver = new FtpsDriver({ ...vsftpdFtpsOptions(server), port: proxy.port });
    try {
      for (let i = 0; i < 3; i++) {
        const missing = await driver.stat(`missing-${i}.bin`).catch((error: unknown) => error);
        expect(isConnectorError(missing, 'NotFound')).toBe(true);
        await driver.write(`file-${i}.bin`, Readable.from([Buffer.alloc(1000, i)]), { size: 1000 });
        await driver.rename(`file-${i}.bin`, `moved-${i}.bin`);
      }
      expect((await driver.stat('moved-2.bin')).size).toBe(1000);
      expect(proxy.counts.connections).toBe(1);
    } finally {
      await driver.close();
    }
  });
});
