// Imports and subscription scans against a real OpenSSH sshd (SFTP) and a local-folder connector, on PGlite:
// byte-exact imports, stability before taking a file, staging, an empty or stopped source removing nothing,
// no file added twice (also by two scans at once), hostile names skipped with reasons, a preview changing nothing.
import { appendFileSync, chownSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type OpenDatabase } from '../../../platform/db/open-database';
import { eq } from 'drizzle-orm';
import { offers } from '../../../platform/db/schema';
import { runScan, sweepDueScans } from '../../../platform/imports/scan-run';
import { until } from '../jobs/jobs-harness';
import { sshdSftpOptions } from '../../kit/server-options';
import { requireServer } from '../../servers/require-server';
import { SSHD_BINARY, startSshd, type SshdServer } from '../../servers/sshd-server';
import { addMember, auditOf } from '../platform-harness';
import {
  fileAt,
  filesOf,
  finished,
  importsOf,
  makeOffer,
  observationsOf,
  sha256,
  startImportsPlatform,
  storedBytes,
  type ImportsPlatform,
} from './imports-kit';

const sshdAvailable = requireServer('OpenSSH sshd', SSHD_BINARY, 'apt-get install openssh-server');
let sshd: SshdServer | undefined;
let database: OpenDatabase | undefined;
let p: ImportsPlatform;
let sftpId: string;

// Writes a file on the SFTP server (owned by its user, as if uploaded), creating its folders.
function put(relative: string, bytes: Buffer | string): void {
  const target = path.join(sshd!.root, relative);
  const parts = path.relative(sshd!.root, path.dirname(target)).split(path.sep).filter(Boolean);
  let folder = sshd!.root;
  for (const part of parts) {
    folder = path.join(folder, part);
    mkdirSync(folder, { recursive: true });
    chownSync(folder, sshd!.user.uid, sshd!.user.gid);
  }
  writeFileSync(target, bytes);
  chownSync(target, sshd!.user.uid, sshd!.user.gid);
}

const org = () => `/v1/orgs/${p.org.orgId}`;

beforeAll(async () => {
  if (!sshdAvailable.available) return;
  sshd = await startSshd();
  database = await openDatabase({ kind: 'pglite' });
  p = await startImportsPlatform(database.db);
  // The real flow: created without a pinned key, tested (the unknown key shown), trusted, tested ok.
  const { password, ...options } = sshdSftpOptions(sshd, { pin: false });
  const created = await p.call('POST', `${org()}/connectors`, {
    name: 'Partner SFTP',
    kind: 'sftp',
    options,
    secrets: { password },
  });
  expect(created.statusCode, created.body).toBe(201);
  sftpId = created.json().id;
  const first = await p.call('POST', `${org()}/connectors/${sftpId}/test`);
  const fingerprint = first.json().identity.fingerprint;
  expect((await p.call('POST', `${org()}/connectors/${sftpId}/trust`, { fingerprint })).statusCode).toBe(200);
  expect((await p.call('POST', `${org()}/connectors/${sftpId}/test`)).json().report.ok).toBe(true);
}, 120_000);

afterAll(async () => {
  await p?.close();
  await database?.close();
  await sshd?.dispose();
});

