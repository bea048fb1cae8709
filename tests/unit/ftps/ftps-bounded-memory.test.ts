import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FtpsDriver } from '../../../connectors/ftps/ftps-driver';
import { requireServer } from '../../servers/require-server';
import { startVsftpd, VSFTPD_BINARY, type VsftpdServer } from '../../servers/vsftpd-server';
import { measureLiveMemory } from '../../kit/live-memory';
import { vsftpdFtpsOptions } from '../../kit/server-options';

const vsftpd = requireServer('vsftpd', VSFTPD_BINARY, 'apt-get install vsftpd');

describe.skipIf(!vsftpd.available)('ftps: 128 MiB up and down with bounded live memory', () => {
  let server: VsftpdServer;
  beforeAll(async () => {
    server = await startVsftpd();
  });
  afterAll(async () => server?.dispose());

  it('keeps live memory far below the file size', async () => {
    const driver = new FtpsDriver(vsftpdFtpsOptions(server));
    try {
      const { growthMiB, intact } = await measureLiveMemory(driver, 'big.bin', 128 * 1024 * 1024);
      expect(intact).toBe(true);
      expect(growthMiB, `live RSS grew by ${growthMiB.toFixed(1)} MiB`).toBeLessThan(48);
    } finally {
      await driver.close();
    }
  }, 120_000);
});
