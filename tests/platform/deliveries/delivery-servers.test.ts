// Automatic delivery through the platform's jobs into real buyer storage: an S3 connector on Swift receives each new
// file byte for byte with its receipt; while Swift is down deliveries retry, the target pauses after failures in a
// row with its reason, the buyer's admins are notified and the pause audited; once Swift is back a resume delivers
// the waiting file once. An SFTP connector (OpenSSH sshd) added later receives the files already entitled.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3Driver } from '../../../connectors/s3/s3-driver';
import type { Driver } from '../../../connectors/driver';
import type { JobsRuntime } from '../../../platform/jobs/jobs-runtime';
import { sshdSftpOptions, swiftS3Options } from '../../kit/server-options';
import { requireServer } from '../../servers/require-server';
import { SSHD_BINARY, startSshd, type SshdServer } from '../../servers/sshd-server';
import { startSwift, swiftAvailability, type SwiftServer } from '../../servers/swift-server';
import { auditOf, forEachDatabase, setUp, type TestEnv } from '../platform-harness';
import { addFile, eventually, insertAcquisition, insertOffer, senderJobs, sha256 } from './delivery-fixtures';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';

const sshdAvailable = requireServer('OpenSSH sshd', SSHD_BINARY, 'apt-get install openssh-server');
const swift = swiftAvailability();

let sshd: SshdServer | undefined;
let swiftServer: SwiftServer | undefined;
const storages: string[] = [];
let buckets = 0;

beforeAll(async () => {
  [sshd, swiftServer] = await Promise.all([
    sshdAvailable.available ? startSshd() : undefined,
    swift.available ? startSwift() : undefined,
  ]);
}, 120_000);

afterAll(async () => {
  await Promise.all([sshd?.dispose(), swiftServer?.stop()]);
  for (const folder of storages) rmSync(folder, { recursive: true, force: true });
});

