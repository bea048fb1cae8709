import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SftpDriver } from '../../../connectors/sftp/sftp-driver';
import { requireServer } from '../../servers/require-server';
import { SSHD_BINARY, startSshd, type SshdServer } from '../../servers/sshd-server';
import { measureLiveMemory } from '../../kit/live-memory';
import { sshdSftpOptions } from '../../kit/server-options';

const sshd = requireServer('OpenSSH sshd', SSHD_BINARY, 'apt-get install openssh-server');

describe.skipIf(!sshd.available)('sftp: 128 MiB up and down with bounded live memory', () => {
  let server: SshdServer;
  beforeAll(async () => {
    server = await startSshd();
  });
  afterAll(async () => server?.dispose());

  it('keeps live memory far below the file size', async () => {
    const driver = new SftpDriver(sshdSftpOptions(server));
    try {
      const { growthMiB, intact } = await measureLiveMemory(driver, 'big.bin', 128 * 1024 * 1024);
      expect(intact).toBe(true);
      expect(growthMiB, `live RSS grew by ${growthMiB.toFixed(1)} MiB`).toBeLessThan(48);
    } finally {
      await driver.close();
    }
  }, 120_000);
});
