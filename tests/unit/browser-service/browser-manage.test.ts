// The browser's folder management (new folder, rename, delete), hidden files and natural order, on the local disk
// and on a real OpenSSH server, hostile names included.
import {
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Driver } from '../../../connectors/driver';
import { guardDriver } from '../../../connectors/guarded-driver';
import { LocalDriver } from '../../../connectors/local/local-driver';
import { MemoryDriver } from '../../../connectors/memory/memory-driver';
import { SftpDriver } from '../../../connectors/sftp/sftp-driver';
import { BrowserService, SHOW_HIDDEN_PREFERENCE } from '../../../main/services/browser/browser-service';
import { localDiskLocation } from '../../../main/services/connectors/local-disk';
import { sshdSftpOptions } from '../../kit/server-options';
import { requireServer } from '../../servers/require-server';
import { SSHD_BINARY, type SshdServer, startSshd } from '../../servers/sshd-server';

const byName = { by: 'name', direction: 'asc' } as const;
const HOSTILE: readonly [string, string][] = [
  ['../escape', 'name-dots'],
  ['..', 'name-dots'],
  ['a/b', 'name-slash'],
  ['a\\b', 'name-slash'],
  ['nul\u0000byte', 'name-control'],
  ['/etc/passwd', 'name-absolute'],
  ['C:\\Windows', 'name-absolute'],
  ['   ', 'name-empty'],
];

function serviceOver(driver: Driver, prefs: Record<string, unknown> = {}) {
  return new BrowserService({
    drivers: { open: async () => driver, localLocation: (p) => localDiskLocation(p) },
    preferences: { get: (key) => (prefs[key] ?? null) as never },
  });
}

async function names(service: BrowserService, folder: string): Promise<string[]> {
  const window = await service.list(
    { connectorId: 'c', path: folder },
    { offset: 0, limit: 100, sort: byName, filter: '' },
  );
  return window.entries.map((e) => e.name);
}

/** The same checks against any storage with real folders; `seed` writes files straight into its root. */
function manages(label: string, setup: () => { driver: Driver; seed: (rel: string, data?: string) => void }) {
  describe(label, () => {
    let driver: Driver;
    let seed: (rel: string, data?: string) => void;
    let service: BrowserService;
    beforeEach(() => {
      ({ driver, seed } = setup());
      service = serviceOver(driver);
    });
    afterEach(async () => service.close());

    it('creates a folder, refuses one that exists, renames, and deletes a folder with its contents', async () => {
      seed('docs/a.txt', 'a');
      const where = { connectorId: 'c', path: 'docs' };
      expect(await names(service, 'docs')).toEqual(['a.txt']);
      await expect(service.mkdir(where, 'Reports')).resolves.toEqual({ path: 'docs/Reports' });
      // The kept listing is forgotten: the new folder shows without an explicit refresh.
      expect(await names(service, 'docs')).toEqual(['a.txt', 'Reports']);
      await expect(service.mkdir(where, 'Reports')).rejects.toMatchObject({ reason: 'name-taken' });
      await expect(service.rename({ connectorId: 'c', path: 'docs/a.txt' }, 'Reports')).rejects.toMatchObject({
        reason: 'name-taken',
      });
      await expect(service.rename({ connectorId: 'c', path: 'docs/a.txt' }, 'b.txt')).resolves.toEqual({
        path: 'docs/b.txt',
      });
      seed('docs/Reports/2024/q1.csv', 'x');
      seed('docs/Reports/notes.txt', 'y');
      expect(await names(service, 'docs')).toEqual(['b.txt', 'Reports']);
      await expect(service.remove('c', ['docs/Reports', 'docs/b.txt'])).resolves.toEqual({ removed: 5 });
      expect(await names(service, 'docs')).toEqual([]);
      expect(await service.abilities('c')).toMatchObject({
        mkdir: { allowed: true },
        rename: { allowed: true },
        renameFolders: { allowed: true },
      });
    });

    it('refuses hostile names before touching the storage', async () => {
      seed('safe/keep.txt', 'k');
      for (const [name, reason] of HOSTILE) {
        await expect(service.mkdir({ connectorId: 'c', path: 'safe' }, name), name).rejects.toMatchObject({
          code: 'InvalidInput',
          reason,
        });
        await expect(service.rename({ connectorId: 'c', path: 'safe/keep.txt' }, name), name).rejects.toMatchObject({
          reason,
        });
      }
      // A hostile path to delete is refused by path safety, and the root itself is never deleted.
      await expect(service.remove('c', ['safe/../..'])).rejects.toMatchObject({ code: 'InvalidInput' });
      await expect(service.remove('c', ['/etc'])).rejects.toMatchObject({ code: 'InvalidInput' });
      await expect(service.remove('c', [''])).rejects.toMatchObject({ code: 'InvalidInput' });
      expect(await names(service, 'safe')).toEqual(['keep.txt']);
    });

    it('hides dot-files unless asked, and sorts names naturally and case-insensitively', async () => {
      for (const n of ['file10.txt', 'File2.txt', 'file1.txt', '.secret', 'alpha', 'Beta']) seed(`mix/${n}`, n);
      expect(await names(service, 'mix')).toEqual(['alpha', 'Beta', 'file1.txt', 'File2.txt', 'file10.txt']);
      const shown = await service.list(
        { connectorId: 'c', path: 'mix' },
        { offset: 0, limit: 100, sort: byName, filter: '', showHidden: true },
      );
      expect(shown.entries.map((e) => e.name)).toEqual([
        '.secret', 'alpha', 'Beta', 'file1.txt', 'File2.txt', 'file10.txt',
      ]); // prettier-ignore
      expect(shown.matched).toBe(6);
    });
  });
}