async function readAll(driver: Driver, file: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of await driver.read(file)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

describe.skipIf(!swift.available)('deliveries into real storage', () => {
  forEachDatabase(
    (env: () => TestEnv) => {
      let buyer: string;
      let token: string;
      let offer: { id: string; orgId: string };
      let acq: string;
      let jobs: JobsRuntime;
      let bucket: string;
      let s3: S3Driver;
      let s3Target: string;
      const bytes: Record<string, Buffer> = {};
      const ids: Record<string, string> = {};
      const storage = () => storages[storages.length - 1]!;
      const call = (method: string, url: string, body?: unknown) => env().call(method, url, { token, body });
      const base = () => `/v1/orgs/${buyer}/acquisitions/${acq}`;
      const delivered = (fileId: string, targetId: string) =>
        eventually(
          async () => {
            const res = await call('GET', `${base()}/deliveries?status=delivered&targetId=${targetId}`);
            return (res.json().items as Array<{ file: { id: string }; path: string; receiptPath: string }>).find(
              (d) => d.file.id === fileId,
            );
          },
          60_000,
          'the delivery',
        );
      const add = async (name: string, filePath: string, content: Buffer) => {
        bytes[name] = content;
        ids[name] = await addFile(env().db, jobs, storage(), offer, filePath, content);
      };

      afterAll(async () => {
        await jobs?.stop();
        await s3?.close();
      });

      it('sets up a buyer S3 connector on Swift and a delivery target for an acquisition', async () => {
        const admin = await setUp(env(), 'Buyer Co');
        buyer = admin.orgId;
        token = admin.adminToken;
        const provider = (await call('POST', '/v1/orgs', { name: 'Provider Co' })).json().id as string;
        offer = { id: await insertOffer(env().db, provider, 'Market data'), orgId: provider };
        acq = await insertAcquisition(env().db, offer.id, provider, buyer, admin.adminId);
        jobs = await senderJobs(env().db);
        bucket = `deliveries-${++buckets}`;
        s3 = new S3Driver(swiftS3Options(swiftServer!, bucket));
        await s3.client.send(new CreateBucketCommand({ Bucket: bucket }));
        const { secretAccessKey, ...options } = swiftS3Options(swiftServer!, bucket);
        const connector = await call('POST', `/v1/orgs/${buyer}/connectors`, {
          name: 'Buyer S3',
          kind: 's3',
          options,
          secrets: { secretAccessKey },
        });
        expect(connector.statusCode, connector.body).toBe(201);
        const target = await call('POST', `${base()}/targets`, {
          type: 'connector',
          connectorId: connector.json().id,
          folder: 'feeds',
          namingPattern: '{offer}/{yyyy}/{mm}/{name}',
        });
        expect(target.statusCode, target.body).toBe(201);
        s3Target = target.json().id;
      });

      it('delivers a new file byte for byte with its receipt, then a second one', async () => {
        await add('first', 'eod/first.csv', Buffer.from('isin,close\nX1,10.5\n'));
        const one = await delivered(ids.first!, s3Target);
        const now = new Date();
        const month = String(now.getUTCMonth() + 1).padStart(2, '0');
        expect(one.path).toBe(`feeds/Market data/${now.getUTCFullYear()}/${month}/first.csv`);
        expect(await readAll(s3, one.path)).toEqual(bytes.first);
        const receipt = JSON.parse((await readAll(s3, one.receiptPath)).toString('utf8'));
        expect(receipt).toMatchObject({ sha256: sha256(bytes.first!), size: bytes.first!.length, path: one.path });

        await add('second', 'eod/second.csv', Buffer.alloc(1024 * 1024, 9));
        const two = await delivered(ids.second!, s3Target);
        expect(await readAll(s3, two.path)).toEqual(bytes.second);
      });

      it('retries while Swift is down, pauses the target after failures in a row and tells the admins', async () => {
        await swiftServer!.stopProxy();
        try {
          await add('third', 'eod/third.csv', Buffer.from('isin,close\nX3,12.0\n'));
          const paused = await eventually(
            async () => {
              const target = (await call('GET', `${base()}/targets/${s3Target}`)).json();
              return target.status === 'paused' ? target : undefined;
            },
            90_000,
            'the pause',
          );
          expect(paused.consecutiveFailures).toBeGreaterThanOrEqual(3);
          expect(paused.pausedReason).toContain('3 failed deliveries in a row');
          const waiting = (await call('GET', `${base()}/deliveries?targetId=${s3Target}&status=pending`)).json();
          expect(waiting.items.map((d: { file: { id: string } }) => d.file.id)).toEqual([ids.third]);
          expect(waiting.items[0].attempts).toBeGreaterThanOrEqual(3);
          expect(waiting.items[0].lastError).not.toBeNull();
          const notes = (await call('GET', '/v1/notifications')).json().items as Array<Record<string, unknown>>;
          const note = notes.find((n) => n.subjectType === 'delivery-target' && n.subjectId === s3Target);
          expect(note).toMatchObject({ kind: 'job.failed', orgId: buyer });
          expect(note!.message).toContain('Deliveries of "Market data"');
          const audit = await auditOf(env(), buyer, token, { action: 'deliveries.target-paused' });
          expect(audit).toMatchObject([{ principalType: 'platform', targetId: s3Target }]);
        } finally {
          await swiftServer!.startProxy();
        }
      });

      it('delivers the waiting file once when the target is resumed after Swift is back', async () => {
        const resumed = await call('POST', `${base()}/targets/${s3Target}/resume`);
        expect(resumed.statusCode, resumed.body).toBe(200);
        expect(resumed.json()).toMatchObject({ status: 'active', consecutiveFailures: 0, pausedReason: null });
        const three = await delivered(ids.third!, s3Target);
        expect(await readAll(s3, three.path)).toEqual(bytes.third);
        const listed = await s3.list(three.path.slice(0, three.path.lastIndexOf('/')));
        expect(listed.entries.map((e) => e.name)).toEqual([
          'first.csv',
          'first.csv.ferry-receipt.json',
          'second.csv',
          'second.csv.ferry-receipt.json',
          'third.csv',
          'third.csv.ferry-receipt.json',
        ]);
        expect((await call('GET', `${base()}/targets/${s3Target}`)).json().consecutiveFailures).toBe(0);
      });

      it.skipIf(!sshdAvailable.available)('delivers the files already entitled to a new SFTP target', async () => {
        const { password, ...options } = sshdSftpOptions(sshd!);
        const connector = await call('POST', `/v1/orgs/${buyer}/connectors`, {
          name: `Buyer SFTP ${env().kind}`,
          kind: 'sftp',
          options,
          secrets: { password },
        });
        expect(connector.statusCode, connector.body).toBe(201);
        const target = await call('POST', `${base()}/targets`, {
          type: 'connector',
          connectorId: connector.json().id,
          folder: `inbox-${env().kind}`,
          namingPattern: '{path}',
        });
        expect(target.statusCode, target.body).toBe(201);
        for (const name of ['first', 'second', 'third']) {
          const row = await delivered(ids[name]!, target.json().id);
          expect(row.path).toBe(`inbox-${env().kind}/eod/${name}.csv`);
          expect(readFileSync(path.join(sshd!.root, row.path))).toEqual(bytes[name]);
        }
      });
    },
    () => {
      storages.push(mkdtempSync(path.join(tmpdir(), 'ferry-offer-storage-')));
      return {
        offerStorage: { kind: 'local', folder: storages[storages.length - 1]! },
        jobs: { pollingIntervalSeconds: 0.5 },
        deliveries: {
          retryDelaySeconds: 1,
          retryLimit: 5,
          pauseAfter: 3,
          copyRetry: { maxAttempts: 1, baseDelayMs: 10, maxDelayMs: 10 },
        },
      };
    },
  );
});
