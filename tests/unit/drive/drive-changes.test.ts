// The Drive driver's change feed (changes.list with a saved page token) against the Drive v3 fake.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChangesResult, hasChangeFeed } from '../../../connectors/capabilities';
import { DriveDriver } from '../../../connectors/drive/drive-driver';
import { DRIVE_CAPABILITIES } from '../../../connectors/drive/drive-capabilities';
import { guardDriver } from '../../../connectors/guarded-driver';
import { lazyDriver } from '../../../connectors/lazy-driver';
import { type DriveOptions } from '../../../shared/connectors/drive-descriptor';
import { installLoopbackOnly } from '../../kit/loopback-only';
import { startDriveFake, type DriveFake } from '../../servers/drive-fake/drive-fake-server';
import { createServiceAccount } from '../../servers/gcs-fake/service-account';

const FOLDER = 'application/vnd.google-apps.folder';
const FAST = { attempts: 4, baseDelayMs: 5, maxDelayMs: 20 };
const md5 = (text: string): string => createHash('md5').update(text).digest('hex');

/** The changes as sorted paths, or the kind when it is not a list of changes. */
function paths(result: ChangesResult): { files: string[]; removed: string[] } | 'expired' {
  if (result.kind === 'expired') return 'expired';
  return { files: result.files.map((f) => f.path).sort(), removed: [...result.removed].sort() };
}

