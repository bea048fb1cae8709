import { randomBytes } from 'node:crypto';
import {
  chownSync,
  existsSync,
  lchownSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectorError } from '../../../connectors/connector-error';
import { LocalDriver } from '../../../connectors/local/local-driver';
import { SftpDriver } from '../../../connectors/sftp/sftp-driver';
import { copyTree } from '../../../connectors/transfer/copy-tree';
import { requireServer } from '../../servers/require-server';
import { SSHD_BINARY, startSshd, type SshdServer } from '../../servers/sshd-server';

const sshd = requireServer('OpenSSH sshd', SSHD_BINARY, 'apt-get install openssh-server');

const failure = async (promise: Promise<unknown>): Promise<ConnectorError> => {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConnectorError);
  return error as ConnectorError;
};

const text = async (stream: NodeJS.ReadableStream): Promise<string> => {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
};

/** Builds files, folders and links owned by the test user under `base`. */
function populate(base: string, uid: number, gid: number): void {
  const own = (p: string): void => lchownSync(p, uid, gid);
  writeFileSync(join(base, 'plain.txt'), 'plain');
  for (const folder of ['data', 'left', 'right']) mkdirSync(join(base, folder));
  writeFileSync(join(base, 'data', 'a.txt'), 'a');
  writeFileSync(join(base, 'left', 'l.txt'), 'l');
  writeFileSync(join(base, 'right', 'r.txt'), 'r');
  for (const p of ['plain.txt', 'data', 'data/a.txt', 'left', 'left/l.txt', 'right', 'right/r.txt']) {
    chownSync(join(base, p), uid, gid);
  }
  const links: [string, string][] = [
    ['/etc/passwd', 'passwd'],
    ['/etc', 'etc'],
    ['plain.txt', 'inside-file'],
    ['data', 'data-link'],
    ['missing-target', 'dangling'],
    ['/nonexistent-ferry/x', 'dangling-out'],
    ['loop2', 'loop1'],
    ['loop1', 'loop2'],
    ['..', 'data/up'],
    // Two sibling folders linking to each other: a walk must not go round.
    ['../right', 'left/to-right'],
    ['../left', 'right/to-left'],
  ];
  for (const [target, name] of links) {
    symlinkSync(target, join(base, name));
    own(join(base, name));
  }
}

const REFUSED = {
  passwd: 'outside',
  etc: 'outside',
  dangling: 'broken',
  'dangling-out': 'broken',
  loop1: 'loops',
  loop2: 'loops',
} as const;