describe.skipIf(!sshdAvailable.available)('imports and scans over SFTP (OpenSSH sshd), on PGlite', () => {
  const bigBytes = randomBytes(700_000);

  it('imports a folder and a file byte for byte into the offer, audited; again: already in the offer', async () => {
    put('exports/2026/prices.csv', 'id,price\n1,10\n2,20\n');
    put('exports/2026/raw/blob.bin', bigBytes);
    put('notes.txt', 'hello');
    const offerId = await makeOffer(p, { title: 'Prices', kind: 'one-shot', status: 'draft' });
    const body = { connectorId: sftpId, paths: ['exports', 'notes.txt'], targetFolder: 'in' };
    const res = await p.call('POST', `${org()}/offers/${offerId}/imports`, body);
    expect(res.statusCode, res.body).toBe(202);
    expect(res.json()).toMatchObject({ kind: 'import', trigger: 'manual', status: 'queued' });
    const done = await finished(p, offerId, res.json().id);
    expect(done.status, JSON.stringify(done)).toBe('succeeded');
    expect(done.added.map((a) => a.path).sort()).toEqual([
      'in/exports/2026/prices.csv',
      'in/exports/2026/raw/blob.bin',
      'in/notes.txt',
    ]);
    expect(done.skipped).toEqual([]);

    const blob = (await fileAt(p, offerId, 'in/exports/2026/raw/blob.bin'))!;
    expect(blob).toMatchObject({
      origin: 'import',
      originRef: `${sftpId}:exports/2026/raw/blob.bin`,
      status: 'available',
      size: bigBytes.length,
      sha256: sha256(bigBytes),
    });
    expect(blob.storageKey.startsWith(`offers/${offerId}/`)).toBe(true);
    // Read back from the offer storage: the very bytes of the server.
    expect(sha256(storedBytes(p, blob.storageKey))).toBe(sha256(bigBytes));
    const csv = (await fileAt(p, offerId, 'in/exports/2026/prices.csv'))!;
    expect(storedBytes(p, csv.storageKey).toString()).toBe('id,price\n1,10\n2,20\n');

    const audit = await auditOf(p.env, p.org.orgId, p.org.adminToken);
    expect(audit.find((e) => e.action === 'imports.create')).toMatchObject({ targetId: offerId });
    const system = audit.find((e) => e.action === 'offers.files.import');
    expect(system).toMatchObject({ principalType: 'platform', targetId: offerId });
    expect(system!.reason).toContain('3 added, 0 skipped');

    const again = await p.call('POST', `${org()}/offers/${offerId}/imports`, body);
    const second = await finished(p, offerId, again.json().id);
    expect(second.added).toEqual([]);
    expect(second.skipped.map((s) => s.reason)).toEqual(
      Array(3).fill('already in the offer (same path, size and SHA-256)'),
    );
    expect((await filesOf(p, offerId)).length).toBe(3);

    const history = await p.call('GET', `${org()}/offers/${offerId}/imports`);
    expect(history.json()).toMatchObject({ total: 2, items: [{ id: again.json().id }, { id: res.json().id }] });
  });

  it('refuses viewers, unknown offers, connectors of nobody here and unsafe paths', async () => {
    const offerId = await makeOffer(p, { title: 'Guarded', kind: 'one-shot' });
    const viewer = await addMember(p.env, p.org.orgId, p.org.adminToken, 'viewer');
    const body = { connectorId: sftpId, paths: ['notes.txt'] };
    const asViewer = await p.call('POST', `${org()}/offers/${offerId}/imports`, body, viewer.token);
    expect([asViewer.statusCode, asViewer.json().code]).toEqual([403, 'forbidden']);
    expect((await p.call('GET', `${org()}/offers/${offerId}/imports`, undefined, viewer.token)).statusCode).toBe(200);
    const unknown = await p.call('POST', `${org()}/offers/off_nope/imports`, body);
    expect([unknown.statusCode, unknown.json().code]).toEqual([404, 'not_found']);
    const noConnector = await p.call('POST', `${org()}/offers/${offerId}/imports`, { ...body, connectorId: 'con_x' });
    expect([noConnector.statusCode, noConnector.json().code]).toEqual([404, 'not_found']);
    const escape = await p.call('POST', `${org()}/offers/${offerId}/imports`, { ...body, paths: ['../etc/passwd'] });
    expect([escape.statusCode, escape.json().code]).toEqual([400, 'validation_failed']);
    expect((await importsOf(p, offerId)).length).toBe(0);
  });

  describe('a subscription fed by an SFTP folder, with staging', () => {
    let offerId: string;
    const scan = () => runScan(p.ctx, { orgId: p.org.orgId, offerId });

    it('takes a file only once it looks the same twice; a file still being written waits; staging -> pending', async () => {
      put('feed/day-1.csv', 'a,b\n1,2\n');
      put('feed/day-2.csv', 'a,b\n'); // still being written
      offerId = await makeOffer(p, {
        title: 'Daily feed',
        sourceType: 'connector',
        sourceConnectorId: sftpId,
        sourceFolder: 'feed',
        staging: true,
        maxFileSize: 1000,
      });
      expect(await scan()).toBe('scanned');
      expect((await filesOf(p, offerId)).length).toBe(0);
      let looks = await observationsOf(p, offerId);
      expect(looks.get('day-1.csv')).toMatchObject({ outcome: 'waiting', size: 8 });
      expect(looks.get('day-2.csv')).toMatchObject({ outcome: 'waiting', size: 4 });

      appendFileSync(path.join(sshd!.root, 'feed/day-2.csv'), '3,4\n');
      expect(await scan()).toBe('scanned');
      let files = await filesOf(p, offerId);
      expect(files.map((f) => f.path)).toEqual(['day-1.csv']);
      expect(files[0]).toMatchObject({ status: 'pending', seq: null, sha256: sha256('a,b\n1,2\n') });
      looks = await observationsOf(p, offerId);
      expect(looks.get('day-1.csv')).toMatchObject({ outcome: 'imported', fileId: files[0]!.id });
      expect(looks.get('day-2.csv')).toMatchObject({ outcome: 'waiting', size: 8 });

      expect(await scan()).toBe('scanned');
      files = await filesOf(p, offerId);
      expect(files.map((f) => f.path)).toEqual(['day-1.csv', 'day-2.csv']);
      expect(storedBytes(p, files[1]!.storageKey).toString()).toBe('a,b\n3,4\n');
      const rows = await importsOf(p, offerId);
      expect(rows.map((r) => [r.kind, r.trigger, r.status, r.added.length])).toEqual([
        ['scan', 'schedule', 'succeeded', 0],
        ['scan', 'schedule', 'succeeded', 1],
        ['scan', 'schedule', 'succeeded', 1],
      ]);
    });

    it('never adds the same file twice: repeated scans, and two scans at once', async () => {
      for (let i = 0; i < 3; i++) await scan();
      expect((await filesOf(p, offerId)).length).toBe(2);
      put('feed/day-3.csv', 'a,b\n5,6\n');
      await scan(); // first look
      const both = await Promise.all([scan(), scan()]);
      expect(both.sort()).toEqual(['busy', 'scanned']);
      const files = (await filesOf(p, offerId)).filter((f) => f.path === 'day-3.csv');
      expect(files.length).toBe(1);
    });

    it('a changed file under a path already taken becomes a new file once stable; the first version stays', async () => {
      put('feed/day-1.csv', 'a,b\n1,2\n9,9\n');
      await scan();
      await scan();
      const versions = (await filesOf(p, offerId)).filter((f) => f.path === 'day-1.csv');
      expect(versions.map((v) => v.sha256).sort()).toEqual([sha256('a,b\n1,2\n'), sha256('a,b\n1,2\n9,9\n')].sort());
    });

    it('skips hostile names and too large files with reasons; the preview said so first and changed nothing', async () => {
      put('feed/bad\nname.csv', 'x');
      const deep = Array.from({ length: 6 }, (_, i) => `${String(i)}${'d'.repeat(199)}`).join('/');
      put(`feed/${deep}/long.csv`, 'y');
      put('feed/huge.bin', randomBytes(2000));
      put('feed/fresh.csv', 'fresh');
      await scan(); // the first look of each
      put('feed/newest.csv', 'new');

      const before = {
        files: (await filesOf(p, offerId)).length,
        looks: JSON.stringify([...(await observationsOf(p, offerId)).values()]),
        runs: (await importsOf(p, offerId)).length,
      };
      const res = await p.call('GET', `${org()}/offers/${offerId}/scan-preview`);
      expect(res.statusCode, res.body).toBe(200);
      const preview = res.json();
      expect(preview.add).toEqual([{ path: 'fresh.csv', size: 5 }]);
      expect(preview.waiting).toEqual([
        { path: 'newest.csv', size: 3, reason: 'first seen: taken once it looks the same at the next scan' },
      ]);
      expect(
        preview.skipped.map((s: { path: string; reason: string }) => [s.path.slice(0, 12), s.reason.slice(0, 20)]),
      ).toEqual(
        expect.arrayContaining([
          ['huge.bin', 'too large: 2000 byte'],
          [`${deep.slice(0, 12)}`, 'path too long: 1214 '],
        ]),
      );
      expect(preview).toMatchObject({ truncated: false, warning: null });
      expect(preview.unchanged).toBeGreaterThanOrEqual(4);
      expect({
        files: (await filesOf(p, offerId)).length,
        looks: JSON.stringify([...(await observationsOf(p, offerId)).values()]),
        runs: (await importsOf(p, offerId)).length,
      }).toEqual(before);

      await scan();
      const paths = (await filesOf(p, offerId)).map((f) => f.path);
      expect(paths).toContain('fresh.csv');
      expect(paths).not.toContain('huge.bin');
      expect(paths).not.toContain(`${deep}/long.csv`);
      const runs = await importsOf(p, offerId);
      const skipped = runs.flatMap((r) => r.skipped);
      expect(skipped).toEqual(
        expect.arrayContaining([
          { path: 'huge.bin', reason: 'too large: 2000 bytes, the offer takes files up to 1000 bytes' },
          { path: `${deep}/long.csv`, reason: "path too long: 1214 bytes, an offer's paths have at most 1024" },
        ]),
      );
      const hostile = skipped.find((s) => s.path.includes('bad'));
      expect(hostile?.path).toContain('\\n');
      expect(hostile?.reason).toMatch(/^left out: /);
      // Skipped once: later scans do not report them again.
      await scan();
      expect((await importsOf(p, offerId)).at(-1)!.skipped).toEqual([]);
    });

    it('a source that goes empty or whose server stops removes nothing; the scan fails with the reason and resumes', async () => {
      const held = (await filesOf(p, offerId)).length;
      // The folder is emptied (its files moved aside), as a storage that suddenly lists nothing.
      const aside = path.join(sshd!.root, 'aside');
      renameSync(path.join(sshd!.root, 'feed'), aside);
      mkdirSync(path.join(sshd!.root, 'feed'));
      chownSync(path.join(sshd!.root, 'feed'), sshd!.user.uid, sshd!.user.gid);
      await scan();
      let last = (await importsOf(p, offerId)).at(-1)!;
      expect(last.status).toBe('failed');
      expect(last.error).toMatch(/lists no files although it held \d+ before: nothing was removed/);
      expect((await filesOf(p, offerId)).length).toBe(held);

      await sshd!.stop();
      await scan();
      last = (await importsOf(p, offerId)).at(-1)!;
      expect(last.status).toBe('failed');
      expect(last.error).toMatch(/refused|closed|reset/i);
      expect((await filesOf(p, offerId)).length).toBe(held);
      await scan();
      // Three failed scans in a row: the admins are told once.
      const notices = await p.call('GET', '/v1/notifications?limit=50');
      const alerts = notices.json().items.filter((n: { kind: string }) => n.kind === 'job.failed');
      expect(alerts).toHaveLength(1);
      expect(alerts[0].message).toContain('The scan of offer "Daily feed" failed 3 times in a row');

      await sshd!.start();
      rmSync(path.join(sshd!.root, 'feed'), { recursive: true });
      renameSync(aside, path.join(sshd!.root, 'feed'));
      put('feed/day-4.csv', 'a,b\n7,8\n');
      await scan();
      await scan();
      last = (await importsOf(p, offerId)).at(-1)!;
      expect(last.status).toBe('succeeded');
      expect(last.added.map((a) => a.path)).toEqual(['day-4.csv']);
      expect((await filesOf(p, offerId)).length).toBe(held + 1);
      const offer = await p.call('GET', `${org()}/offers/${offerId}/imports?limit=1`);
      expect(offer.json().items[0].status).toBe('succeeded');
    });

    it('scan now through the API: queued, run by the job, recorded', async () => {
      put('feed/day-5.csv', 'a,b\n9,0\n');
      const first = await p.call('POST', `${org()}/offers/${offerId}/scan`);
      expect(first.statusCode, first.body).toBe(202);
      expect((await finished(p, offerId, first.json().id)).status).toBe('succeeded');
      const second = await p.call('POST', `${org()}/offers/${offerId}/scan`);
      const done = await finished(p, offerId, second.json().id);
      expect(done.added.map((a) => a.path)).toEqual(['day-5.csv']);
    });
  });

  describe('a local-folder connector', () => {
    it('imports a folder byte for byte, and a scan of it takes new files once stable', async () => {
      const root = mkdtempSync(path.join(tmpdir(), 'ferry-imports-local-'));
      const bytes = randomBytes(300_000);
      mkdirSync(path.join(root, 'drop', 'deep'), { recursive: true });
      writeFileSync(path.join(root, 'drop', 'deep', 'a.bin'), bytes);
      writeFileSync(path.join(root, 'drop', 'b.txt'), 'bee');
      const created = await p.call('POST', `${org()}/connectors`, {
        name: 'Drop folder',
        kind: 'local',
        options: { root },
      });
      expect(created.statusCode, created.body).toBe(201);
      const localId = created.json().id;
      const offerId = await makeOffer(p, {
        title: 'Local',
        sourceType: 'connector',
        sourceConnectorId: localId,
        sourceFolder: 'drop',
      });
      const res = await p.call('POST', `${org()}/offers/${offerId}/imports`, { connectorId: localId, paths: [''] });
      const done = await finished(p, offerId, res.json().id);
      expect(done.added.map((a) => a.path).sort()).toEqual(['drop/b.txt', 'drop/deep/a.bin']);
      const a = (await fileAt(p, offerId, 'drop/deep/a.bin'))!;
      expect(sha256(storedBytes(p, a.storageKey))).toBe(sha256(bytes));
      expect(a).toMatchObject({ status: 'available', sha256: sha256(bytes) });

      await runScan(p.ctx, { orgId: p.org.orgId, offerId });
      await runScan(p.ctx, { orgId: p.org.orgId, offerId });
      // The scan's paths are relative to the source folder: b.txt is not drop/b.txt, so it joins as its own file.
      expect((await filesOf(p, offerId)).map((f) => f.path).sort()).toEqual([
        'b.txt',
        'deep/a.bin',
        'drop/b.txt',
        'drop/deep/a.bin',
      ]);
      rmSync(root, { recursive: true, force: true });
    });

    it('the minute sweep queues a due subscription once; the job scans it and plans the next scan', async () => {
      const root = mkdtempSync(path.join(tmpdir(), 'ferry-imports-sweep-'));
      writeFileSync(path.join(root, 'one.csv'), '1');
      const created = await p.call('POST', `${org()}/connectors`, {
        name: 'Sweep folder',
        kind: 'local',
        options: { root },
      });
      const offerId = await makeOffer(p, {
        title: 'Swept',
        sourceType: 'connector',
        sourceConnectorId: created.json().id,
        sourceFolder: '',
        scanIntervalMinutes: 30,
        nextScanAt: new Date(Date.now() - 1000),
      });
      expect(await sweepDueScans(p.ctx)).toBe(1);
      expect(await sweepDueScans(p.ctx)).toBe(0);
      await until('the scheduled scan ran', async () =>
        (await importsOf(p, offerId)).some((r) => r.finishedAt !== null),
      );
      const [run] = await importsOf(p, offerId);
      expect(run).toMatchObject({ kind: 'scan', trigger: 'schedule', status: 'succeeded' });
      const [offer] = await p.db.select().from(offers).where(eq(offers.id, offerId));
      expect(offer!.lastScanAt).not.toBeNull();
      expect(offer!.nextScanAt!.getTime() - offer!.lastScanAt!.getTime()).toBe(30 * 60_000);
      expect((await observationsOf(p, offerId)).get('one.csv')).toMatchObject({ outcome: 'waiting' });
      rmSync(root, { recursive: true, force: true });
    });
  });
});