let localRoot: string;
beforeAll(() => {
  localRoot = mkdtempSync(path.join(os.tmpdir(), 'ferry-browser-manage-'));
});
afterAll(() => rmSync(localRoot, { recursive: true, force: true }));

const writeUnder =
  (root: string) =>
  (rel: string, data = '') => {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), data);
  };

manages('on the local disk', () => {
  const root = mkdtempSync(path.join(localRoot, 'case-'));
  return { driver: guardDriver(new LocalDriver({ root })), seed: writeUnder(root) };
});

describe('on the local disk, beyond the shared checks', () => {
  it('deletes a link to a folder without emptying the folder it points to', async () => {
    const root = mkdtempSync(path.join(localRoot, 'links-'));
    writeUnder(root)('precious/keep.txt', 'keep');
    writeUnder(root)('doomed/x.txt', 'x');
    symlinkSync(path.join(root, 'precious'), path.join(root, 'doomed', 'link'));
    const service = serviceOver(guardDriver(new LocalDriver({ root })));
    await service.remove('c', ['doomed']);
    expect(existsSync(path.join(root, 'doomed'))).toBe(false);
    expect(readdirSync(path.join(root, 'precious'))).toEqual(['keep.txt']);
    await service.close();
  });

  it('reads the hidden-files preference for each listing', async () => {
    const root = mkdtempSync(path.join(localRoot, 'prefs-'));
    writeUnder(root)('.hidden', 'h');
    writeUnder(root)('shown', 's');
    const prefs: Record<string, unknown> = {};
    const service = serviceOver(guardDriver(new LocalDriver({ root })), prefs);
    expect(await names(service, '')).toEqual(['shown']);
    prefs[SHOW_HIDDEN_PREFERENCE] = true;
    expect(await names(service, '')).toEqual(['.hidden', 'shown']);
    await service.close();
  });

  it('says what a store without folders or rename cannot do, and refuses it', async () => {
    // The capabilities of an object store (key prefixes, no rename) over the reference driver.
    const inner = new MemoryDriver();
    const store = Object.assign(Object.create(inner) as MemoryDriver, {
      capabilities: { ...inner.capabilities, directories: 'prefixes', rename: false },
    });
    const service = serviceOver(guardDriver(store));
    expect(await service.abilities('c')).toEqual({
      mkdir: { allowed: false, reason: 'prefixes' },
      rename: { allowed: false, reason: 'noRename' },
      renameFolders: { allowed: false, reason: 'noRename' },
      remove: { allowed: true },
    });
    await expect(service.mkdir({ connectorId: 'c', path: '' }, 'x')).rejects.toMatchObject({ code: 'Unsupported' });
    await service.close();
  });
});

const sshd = requireServer('OpenSSH sshd', SSHD_BINARY, 'apt-get install openssh-server');
let sftp: SshdServer | undefined;
describe.skipIf(!sshd.available)('on SFTP (OpenSSH)', () => {
  beforeAll(async () => {
    sftp = await startSshd();
  }, 60_000);
  afterAll(async () => sftp?.dispose());
  let n = 0;
  manages('folder management', () => {
    const server = sftp!;
    const folder = `case-${++n}`;
    const seedRoot = path.join(server.root, folder);
    const chownTree = (rel: string) => {
      // Files seeded as root must belong to the test user, who deletes them over SFTP.
      let current = seedRoot;
      for (const part of ['', ...rel.split('/')]) {
        current = part === '' ? current : path.join(current, part);
        if (existsSync(current)) chownSync(current, server.user.uid, server.user.gid);
      }
    };
    mkdirSync(seedRoot, { recursive: true });
    chownTree('');
    const driver = guardDriver(new SftpDriver({ ...sshdSftpOptions(server), root: `${server.root}/${folder}` }));
    return {
      driver,
      seed: (rel, data = '') => {
        writeUnder(seedRoot)(rel, data);
        chownTree(rel);
      },
    };
  });
});