describe('drive change feed against the Drive v3 fake', () => {
  const guard = installLoopbackOnly();
  const account = createServiceAccount('ferry-changes');
  let fake: DriveFake;
  let driveId: string;
  let base: DriveOptions;
  const drivers: DriveDriver[] = [];
  const driver = (overrides: Partial<DriveOptions> = {}): DriveDriver => {
    const made = new DriveDriver({ ...base, ...overrides }, {}, { backoff: FAST });
    drivers.push(made);
    return made;
  };
  const changeCalls = (): number => fake.requests.filter((r) => r.startsWith('GET /drive/v3/changes?')).length;

  beforeAll(async () => {
    fake = await startDriveFake([account]);
    driveId = fake.createSharedDrive('Exchange');
    base = {
      auth: 'serviceAccount',
      serviceAccountJson: account.json,
      driveId,
      googleDocs: 'skip',
      apiEndpoint: fake.endpoint,
      simpleUploadThresholdMiB: 1,
      chunkSizeMiB: 1,
    };
  });

  afterAll(async () => {
    await Promise.all(drivers.map((d) => d.close()));
    await fake?.stop();
    guard.uninstall();
    expect(guard.blocked).toEqual([]);
  });

  it('reports new, moved-in, renamed and deeper files and trashed ones as removed; ignores the rest; follows pages', async () => {
    const watch = fake.put(driveId, 'watch', FOLDER);
    const sub = fake.put(watch, 'sub', FOLDER);
    const elsewhere = fake.put(driveId, 'elsewhere', FOLDER);
    fake.put(watch, 'untouched.csv', 'text/csv', Buffer.from('u'));
    const renamed = fake.put(watch, 'before.csv', 'text/csv', Buffer.from('r'));
    const trashed = fake.put(watch, 'trash-me.csv', 'text/csv', Buffer.from('t'));
    const mover = fake.put(elsewhere, 'mover.csv', 'text/csv', Buffer.from('m'));
    const d = driver();
    const cursor = await d.changeCursor();

    fake.put(watch, 'new.csv', 'text/csv', Buffer.from('new!'));
    fake.put(sub, 'deep.csv', 'text/csv', Buffer.from('d'));
    fake.move(mover, watch);
    fake.move(renamed, watch, 'after.csv');
    fake.trash(trashed);
    fake.put(elsewhere, 'outside.csv', 'text/csv', Buffer.from('o'));
    fake.put(driveId, 'top.csv', 'text/csv', Buffer.from('o'));

    const before = changeCalls();
    const result = await d.changesSince('watch', cursor, { pageSize: 2 });
    // 7 changes two at a time: four pages, each asked with the previous page's nextPageToken.
    expect(changeCalls() - before).toBe(4);
    expect(paths(result)).toEqual({
      files: ['watch/after.csv', 'watch/mover.csv', 'watch/new.csv', 'watch/sub/deep.csv'],
      removed: ['watch/trash-me.csv'],
    });
    const fresh = result.kind === 'changes' ? result.files.find((f) => f.path === 'watch/new.csv') : undefined;
    expect(fresh).toMatchObject({ name: 'new.csv', type: 'file', size: 4, hashes: { md5: md5('new!') } });

    // From the new cursor on: nothing, until the next change.
    if (result.kind !== 'changes') throw new Error('expected changes');
    expect(paths(await d.changesSince('watch', result.cursor))).toEqual({ files: [], removed: [] });
    fake.put(watch, 'later.csv', 'text/csv', Buffer.from('l'));
    expect(paths(await d.changesSince('watch', result.cursor))).toEqual({ files: ['watch/later.csv'], removed: [] });
  });

  it('lists a folder moved into the watched folder whole (its files have no change of their own)', async () => {
    const watch = fake.put(driveId, 'watch-2', FOLDER);
    const box = fake.put(driveId, 'box', FOLDER);
    fake.put(box, 'a.csv', 'text/csv', Buffer.from('a'));
    fake.put(fake.put(box, 'inner', FOLDER), 'b.csv', 'text/csv', Buffer.from('b'));
    const d = driver();
    const cursor = await d.changeCursor();
    fake.move(box, watch);
    expect(paths(await d.changesSince('watch-2', cursor))).toEqual({
      files: ['watch-2/box/a.csv', 'watch-2/box/inner/b.csv'],
      removed: [],
    });
  });

  it('leaves out what a listing leaves out: a name held twice, a skipped Google Doc', async () => {
    const watch = fake.put(driveId, 'watch-3', FOLDER);
    const d = driver();
    const cursor = await d.changeCursor();
    fake.put(watch, 'twice.csv', 'text/csv', Buffer.from('1'));
    fake.put(watch, 'twice.csv', 'text/csv', Buffer.from('2'));
    fake.put(watch, 'Notes', 'application/vnd.google-apps.document');
    fake.put(watch, 'kept.csv', 'text/csv', Buffer.from('k'));
    expect(paths(await d.changesSince('watch-3', cursor))).toEqual({ files: ['watch-3/kept.csv'], removed: [] });
  });

  it("places My Drive's changes under 'root' (the alias resolved once) and ignores Shared Drive items outside", async () => {
    const d = driver({ driveId: undefined });
    const cursor = await d.changeCursor();
    fake.put('root', 'mine.csv', 'text/csv', Buffer.from('m'));
    fake.put(driveId, 'shared.csv', 'text/csv', Buffer.from('s'));
    expect(paths(await d.changesSince('', cursor))).toEqual({ files: ['mine.csv'], removed: [] });
  });

  it("answers 'expired' for a token Drive no longer knows and for a malformed one", async () => {
    fake.put(driveId, 'watch-4', FOLDER);
    const d = driver();
    const cursor = await d.changeCursor();
    expect((await d.changesSince('watch-4', cursor)).kind).toBe('changes');
    fake.expireChangeTokens();
    expect(await d.changesSince('watch-4', cursor)).toEqual({ kind: 'expired' });
    expect(await d.changesSince('watch-4', 'not-a-token')).toEqual({ kind: 'expired' });
    expect(await d.changesSince('watch-4', `${driveId}~not-a-number`)).toEqual({ kind: 'expired' });
    // A cursor of another corpus (the connector now set to My Drive) is never read as this one's.
    expect(await driver({ driveId: undefined }).changesSince('', await d.changeCursor())).toEqual({ kind: 'expired' });
    // A fresh cursor works again.
    expect((await d.changesSince('watch-4', await d.changeCursor())).kind).toBe('changes');
  });

  it('the capability reaches callers through the guard and the lazy wrapper', async () => {
    const watch = fake.put(driveId, 'watch-5', FOLDER);
    const wrapped = guardDriver(
      lazyDriver('drive', DRIVE_CAPABILITIES, () => Promise.resolve(driver() as DriveDriver)),
    );
    expect(hasChangeFeed(wrapped)).toBe(true);
    if (!hasChangeFeed(wrapped)) return;
    const cursor = await wrapped.changeCursor();
    fake.put(watch, 'x.csv', 'text/csv', Buffer.from('x'));
    expect(paths(await wrapped.changesSince('watch-5/', cursor))).toEqual({ files: ['watch-5/x.csv'], removed: [] });
  });
});
