import { existsSync, readdirSync, readFileSync, writeFileSync, chownSync, mkdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalDriver } from '../../../connectors/local/local-driver';
import { SftpDriver } from '../../../connectors/sftp/sftp-driver';
import { copyTree } from '../../../connectors/transfer/copy-tree';
import { requireServer } from '../../servers/require-server';
import { SSHD_BINARY, startSshd, type SshdServer } from '../../servers/sshd-server';
import { type FakeNode, startHostileSftpServer, type HostileSftpServer } from './hostile-sftp-server';
import { sshdSftpOptions } from '../../kit/server-options';

const LONG = 'L'.repeat(300);
// '.' and '..' entries are dropped by ssh2's readdir itself, as every SFTP client does.
const HOSTILE = ['../escape', '/abs', 'nul\u0000byte', 'bell\u0007name', LONG];

function tree(): Map<string, FakeNode> {
  return new Map<string, FakeNode>([
    ['/srv', { type: 'dir', names: ['good.txt', 'sub', ...HOSTILE] }],
    ['/srv/good.txt', { type: 'file', data: Buffer.from('good') }],
    ['/srv/sub', { type: 'dir', names: ['inner.txt', '../../deep-escape', 'sub\\back'] }],
    ['/srv/sub/inner.txt', { type: 'file', data: Buffer.from('inner') }],
  ]);
}

describe('a hostile SFTP server returning unsafe names', () => {
  let server: HostileSftpServer;
  let outer: string;
  let dest: string;

  beforeAll(async () => {
    server = await startHostileSftpServer(tree());
    outer = await mkdtemp(join(tmpdir(), 'ferry-hostile-'));
    dest = join(outer, 'dest');
    mkdirSync(dest);
  });
  afterAll(async () => {
    await server?.stop();
    if (outer) await rm(outer, { recursive: true, force: true });
  });

  const driver = (): SftpDriver =>
    new SftpDriver({
      host: '127.0.0.1',
      port: server.port,
      username: server.username,
      password: server.password,
      hostKeyFingerprint: server.hostKeyFingerprint,
      root: '/srv',
    });

  it('list() reports every unsafe name as rejected, with a reason, and returns only the safe entries', async () => {
    const sftp = driver();
    try {
      const page = await sftp.list('');
      expect(page.entries.map((e) => e.path)).toEqual(['good.txt', 'sub']);
      expect(page.rejected.map((r) => r.rawName).sort()).toEqual(
        HOSTILE.map((n) => JSON.stringify(n.length > 80 ? `${n.slice(0, 80)}…` : n)).sort(),
      );
      for (const rejected of page.rejected) expect(rejected.reason).toMatch(/^the name /);
    } finally {
      await sftp.close();
    }
  });

  it('copying the folder writes only inside the destination and names each refused entry', async () => {
    const sftp = driver();
    try {
      const result = await copyTree({ driver: sftp, path: '' }, { driver: new LocalDriver({ root: dest }), path: '' });
      expect(result.copied.map((c) => c.path).sort()).toEqual(['good.txt', 'sub/inner.txt']);
      expect(readFileSync(join(dest, 'good.txt'), 'utf8')).toBe('good');
      expect(readFileSync(join(dest, 'sub', 'inner.txt'), 'utf8')).toBe('inner');
      // Nothing beside the destination, nothing at the absolute name.
      expect(readdirSync(outer)).toEqual(['dest']);
      expect(readdirSync(dest).sort()).toEqual(['good.txt', 'sub']);
      expect(readdirSync(join(dest, 'sub'))).toEqual(['inner.txt']);
      expect(existsSync('/abs')).toBe(false);
      const messages = result.failed.map((f) => f.error.message).join('\n');
      for (const name of [...HOSTILE, '../../deep-escape', 'sub\\back']) {
        const shown = JSON.stringify(name.length > 80 ? `${name.slice(0, 80)}…` : name);
        expect(messages).toContain(shown);
      }
      for (const failure of result.failed) expect(failure.error.code).toBe('InvalidInput');
    } finally {
      await sftp.close();
    }
  });
});

const sshd = requireServer('OpenSSH sshd', SSHD_BINARY, 'apt-get install openssh-server');

describe.skipIf(!sshd.available)('a real SFTP server (OpenSSH) with control characters in names on disk', () => {
  let server: SshdServer;
  let dest: string;
  const onDisk = ['esc\u001b[31mred.txt', 'line\nbreak.txt', 'tab\there.txt'];
  const longLegal = `${'n'.repeat(251)}.txt`;

  beforeAll(async () => {
    server = await startSshd();
    for (const name of [...onDisk, longLegal, 'plain.txt']) {
      writeFileSync(join(server.root, name), name);
      chownSync(join(server.root, name), server.user.uid, server.user.gid);
    }
    dest = await mkdtemp(join(tmpdir(), 'ferry-hostile-dest-'));
  });
  afterAll(async () => {
    await server?.dispose();
    if (dest) await rm(dest, { recursive: true, force: true });
  });

  it('copies the safe files (255-byte names included) and refuses the others by name', async () => {
    const sftp = new SftpDriver(sshdSftpOptions(server));
    try {
      const result = await copyTree({ driver: sftp, path: '' }, { driver: new LocalDriver({ root: dest }), path: '' });
      expect(result.copied.map((c) => c.path).sort()).toEqual([longLegal, 'plain.txt'].sort());
      expect(readdirSync(dest).sort()).toEqual([longLegal, 'plain.txt'].sort());
      const messages = result.failed.map((f) => f.error.message).join('\n');
      for (const name of onDisk) expect(messages).toContain(JSON.stringify(name));
    } finally {
      await sftp.close();
    }
  });
});
