// Issue 12 end to end, through the HTTP API only, on PGlite and on PostgreSQL with real servers: a provider's SFTP
// folder (OpenSSH sshd) feeds a published subscription; a second organisation acquires it and delivers to its S3
// connector on OpenStack Swift. A new file is scanned in once stable and lands in the buyer's bucket byte for byte
// with its receipt; a second follows; a different file already under a delivered name gets a conflict copy beside
// it, the original intact. Each file is delivered once and audited once; nothing hidden is left at the target.
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3Driver } from '../../../connectors/s3/s3-driver';
import { swiftS3Options } from '../../kit/server-options';
import { requireServer } from '../../servers/require-server';
import { SSHD_BINARY, startSshd, type SshdServer } from '../../servers/sshd-server';
import { startSwift, swiftAvailability, type SwiftServer } from '../../servers/swift-server';
import { forEachDatabase, type TestEnv } from '../platform-harness';
import {
  deliveredFile,
  deliveriesOf,
  deliveryTarget,
  injectApi,
  makeSftpFolder,
  namesUnder,
  ok,
  publishedSubscription,
  putSftpFile,
  readAll,
  s3Connector,
  scanUntilAdded,
  sftpConnector,
  sha256,
  subscribe,
  twoOrganisations,
  type Api,
  type OrgSession,
} from './flow-kit';

const sshdAvailable = requireServer('OpenSSH sshd', SSHD_BINARY, 'apt-get install openssh-server');
const swift = swiftAvailability();
const RCLONE = '/usr/bin/rclone';
const rcloneHere = requireServer('rclone', RCLONE, 'apt-get install rclone');

let sshd: SshdServer | undefined;
let swiftServer: SwiftServer | undefined;
let runs = 0;

beforeAll(async () => {
  [sshd, swiftServer] = await Promise.all([
    sshdAvailable.available ? startSshd() : undefined,
    swift.available ? startSwift() : undefined,
  ]);
}, 120_000);

afterAll(async () => {
  await Promise.all([sshd?.dispose(), swiftServer?.stop()]);
});

