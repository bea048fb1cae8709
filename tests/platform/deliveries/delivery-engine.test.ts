// The delivery job itself, run directly against real storage (a local folder; OpenSSH sshd over SFTP; Swift's S3) and
// the Google Drive and Snowflake fakes (FAKES, see their READMEs; every connection held to loopback):
// re-runs and concurrent runs leave one file and one row; a different file at the target gets a conflict copy beside
// it and stays intact; the same bytes already there count as delivered; a copy cut midway or a crash before the
// receipt leaves no partial under the file's name, and the next run finishes without a duplicate.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectorError } from '../../../connectors/connector-error';
import { createDefaultRegistry } from '../../../connectors/default-registry';
import type { Driver, WriteOptions } from '../../../connectors/driver';
import { S3Driver } from '../../../connectors/s3/s3-driver';
import { newId } from '../../../platform/auth/secret-token';
import { openDatabase, type OpenDatabase } from '../../../platform/db/open-database';
import {
  auditEvents,
  deliveries,
  deliveryTargets,
  memberships,
  notifications,
  offerFiles,
  organisations,
  users,
} from '../../../platform/db/schema';
import { deliverFile, type DeliveryDeps } from '../../../platform/deliveries/deliver-file';
import type { JobsRuntime } from '../../../platform/jobs/jobs-runtime';
import type { PlatformContext } from '../../../platform/platform-context';
import { startDriveFakeConnector, type DriveFakeConnector } from '../../kit/drive-fake-connector';
import { installLoopbackOnly } from '../../kit/loopback-only';
import { sshdSftpOptions, swiftS3Options } from '../../kit/server-options';
import { startSnowflakeFakeConnector, type SnowflakeFakeConnector } from '../../kit/snowflake-fake-connector';
import { requireServer } from '../../servers/require-server';
import { SSHD_BINARY, startSshd, type SshdServer } from '../../servers/sshd-server';
import { startSwift, swiftAvailability, type SwiftServer } from '../../servers/swift-server';
import { addFile, insertAcquisition, insertOffer, sha256 } from './delivery-fixtures';

const sshdAvailable = requireServer('OpenSSH sshd', SSHD_BINARY, 'apt-get install openssh-server');
const swift = swiftAvailability();
const registry = createDefaultRegistry();
const BUCKET = 'buyer-deliveries';

let database: OpenDatabase;
let storage: string;
let sshd: SshdServer | undefined;
let swiftServer: SwiftServer | undefined;
let drive: DriveFakeConnector;
let snowflake: SnowflakeFakeConnector;
const guard = installLoopbackOnly();
const folders: string[] = [];
// The ledger only tells deliveries through its jobs; these tests run the delivery directly instead.
const noJobs = { send: async () => null } as unknown as JobsRuntime;

beforeAll(async () => {
  database = await openDatabase({ kind: 'pglite' });
  storage = mkdtempSync(path.join(tmpdir(), 'ferry-engine-storage-'));
  [sshd, swiftServer, drive, snowflake] = await Promise.all([
    sshdAvailable.available ? startSshd() : undefined,
    swift.available ? startSwift() : undefined,
    startDriveFakeConnector(),
    startSnowflakeFakeConnector('keyPair', 'landing'),
  ]);
  if (swiftServer !== undefined) {
    const admin = new S3Driver(swiftS3Options(swiftServer, BUCKET));
    await admin.client.send(new CreateBucketCommand({ Bucket: BUCKET }));
    await admin.close();
  }
}, 120_000);

afterAll(async () => {
  await database?.close();
  await Promise.all([sshd?.dispose(), swiftServer?.stop(), drive?.stop(), snowflake?.stop()]);
  rmSync(storage, { recursive: true, force: true });
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
  guard.uninstall();
  expect(guard.blocked).toEqual([]);
});

/** Every file under a folder of a driver, relative paths, sorted (hidden ones too). */
async function listAll(driver: Driver, folder = ''): Promise<string[]> {
  const found: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await driver.list(folder, cursor === undefined ? {} : { cursor });
    for (const entry of page.entries) {
      if (entry.type === 'directory') found.push(...(await listAll(driver, entry.path)));
      else found.push(entry.path);
    }
    cursor = page.cursor;
  } while (cursor !== undefined);
  return found.sort();
}