describe.skipIf(!sshd.available)('SFTP symbolic links stay inside the connector folder (real OpenSSH)', () => {
  let server: SshdServer;
  let dest: string;
  let homeFolder: string;

  beforeAll(async () => {
    server = await startSshd();
    populate(server.root, server.user.uid, server.user.gid);
    dest = await mkdtemp(join(tmpdir(), 'ferry-links-dest-'));
    // A folder in the account's home, for roots given relative to it or with '~'.
    homeFolder = `ferry-links-${randomBytes(4).toString('hex')}`;
    const home = join('/var/lib/ferry-test/home', homeFolder);
    mkdirSync(home);
    chownSync(home, server.user.uid, server.user.gid);
    populate(home, server.user.uid, server.user.gid);
  });
  afterAll(async () => {
    await server?.dispose();
    if (dest) await rm(dest, { recursive: true, force: true });
    if (homeFolder) await rm(join('/var/lib/ferry-test/home', homeFolder), { recursive: true, force: true });
  });

  const driver = (root = server.root): SftpDriver =>
    new SftpDriver({
      host: server.host,
      port: server.port,
      username: server.user.name,
      password: server.user.password,
      hostKeyFingerprint: server.hostKeyFingerprint,
      root,
    });

  const expectListing = async (sftp: SftpDriver): Promise<void> => {
    const page = await sftp.list('');
    expect(page.entries.map((e) => `${e.path}:${e.type}`)).toEqual([
      'data:directory',
      'data-link:directory',
      'inside-file:file',
      'left:directory',
      'plain.txt:file',
      'right:directory',
    ]);
    const reasons = Object.fromEntries(page.rejected.map((r) => [r.rawName, r.reason]));
    expect(Object.keys(reasons).sort()).toEqual(
      Object.keys(REFUSED)
        .map((n) => JSON.stringify(n))
        .sort(),
    );
    for (const [name, word] of Object.entries(REFUSED)) expect(reasons[JSON.stringify(name)]).toContain(word);
  };

  it('list() flags links outside, broken links and loops by name, and follows links inside', async () => {
    const sftp = driver();
    try {
      await expectListing(sftp);
      const linked = await sftp.list('data-link');
      expect(linked.entries.map((e) => e.path)).toEqual(['data-link/a.txt']);
      // data/up points at the root, above the listed folder: following it would never end.
      expect(linked.rejected).toEqual([{ rawName: '"up"', reason: expect.stringContaining('contains it') }]);
    } finally {
      await sftp.close();
    }
  });

  it('stat() and read() refuse a link to /etc/passwd and paths through a link to /etc', async () => {
    const sftp = driver();
    try {
      for (const path of ['passwd', 'etc', 'etc/hostname', 'etc/ssh/sshd_config']) {
        const statError = await failure(sftp.stat(path));
        expect(statError.code, path).toBe('PermissionDenied');
        expect(statError.message).toContain(JSON.stringify(path));
        expect(statError.message).toContain("outside the connector's folder");
      }
      for (const path of ['passwd', 'etc/hostname']) {
        expect((await failure(sftp.read(path))).code).toBe('PermissionDenied');
      }
      expect((await failure(sftp.list('etc'))).code).toBe('PermissionDenied');
    } finally {
      await sftp.close();
    }
  });

  it('writes and removals never go through a link outside', async () => {
    const sftp = driver();
    try {
      const { Readable } = await import('node:stream');
      const written = await failure(sftp.write('etc/ferry-evil.txt', Readable.from([Buffer.from('x')])));
      expect(written.code).toBe('PermissionDenied');
      expect((await failure(sftp.write('passwd', Readable.from([Buffer.from('x')])))).code).toBe('PermissionDenied');
      expect((await failure(sftp.remove('etc/hostname'))).code).toBe('PermissionDenied');
      expect(existsSync('/etc/ferry-evil.txt')).toBe(false);
      // Removing a broken link removes the link itself.
      await sftp.remove('dangling-out');
      expect(existsSync(join(server.root, 'dangling-out'))).toBe(false);
      symlinkSync('/nonexistent-ferry/x', join(server.root, 'dangling-out'));
    } finally {
      await sftp.close();
    }
  });

  it('follows a link inside the root once, and names broken links and loops on stat and read', async () => {
    const sftp = driver();
    try {
      expect(await text(await sftp.read('inside-file'))).toBe('plain');
      expect(await text(await sftp.read('data-link/a.txt'))).toBe('a');
      expect((await sftp.stat('data-link')).type).toBe('directory');
      for (const [name, word] of [
        ['dangling-out', 'broken'],
        ['loop1', 'loops'],
      ] as const) {
        const error = await failure(sftp.stat(name));
        expect(error.code).toBe('NotFound');
        expect(error.message).toContain(JSON.stringify(name));
        expect(error.message).toContain(word);
      }
      const dangling = await failure(sftp.read('dangling'));
      expect(dangling.code).toBe('NotFound');
      expect(dangling.message).toContain('dangling');
    } finally {
      await sftp.close();
    }
  });

  it('a folder copy walks links inside once, never walks /etc, and names every refused link', async () => {
    const sftp = driver();
    try {
      const result = await copyTree({ driver: sftp, path: '' }, { driver: new LocalDriver({ root: dest }), path: '' });
      expect(result.copied.map((c) => c.path).sort()).toEqual([
        'data-link/a.txt',
        'data/a.txt',
        'inside-file',
        'left/l.txt',
        'left/to-right/r.txt',
        'plain.txt',
        'right/r.txt',
        'right/to-left/l.txt',
      ]);
      expect(readdirSync(dest).sort()).toEqual(['data', 'data-link', 'inside-file', 'left', 'plain.txt', 'right']);
      expect(readFileSync(join(dest, 'inside-file'), 'utf8')).toBe('plain');
      const messages = result.failed.map((f) => f.error.message).join('\n');
      for (const name of [...Object.keys(REFUSED), 'up', 'to-left', 'to-right']) {
        expect(messages).toContain(JSON.stringify(name));
      }
      expect(messages).not.toContain('root:x:0:0');
    } finally {
      await sftp.close();
    }
  });

  it('applies the same rule to a root relative to the home folder or starting with ~', async () => {
    for (const root of [homeFolder, `~/${homeFolder}`, `./${homeFolder}`]) {
      const sftp = driver(root);
      try {
        await expectListing(sftp);
        expect(await text(await sftp.read('inside-file'))).toBe('plain');
        expect((await failure(sftp.read('passwd'))).code).toBe('PermissionDenied');
      } finally {
        await sftp.close();
      }
    }
    const home = driver('~');
    try {
      const page = await home.list('');
      expect(page.entries.map((e) => e.name)).toContain(homeFolder);
      expect((await failure(home.read(`${homeFolder}/passwd`))).code).toBe('PermissionDenied');
    } finally {
      await home.close();
    }
  });
});