describe.skipIf(!sshdAvailable.available || !swift.available)('the subscription flow end to end', () => {
  forEachDatabase(
    (env: () => TestEnv) => {
      let api: Api;
      let provider: OrgSession;
      let buyer: OrgSession;
      let offerId: string;
      let acquisitionId: string;
      let bucket: string;
      let s3: S3Driver;
      let folder: string;
      const title = 'Market data';
      // The day's folder under the target's pattern {offer}/{yyyy}/{mm}/{name}, as the file's availableAt gives it.
      const deliveredAt = (name: string) => {
        const now = new Date();
        return `feeds/${title}/${now.getUTCFullYear()}/${String(now.getUTCMonth() + 1).padStart(2, '0')}/${name}`;
      };

      afterAll(async () => {
        await s3?.close();
      });

      it('a provider publishes a subscription fed by its SFTP folder; a buyer acquires it and targets its S3 bucket', async () => {
        api = injectApi(env().app);
        ({ provider, buyer } = await twoOrganisations(api));
        folder = `exports-${++runs}`;
        bucket = `buyer-${env().kind}`;
        s3 = new S3Driver(swiftS3Options(swiftServer!, bucket));
        await s3.client.send(new CreateBucketCommand({ Bucket: bucket }));

        const sftpId = await sftpConnector(api, provider, sshd!, 'Partner SFTP');
        makeSftpFolder(sshd!, folder);
        offerId = await publishedSubscription(api, provider, sftpId, folder, title);
        acquisitionId = await subscribe(api, buyer, offerId);
        const s3Id = await s3Connector(api, buyer, swiftServer!, bucket, 'Buyer bucket');
        await deliveryTarget(api, buyer, acquisitionId, {
          connectorId: s3Id,
          folder: 'feeds',
          namingPattern: '{offer}/{yyyy}/{mm}/{name}',
        });
        // The provider sees the sale, never the buyer's connector.
        const sales = await ok(
          api('GET', `/v1/orgs/${provider.orgId}/offers/${offerId}/acquisitions`, provider.token),
          200,
        );
        expect(sales.items).toMatchObject([{ id: acquisitionId, buyer: { id: buyer.orgId } }]);
        const peek = await api('GET', `/v1/orgs/${buyer.orgId}/connectors/${s3Id}`, provider.token);
        expect([peek.status, peek.body.code]).toEqual([404, 'not_found']);
      }, 60_000);

      it('a file put in the SFTP folder is scanned in once stable and delivered byte for byte with its receipt', async () => {
        const bytes = Buffer.from('isin,close\nFR0000120271,61.52\nFR0000131104,71.02\n');
        putSftpFile(sshd!, `${folder}/eod-2026-12-04.csv`, bytes);
        const file = await scanUntilAdded(api, provider, offerId, 'eod-2026-12-04.csv', sha256(bytes));
        expect(file).toMatchObject({ origin: 'import', status: 'available', size: bytes.length });

        const delivery = await deliveredFile(api, buyer, acquisitionId, file.id);
        expect(delivery).toMatchObject({ conflict: false, path: deliveredAt('eod-2026-12-04.csv') });
        expect(await readAll(s3, delivery.path!)).toEqual(bytes);
        expect(delivery.receiptPath).toBe(`${delivery.path}.ferry-receipt.json`);
        const receipt = JSON.parse((await readAll(s3, delivery.receiptPath!)).toString('utf8'));
        expect(receipt).toMatchObject({
          ferryDeliveryReceipt: 1,
          file: { id: file.id, name: 'eod-2026-12-04.csv' },
          path: delivery.path,
          conflict: false,
          size: bytes.length,
          sha256: sha256(bytes),
          offer: { id: offerId, title },
          acquisition: { id: acquisitionId },
          providerOrgId: provider.orgId,
          buyerOrgId: buyer.orgId,
          deliveryId: delivery.id,
        });
      }, 90_000);

      it('a second file follows, delivered once beside the first', async () => {
        const bytes = randomBytes(3 * 1024 * 1024 + 17);
        putSftpFile(sshd!, `${folder}/ticks-2026-12-05.bin`, bytes);
        const file = await scanUntilAdded(api, provider, offerId, 'ticks-2026-12-05.bin', sha256(bytes));
        const delivery = await deliveredFile(api, buyer, acquisitionId, file.id);
        expect(delivery.path).toBe(deliveredAt('ticks-2026-12-05.bin'));
        expect(sha256(await readAll(s3, delivery.path!))).toBe(sha256(bytes));
        const rows = await deliveriesOf(api, buyer, acquisitionId);
        expect(rows.map((d) => [d.file.name, d.status, d.attempts]).sort()).toEqual([
          ['eod-2026-12-04.csv', 'delivered', 1],
          ['ticks-2026-12-05.bin', 'delivered', 1],
        ]);
      }, 90_000);

      it('a different file already under the name at the buyer gets a conflict copy; the original stays intact', async () => {
        const theirs = Buffer.from('written by the buyer: do not touch\n');
        const wanted = deliveredAt('eod-2026-12-06.csv');
        await s3.write(wanted, Readable.from([theirs]), { size: theirs.length });
        const bytes = Buffer.from('isin,close\nFR0000120271,62.10\n');
        putSftpFile(sshd!, `${folder}/eod-2026-12-06.csv`, bytes);
        const file = await scanUntilAdded(api, provider, offerId, 'eod-2026-12-06.csv', sha256(bytes));
        const delivery = await deliveredFile(api, buyer, acquisitionId, file.id);
        expect(delivery.conflict).toBe(true);
        expect(delivery.path).toMatch(/\/eod-2026-12-06 \(conflict from Ferry \d{4}-\d{2}-\d{2}\)\.csv$/);
        expect(await readAll(s3, delivery.path!)).toEqual(bytes);
        expect(await readAll(s3, wanted)).toEqual(theirs);
        const receipt = JSON.parse((await readAll(s3, delivery.receiptPath!)).toString('utf8'));
        expect(receipt).toMatchObject({ path: delivery.path, conflict: true, sha256: sha256(bytes) });
      }, 90_000);

      it('each file was delivered and audited once; the bucket holds the files, receipts and nothing hidden', async () => {
        const rows = await deliveriesOf(api, buyer, acquisitionId);
        expect(rows).toHaveLength(3);
        expect(rows.every((d) => d.status === 'delivered' && d.attempts === 1)).toBe(true);
        const delivered = await ok(
          api('GET', `/v1/orgs/${buyer.orgId}/audit?action=deliveries.delivered&limit=200`, buyer.token),
          200,
        );
        expect(delivered.items.map((e: { targetId: string }) => e.targetId).sort()).toEqual(
          rows.map((d) => d.id).sort(),
        );
        const files = await ok(api('GET', `/v1/orgs/${provider.orgId}/offers/${offerId}/files`, provider.token), 200);
        expect(files.total).toBe(3);
        // The scans that added them are the platform's, audited on the provider's side.
        const scans = await ok(
          api('GET', `/v1/orgs/${provider.orgId}/audit?action=offers.files.import&limit=200`, provider.token),
          200,
        );
        const added = scans.items.map((e: { reason: string }) => Number(/: (\d+) added/.exec(e.reason)?.[1]));
        expect(added.reduce((sum: number, n: number) => sum + n, 0)).toBe(3);
        expect(scans.items.every((e: { principalType: string }) => e.principalType === 'platform')).toBe(true);
        // The buyer's change feed lists the three files in order; the provider cannot read the buyer's deliveries.
        const feed = await ok(
          api('GET', `/v1/orgs/${buyer.orgId}/acquisitions/${acquisitionId}/files?after=0`, buyer.token),
          200,
        );
        expect(feed.items.map((f: { name: string }) => f.name)).toEqual([
          'eod-2026-12-04.csv',
          'ticks-2026-12-05.bin',
          'eod-2026-12-06.csv',
        ]);
        const peek = await api(
          'GET',
          `/v1/orgs/${buyer.orgId}/acquisitions/${acquisitionId}/deliveries`,
          provider.token,
        );
        expect(peek.status).toBe(404);
        const month = deliveredAt('').slice(0, -1);
        const names = await namesUnder(s3, month);
        const conflictName = rows.find((d) => d.conflict)!.path!.slice(month.length + 1);
        expect(names).toEqual(
          [
            'eod-2026-12-04.csv',
            'eod-2026-12-04.csv.ferry-receipt.json',
            'eod-2026-12-06.csv',
            conflictName,
            `${conflictName}.ferry-receipt.json`,
            'ticks-2026-12-05.bin',
            'ticks-2026-12-05.bin.ferry-receipt.json',
          ].sort(),
        );
        expect(await namesUnder(s3, '')).toEqual(names.map((name) => `${month}/${name}`));
      }, 30_000);

      it.skipIf(!rcloneHere.available)(
        'rclone, an outsider, reads the same files and hashes from the bucket',
        async () => {
          const rows = await deliveriesOf(api, buyer, acquisitionId);
          const env = {
            ...process.env,
            AWS_CA_BUNDLE: undefined, // rclone's S3 backend fails at start when it is set (TESTBED.md)
            RCLONE_CONFIG: '/dev/null',
            RCLONE_CONFIG_SW_TYPE: 's3',
            RCLONE_CONFIG_SW_PROVIDER: 'Other',
            RCLONE_CONFIG_SW_ACCESS_KEY_ID: swiftServer!.accessKeyId,
            RCLONE_CONFIG_SW_SECRET_ACCESS_KEY: swiftServer!.secretAccessKey,
            RCLONE_CONFIG_SW_ENDPOINT: swiftServer!.endpoint,
            RCLONE_CONFIG_SW_FORCE_PATH_STYLE: 'true',
            RCLONE_CONFIG_SW_REGION: 'us-east-1',
          };
          const run = spawnSync(RCLONE, ['--retries', '1', 'hashsum', 'SHA256', '--download', `sw:${bucket}`], {
            env,
            encoding: 'utf8',
          });
          expect(run.status, run.stderr).toBe(0);
          const seen = new Map(
            run.stdout
              .trim()
              .split('\n')
              .map((line) => [line.slice(66), line.slice(0, 64)] as const),
          );
          for (const row of rows) {
            expect(seen.get(row.path!), row.path!).toBe(row.file.sha256);
            const receipt = JSON.parse((await readAll(s3, row.receiptPath!)).toString('utf8'));
            expect(seen.get(row.path!)).toBe(receipt.sha256);
          }
          // Each file and its receipt, and the buyer's own file the conflict copy stands beside; nothing else.
          expect(seen.size).toBe(rows.length * 2 + 1);
        },
        60_000,
      );
    },
    () => ({ jobs: { pollingIntervalSeconds: 0.5 }, deliveries: { retryDelaySeconds: 1 } }),
  );
});