async function readAll(driver: Driver, file: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of await driver.read(file)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** A driver whose writes to paths `breaks` picks fail: after half the bytes (`mid`) or before any (`before`). */
function faulty(driver: Driver, breaks: (path: string) => 'mid' | 'before' | undefined): Driver {
  return new Proxy(driver, {
    get(target, prop) {
      if (prop === 'write') {
        return async (file: string, source: Readable, options?: WriteOptions) => {
          const how = breaks(file);
          if (how === 'before') throw new ConnectorError('Retryable', 'The connection was lost (test).');
          if (how !== 'mid' || options?.size === undefined || options.size < 2) {
            return target.write(file, source, options);
          }
          let passed = 0;
          const half = Math.floor(options.size / 2);
          const cut = new Transform({
            transform(chunk: Buffer, _encoding, done) {
              if (passed + chunk.length <= half) {
                passed += chunk.length;
                done(null, chunk);
                return;
              }
              this.push(chunk.subarray(0, half - passed));
              passed = half;
              done(new ConnectorError('Retryable', 'The connection was lost midway (test).'));
            },
          });
          source.pipe(cut);
          return target.write(file, cut, options);
        };
      }
      const value: unknown = Reflect.get(target, prop);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/**
 * A driver whose writes of `file`s it is told pass their first chunk, then wait for `gate`: a run held mid-copy while
 * the test lets another run go. `entered` settles when the first write is held.
 */
function held(driver: Driver, holds: (path: string) => boolean, gate: Promise<void>, entered: () => void): Driver {
  return new Proxy(driver, {
    get(target, prop) {
      if (prop === 'write') {
        return async (file: string, source: Readable, options?: WriteOptions) => {
          if (!holds(file)) return target.write(file, source, options);
          let first = true;
          const wait = new Transform({
            transform(chunk: Buffer, _encoding, done) {
              if (!first) return done(null, chunk);
              first = false;
              this.push(chunk);
              entered();
              gate.then(() => done(), done);
            },
          });
          source.once('error', (e) => wait.destroy(e));
          return target.write(file, source.pipe(wait), options);
        };
      }
      const value: unknown = Reflect.get(target, prop);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

interface Destination {
  readonly name: string;
  readonly available: boolean;
  /** Opens drivers on one folder of this storage (each run of the job opens and closes its own). */
  prepare(): () => Driver;
}

let counter = 0;
const destinations: Destination[] = [
  {
    name: 'a local folder',
    available: true,
    prepare: () => {
      const root = mkdtempSync(path.join(tmpdir(), 'ferry-engine-drop-'));
      folders.push(root);
      return () => registry.create({ kind: 'local', options: { root } });
    },
  },
  {
    name: 'SFTP (OpenSSH sshd)',
    available: sshdAvailable.available,
    prepare: () => () => registry.create({ kind: 'sftp', options: sshdSftpOptions(sshd!) }),
  },
  {
    name: 'S3 (Swift s3api)',
    available: swift.available,
    prepare: () => () => registry.create({ kind: 's3', options: swiftS3Options(swiftServer!, BUCKET) }),
  },
  {
    name: 'a Google Drive folder (the Drive v3 fake)',
    available: true,
    prepare: () => () => registry.create({ kind: 'drive', options: drive.options }),
  },
  {
    name: 'a Snowflake stage (the Snowflake fake)',
    available: true,
    prepare: () => () => registry.create({ kind: 'snowflake', options: snowflake.options }),
  },
];

for (const destination of destinations) {
  describe.skipIf(!destination.available)(`delivering into ${destination.name}`, () => {
    let buyerOrg: string;
    let adminId: string;
    let offer: { id: string; orgId: string };
    let acquisitionId: string;
    let targetId: string;
    let driver: Driver;
    let folder: string;
    let wrap: (d: Driver) => Driver = (d) => d;
    const deps = (): DeliveryDeps => ({
      ctx: {
        db: database.db,
        now: () => new Date(),
        offerStorage: { driver: registry.create({ kind: 'local', options: { root: storage } }) },
      } as unknown as PlatformContext,
      // A fresh driver per run (the job closes it), on the same folder; `wrap` breaks it where a test says.
      open: async () => wrap(reopen()),
      pauseAfter: 100,
      attemptTimeoutMs: 60_000,
      copyRetry: { maxAttempts: 1, baseDelayMs: 10, maxDelayMs: 10 },
    });
    let reopen: () => Driver;

    beforeAll(async () => {
      const n = ++counter;
      buyerOrg = newId('org');
      const providerOrg = newId('org');
      const now = new Date();
      await database.db.insert(organisations).values([
        { id: buyerOrg, name: `Buyer ${n}`, createdAt: now },
        { id: providerOrg, name: `Provider ${n}`, createdAt: now },
      ]);
      adminId = newId('usr');
      await database.db
        .insert(users)
        .values({ id: adminId, email: `admin${n}@buyer.example`, name: 'Admin', passwordHash: 'x', createdAt: now });
      await database.db.insert(memberships).values({ orgId: buyerOrg, userId: adminId, role: 'admin', joinedAt: now });
      offer = { id: await insertOffer(database.db, providerOrg, `Prices ${n}`), orgId: providerOrg };
      acquisitionId = await insertAcquisition(database.db, offer.id, providerOrg, buyerOrg, newId('usr'));
      targetId = newId('dtg');
      // The cursor far ahead: nothing but these tests makes this target's rows.
      await database.db.insert(deliveryTargets).values({
        id: targetId,
        acquisitionId,
        orgId: buyerOrg,
        type: 'connector',
        connectorId: 'con_test',
        folder: `run-${n}`,
        namingPattern: '{offer}/{name}',
        cursorSeq: 1_000_000,
        createdAt: now,
        updatedAt: now,
      });
      folder = `run-${n}/Prices ${n}`;
      reopen = destination.prepare();
      driver = reopen();
    });

    afterAll(async () => {
      await driver?.close();
    });

    const newDelivery = async (name: string, bytes: Buffer) => {
      const fileId = await addFile(database.db, noJobs, storage, offer, name, bytes);
      const id = newId('dlv');
      await database.db.insert(deliveries).values({
        id,
        acquisitionId,
        targetId,
        fileId,
        orgId: buyerOrg,
        status: 'pending',
        createdAt: new Date(),
      });
      return id;
    };
    const rowOf = async (id: string) => (await database.db.select().from(deliveries).where(eq(deliveries.id, id)))[0]!;
    const deliveredAudits = async (id: string) =>
      (await database.db.select().from(auditEvents).where(eq(auditEvents.targetId, id))).filter(
        (e) => e.action === 'deliveries.delivered',
      );
    const today = () => new Date().toISOString().slice(0, 10);

    it('delivers once however often it runs, also two runs at the same time', async () => {
      const bytes = Buffer.from('a,b\n1,2\n'.repeat(1000));
      const id = await newDelivery('twice.csv', bytes);
      const [a, b] = await Promise.all([deliverFile(deps(), id), deliverFile(deps(), id)]);
      expect([a.kind, b.kind].sort()).toEqual(
        a.kind === 'delivered' && b.kind === 'delivered' ? ['delivered', 'delivered'] : ['delivered', 'nothing-to-do'],
      );
      const third = await deliverFile(deps(), id);
      expect(third).toEqual({ kind: 'nothing-to-do', why: 'delivered' });
      expect(await listAll(driver, folder)).toEqual([`${folder}/twice.csv`, `${folder}/twice.csv.ferry-receipt.json`]);
      expect(await readAll(driver, `${folder}/twice.csv`)).toEqual(bytes);
      const row = await rowOf(id);
      expect(row).toMatchObject({ status: 'delivered', path: `${folder}/twice.csv`, conflict: false });
      expect(await deliveredAudits(id)).toHaveLength(1);

      // A crash after the receipt, before the row was marked: the next run finds both and only marks the row.
      await database.db.update(deliveries).set({ status: 'pending', path: null }).where(eq(deliveries.id, id));
      const again = await deliverFile(deps(), id);
      expect(again).toMatchObject({ kind: 'delivered', placement: { alreadyThere: true, conflict: false } });
      expect(await listAll(driver, folder)).toEqual([`${folder}/twice.csv`, `${folder}/twice.csv.ferry-receipt.json`]);
    });

    it('a run overtaken mid-copy by a later run of the same delivery counts no failure', async () => {
      // A job past its expiry runs again while the first run still copies: the second removes the first's staged copy
      // as left over and delivers; the first must then not report a failure nor count one on the target.
      const bytes = Buffer.alloc(2 * 1024 * 1024 + 17, 5);
      const id = await newDelivery('overtaken.bin', bytes);
      const failuresBefore = (
        await database.db.select().from(deliveryTargets).where(eq(deliveryTargets.id, targetId))
      )[0]!.consecutiveFailures;
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      let entered!: () => void;
      const isHeld = new Promise<void>((resolve) => (entered = resolve));
      wrap = (d) => held(d, (file) => !file.endsWith('.json'), gate, entered);
      const first = deliverFile(deps(), id);
      await isHeld;
      wrap = (d) => d;
      const second = await deliverFile(deps(), id);
      expect(second).toMatchObject({ kind: 'delivered', placement: { path: `${folder}/overtaken.bin` } });
      release();
      const outcome = await first;
      expect(['delivered', 'nothing-to-do'], outcome.kind === 'failed' ? String(outcome.error) : '').toContain(
        outcome.kind,
      );
      expect(await readAll(driver, `${folder}/overtaken.bin`)).toEqual(bytes);
      expect(await rowOf(id)).toMatchObject({ status: 'delivered', path: `${folder}/overtaken.bin` });
      expect(
        (await database.db.select().from(deliveryTargets).where(eq(deliveryTargets.id, targetId)))[0]!
          .consecutiveFailures,
      ).toBe(failuresBefore);
      expect(
        (await listAll(driver, folder)).filter((f) => f.includes('overtaken') && !f.endsWith('.ferry-receipt.json')),
      ).toEqual([`${folder}/overtaken.bin`]);
    });

    it('writes a conflict copy beside a different file of the same name, which stays intact', async () => {
      const theirs = Buffer.from('the buyer edited this\n');
      await driver.write(`${folder}/report.csv`, Readable.from([theirs]), { size: theirs.length });
      const ours = Buffer.from('the provider sent this\n');
      const id = await newDelivery('report.csv', ours);
      const outcome = await deliverFile(deps(), id);
      const copy = `${folder}/report (conflict from Ferry ${today()}).csv`;
      expect(outcome).toMatchObject({ kind: 'delivered', placement: { path: copy, conflict: true } });
      expect(await readAll(driver, `${folder}/report.csv`)).toEqual(theirs);
      expect(await readAll(driver, copy)).toEqual(ours);
      const receipt = JSON.parse((await readAll(driver, `${copy}.ferry-receipt.json`)).toString('utf8'));
      expect(receipt).toMatchObject({ path: copy, conflict: true, sha256: sha256(ours), size: ours.length });
      expect(await rowOf(id)).toMatchObject({ status: 'delivered', path: copy, conflict: true });
      expect((await listAll(driver, folder)).filter((f) => f.includes('report'))).toEqual([
        `${folder}/report (conflict from Ferry ${today()}).csv`,
        `${folder}/report (conflict from Ferry ${today()}).csv.ferry-receipt.json`,
        `${folder}/report.csv`,
      ]);
    });

    it('counts the same bytes already at the target as delivered, without a copy', async () => {
      const bytes = Buffer.from('already here\n');
      await driver.write(`${folder}/same.csv`, Readable.from([bytes]), { size: bytes.length });
      const id = await newDelivery('same.csv', bytes);
      const outcome = await deliverFile(deps(), id);
      expect(outcome).toMatchObject({ kind: 'delivered', placement: { alreadyThere: true, conflict: false } });
      expect((await listAll(driver, folder)).filter((f) => f.includes('same'))).toEqual([
        `${folder}/same.csv`,
        `${folder}/same.csv.ferry-receipt.json`,
      ]);
    });

    it('leaves nothing under the name when the copy is cut midway; the next run delivers once', async () => {
      const bytes = Buffer.alloc(2 * 1024 * 1024 + 17, 3);
      const id = await newDelivery('big.bin', bytes);
      // The staged copy is cut; a store without rename nor copy (Snowflake) is written at the name, all or nothing.
      const cuts = (file: string) => !file.endsWith('.json') && (file.includes('.ferry-') || file.endsWith('/big.bin'));
      wrap = (d) => faulty(d, (file) => (cuts(file) ? 'mid' : undefined));
      const cut = await deliverFile(deps(), id);
      expect(cut.kind).toBe('failed');
      const left = await listAll(driver, folder);
      expect(left.filter((f) => f.includes('big'))).toEqual([]);
      expect(await rowOf(id)).toMatchObject({ status: 'pending', attempts: 1 });
      expect((await rowOf(id)).lastError).toContain('midway');

      wrap = (d) => d;
      const next = await deliverFile(deps(), id);
      expect(next).toMatchObject({ kind: 'delivered', placement: { alreadyThere: false, conflict: false } });
      expect(await readAll(driver, `${folder}/big.bin`)).toEqual(bytes);
      // Neither the cut attempt's staging nor its partial survives the next run.
      expect(
        (await listAll(driver, folder)).filter((f) => f.includes('.ferry-delivery') || f.includes('.ferry-partial')),
      ).toEqual([]);
      expect(await rowOf(id)).toMatchObject({ status: 'delivered', attempts: 2 });
    });

    it('skips a file removed from the offer before its delivery ran, writing nothing', async () => {
      const id = await newDelivery('withdrawn.csv', Buffer.from('withdrawn\n'));
      const { fileId } = await rowOf(id);
      await database.db.update(offerFiles).set({ status: 'removed' }).where(eq(offerFiles.id, fileId));
      expect(await deliverFile(deps(), id)).toEqual({ kind: 'skipped', why: 'file removed from the offer' });
      expect(await rowOf(id)).toMatchObject({ status: 'skipped', attempts: 0 });
      expect((await listAll(driver, folder)).filter((f) => f.includes('withdrawn'))).toEqual([]);
    });

    it("tells the buyer's admins when a delivery is given up after its last retry, and the target goes on", async () => {
      const id = await newDelivery('unlucky.csv', Buffer.from('unlucky\n'));
      wrap = (d) => faulty(d, (file) => (file.includes('.ferry-') ? 'before' : undefined));
      expect((await deliverFile(deps(), id)).kind).toBe('failed');
      expect(await rowOf(id)).toMatchObject({ status: 'pending' });
      expect((await deliverFile(deps(), id, true)).kind).toBe('failed');
      wrap = (d) => d;
      expect(await rowOf(id)).toMatchObject({ status: 'failed', attempts: 2 });
      const told = await database.db.select().from(notifications).where(eq(notifications.subjectId, id));
      expect(told).toMatchObject([{ userId: adminId, orgId: buyerOrg, kind: 'job.failed', subjectType: 'delivery' }]);
      expect(told[0]!.message).toContain('"unlucky.csv"');
      const audit = await database.db.select().from(auditEvents).where(eq(auditEvents.targetId, id));
      expect(audit.map((e) => [e.action, e.principalType])).toEqual([['deliveries.given-up', 'platform']]);
      const [target] = await database.db.select().from(deliveryTargets).where(eq(deliveryTargets.id, targetId));
      expect(target!.status).toBe('active');
      // The next success resets the count of failures in a row.
      await newDelivery('lucky.csv', Buffer.from('lucky\n')).then((next) => deliverFile(deps(), next));
      const [after] = await database.db.select().from(deliveryTargets).where(eq(deliveryTargets.id, targetId));
      expect(after!.consecutiveFailures).toBe(0);
    });

    it('finishes after a crash between the file and its receipt, without a second copy', async () => {
      const bytes = Buffer.from('receipt next\n');
      const id = await newDelivery('receipt.csv', bytes);
      wrap = (d) => faulty(d, (file) => (file.endsWith('.ferry-receipt.json') ? 'before' : undefined));
      expect((await deliverFile(deps(), id)).kind).toBe('failed');
      expect(await readAll(driver, `${folder}/receipt.csv`)).toEqual(bytes);
      wrap = (d) => d;
      const next = await deliverFile(deps(), id);
      expect(next).toMatchObject({
        kind: 'delivered',
        placement: { path: `${folder}/receipt.csv`, alreadyThere: true },
      });
      expect((await listAll(driver, folder)).filter((f) => f.includes('receipt.csv'))).toEqual([
        `${folder}/receipt.csv`,
        `${folder}/receipt.csv.ferry-receipt.json`,
      ]);
    });
  });
}
