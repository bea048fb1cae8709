import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectorError } from '../../../connectors/connector-error';
import { DriveDriver } from '../../../connectors/drive/drive-driver';
import { type DriveOptions } from '../../../shared/connectors/drive-descriptor';
import { installLoopbackOnly } from '../../kit/loopback-only';
import { readAll, sha256, streamOf } from '../../kit/test-streams';
import { startDriveFake, type DriveFake } from '../../servers/drive-fake/drive-fake-server';
import { createServiceAccount } from '../../servers/gcs-fake/service-account';

const FOLDER = 'application/vnd.google-apps.folder';
const DOC = 'application/vnd.google-apps.document';
const md5 = (text: string): string => createHash('md5').update(text).digest('hex');
const FAST = { attempts: 4, baseDelayMs: 5, maxDelayMs: 20 };

async function failure(promise: Promise<unknown>): Promise<ConnectorError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConnectorError);
  return error as ConnectorError;
}

describe('drive driver against the Drive v3 fake', () => {
  const guard = installLoopbackOnly();
  const account = createServiceAccount('ferry-behaviour');
  let fake: DriveFake;
  let driveId: string;
  let base: DriveOptions;
  const drivers: DriveDriver[] = [];
  const driver = (overrides: Partial<DriveOptions> = {}): DriveDriver => {
    const made = new DriveDriver({ ...base, ...overrides }, {}, { backoff: FAST });
    drivers.push(made);
    return made;
  };

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

  it('reports two items of one name in a folder, never picking one', async () => {
    const folder = fake.put(driveId, 'dups', FOLDER);
    fake.put(folder, 'twice.csv', 'text/csv', Buffer.from('a'));
    fake.put(folder, 'twice.csv', 'text/csv', Buffer.from('b'));
    fake.put(folder, 'once.csv', 'text/csv', Buffer.from('c'));
    const d = driver();
    const page = await d.list('dups');
    expect(page.entries.map((e) => e.name)).toEqual(['once.csv']);
    expect(page.rejected).toEqual([
      {
        rawName: '"twice.csv"',
        reason: '2 items share this name in the folder (Drive allows it; rename the extra ones)',
      },
    ]);
    const error = await failure(d.read('dups/twice.csv'));
    expect(error.code).toBe('Conflict');
    expect(error.message).toBe('2 items are named "twice.csv" in this Drive folder: dups/twice.csv');
    expect((await failure(d.write('dups/twice.csv', streamOf('c')))).code).toBe('Conflict');
    expect(
      fake
        .filesNamed('twice.csv')
        .map((f) => f.content.toString())
        .sort(),
    ).toEqual(['a', 'b']);
  });

  it('reports a duplicate name even when its two items fall on two pages', async () => {
    const folder = fake.put(driveId, 'paged-dups', FOLDER);
    for (const name of ['a', 'b', 'c', 'c', 'd', 'e']) fake.put(folder, name, 'text/plain', Buffer.from(name));
    const d = driver();
    const names: string[] = [];
    const refused: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await d.list('paged-dups', { pageSize: 3, cursor });
      names.push(...page.entries.map((e) => e.name));
      refused.push(...page.rejected.map((r) => r.rawName));
      cursor = page.cursor;
    } while (cursor !== undefined);
    expect(names).toEqual(['a', 'b', 'd', 'e']);
    expect(refused).toEqual(['"c"', '"c"']);
  });

  it('looks a cached folder up again when someone else removed it', async () => {
    const d = driver();
    await d.write('stale/f.txt', streamOf('x'));
    expect((await d.list('stale')).entries).toHaveLength(1);
    // Another client trashes the folder: the cached ID now lists as empty, which must not pass for "empty".
    const id = fake.filesNamed('stale')[0]!.id;
    fake.trash(id);
    expect((await failure(d.list('stale'))).code).toBe('NotFound');
  });

  it('skips Google Docs with a reason, or exports them in the chosen format', async () => {
    const folder = fake.put(driveId, 'docs', FOLDER);
    fake.put(folder, 'Report', DOC, Buffer.from('body'));
    fake.put(folder, 'data.bin', 'application/octet-stream', Buffer.from('bytes'));
    const skipping = await driver().list('docs');
    expect(skipping.entries.map((e) => e.name)).toEqual(['data.bin']);
    expect(skipping.rejected).toEqual([
      {
        rawName: '"Report"',
        reason: 'a Google document file holds no bytes to copy (choose an export format for Google Docs to copy it)',
      },
    ]);
    const exporting = driver({ googleDocs: 'office' });
    const page = await exporting.list('docs');
    expect(page.entries.map((e) => [e.name, e.type])).toEqual([
      ['Report.docx', 'file'],
      ['data.bin', 'file'],
    ]);
    const text = (await readAll(await exporting.read('docs/Report.docx'))).toString();
    expect(text).toBe(
      'Report exported as application/vnd.openxmlformats-officedocument.wordprocessingml.document\nbody',
    );
    const pdf = (await readAll(await driver({ googleDocs: 'pdf' }).read('docs/Report.pdf'))).toString();
    expect(pdf).toMatch(/^Report exported as application\/pdf/);
  });

  it('explains that a service account cannot upload to My Drive, in the write and in the check', async () => {
    const myDrive = driver({ driveId: undefined });
    const error = await failure(myDrive.write('probe.txt', streamOf('x')));
    expect(error.code).toBe('PermissionDenied');
    expect(error.message).toMatch(
      /service account has no storage quota of its own, so it cannot upload files to "My Drive"/,
    );
    expect(error.hint).toMatch(/Shared Drive/);
    expect(error.hint).toMatch(/OAuth/);

    const report = await myDrive.check({ write: true });
    const write = report.steps.find((s) => s.id === 'write');
    expect(report.ok).toBe(false);
    expect(write?.status).toBe('failed');
    expect(write?.detail).toMatch(/cannot upload files to "My Drive"/);
    expect(write?.hint).toMatch(/Shared Drive/);
    expect(report.steps.find((s) => s.id === 'authenticate')?.detail).toMatch(/in My Drive/);

    const readOnly = await myDrive.check();
    expect(readOnly.steps.find((s) => s.id === 'write')?.status).toBe('skipped');
    expect(readOnly.steps.find((s) => s.id === 'list')?.status).toBe('ok');

    const shared = await driver().check({ write: true });
    expect(shared.steps.filter((s) => s.status === 'failed')).toEqual([]);
    expect(shared.steps.find((s) => s.id === 'authenticate')?.detail).toMatch(`in Shared Drive ${driveId}`);
  });

  it('backs off Drive rate limits (403 userRateLimitExceeded, rateLimitExceeded, 429) and then succeeds', async () => {
    const d = driver();
    await d.write('limits/a.txt', streamOf('first'));
    const before = fake.requests.length;
    fake.injectFaults([
      { status: 403, reason: 'userRateLimitExceeded' },
      { status: 403, reason: 'rateLimitExceeded' },
      { status: 429, reason: 'rateLimitExceeded' },
    ]);
    expect((await readAll(await d.read('limits/a.txt'))).toString()).toBe('first');
    // Three refused attempts, then the lookup of a.txt and its download (the folder ID is cached).
    expect(fake.requests.length - before).toBe(5);

    fake.injectFaults(Array.from({ length: FAST.attempts }, () => ({ status: 403, reason: 'userRateLimitExceeded' })));
    const exhausted = await failure(d.stat('limits/a.txt'));
    expect(exhausted.code).toBe('Retryable');
    expect(exhausted.message).toMatch(/rate limit/);

    // Another 403 is a permission problem, not waited out.
    fake.injectFaults([{ status: 403, reason: 'insufficientFilePermissions', message: 'no write access' }]);
    expect((await failure(d.stat('limits/a.txt'))).code).toBe('PermissionDenied');
  });

  it('resolves paths through cached folder IDs and verifies ranged and whole downloads', async () => {
    const d = driver();
    await d.write('cache/x/y/file.bin', streamOf('0123456789'));
    const before = fake.requests.length;
    const entry = await d.stat('cache/x/y/file.bin');
    // Folders x and y were created by this driver: only the file itself is looked up.
    expect(fake.requests.length - before).toBe(1);
    expect(entry).toMatchObject({ name: 'file.bin', type: 'file', size: 10 });
    expect(entry.hashes).toEqual({ md5: md5('0123456789'), sha256: sha256('0123456789') });
    const ranged = await d.read('cache/x/y/file.bin', { range: { offset: 3, length: 4 } });
    expect((await readAll(ranged)).toString()).toBe('3456');
    expect(fake.requests.at(-1)).toMatch(/alt=media/);
  });

  it('moves files across folders and renames folders on the server, keeping the folder cache right', async () => {
    const d = driver();
    await d.write('moves/a/one.txt', streamOf('one'));
    await d.rename('moves/a/one.txt', 'moves/b/c/uno.txt');
    expect((await readAll(await d.read('moves/b/c/uno.txt'))).toString()).toBe('one');
    expect((await d.list('moves/a')).entries).toEqual([]);
    await d.rename('moves/b', 'moves/renamed');
    expect((await readAll(await d.read('moves/renamed/c/uno.txt'))).toString()).toBe('one');
    expect((await failure(d.stat('moves/b/c/uno.txt'))).code).toBe('NotFound');
    // A folder in the way is never replaced.
    await d.write('moves/x.txt', streamOf('x'));
    expect((await failure(d.rename('moves/x.txt', 'moves/renamed'))).code).toBe('Conflict');
  });

  it('sets the modification time asked for, on one-request and resumable uploads and on overwrites', async () => {
    const d = driver();
    const when = Date.UTC(2026, 0, 2, 3, 4, 5, 678);
    await d.write('times/small.txt', streamOf('small'), { mtimeMs: when });
    expect((await d.stat('times/small.txt')).mtimeMs).toBe(when);
    const big = Buffer.alloc(3 * 1024 * 1024, 7);
    await d.write('times/big.bin', streamOf(big), { mtimeMs: when + 1 });
    expect((await d.stat('times/big.bin')).mtimeMs).toBe(when + 1);
    await d.write('times/small.txt', streamOf('again'), { mtimeMs: when + 2 });
    expect((await d.stat('times/small.txt')).mtimeMs).toBe(when + 2);
  });

  it('refuses a malformed key with a clear InvalidInput', async () => {
    const error = await failure(driver({ serviceAccountJson: '{"type":"authorized_user"}' }).stat('x'));
    expect(error.code).toBe('InvalidInput');
    expect(error.message).toMatch(/service account key lacks or has invalid fields/);
  });
});
