// Issue 12 point 6, imports and deliveries: two platform instances (each with its job workers) on one PostgreSQL
// keep offer files in one Swift bucket. The flow is driven through both instances' APIs in turn; scans are asked of
// both at once. Each import and each scan runs once between them (every source file joins the offer once, each run
// audited once), and each file is delivered once to the buyer's bucket (one delivery row, one run, one object and
// one receipt, one audit entry per file).
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3Driver } from '../../../connectors/s3/s3-driver';
import { buildApp } from '../../../platform/build-app';
import { ConnectorUsages } from '../../../platform/connectors/connector-usages';
import { openOrgConnector } from '../../../platform/connectors/open-org-connector';
import { openDatabase, type OpenDatabase } from '../../../platform/db/open-database';
import type { PlatformContext } from '../../../platform/platform-context';
import { ManagedKeyProvider, memoryKeyStore } from '../../../platform/vault/managed-key-provider';
import { VaultService } from '../../../platform/vault/vault-service';
import { swiftS3Options } from '../../kit/server-options';
import { postgresAvailability, startPostgres, type PostgresServer } from '../../servers/postgres';
import { requireServer } from '../../servers/require-server';
import { SSHD_BINARY, startSshd, type SshdServer } from '../../servers/sshd-server';
import { startSwift, swiftAvailability, type SwiftServer } from '../../servers/swift-server';
import {
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
  sftpConnector,
  sha256,
  subscribe,
  twoOrganisations,
  until,
  type Api,
} from './flow-kit';

const postgres = postgresAvailability();
const swift = swiftAvailability();
const sshdAvailable = requireServer('OpenSSH sshd', SSHD_BINARY, 'apt-get install openssh-server');

describe.skipIf(!postgres.available || !swift.available || !sshdAvailable.available)(
  'two instances on one PostgreSQL and one Swift bucket: each import and delivery runs once',
  () => {
    let pg: PostgresServer | undefined;
    let swiftServer: SwiftServer | undefined;
    let sshd: SshdServer | undefined;
    const databases: OpenDatabase[] = [];
    const apps: FastifyInstance[] = [];
    // Delivery runs that reached the buyer's storage, per instance.
    const runs = [0, 0];
    let buyerBucket: S3Driver | undefined;
    let offerBucket: S3Driver | undefined;

    beforeAll(async () => {
      if (!postgres.available) return;
      [pg, swiftServer, sshd] = await Promise.all([startPostgres(postgres.bin), startSwift(), startSshd()]);
      const offerOptions = swiftS3Options(swiftServer, 'offer-files', { prefix: 'ferry' });
      offerBucket = new S3Driver(offerOptions);
      buyerBucket = new S3Driver(swiftS3Options(swiftServer, 'buyer'));
      for (const bucket of ['offer-files', 'buyer'])
        await offerBucket.client.send(new CreateBucketCommand({ Bucket: bucket }));
      const url = await pg.createDatabase();
      // One vault key set for both, as FERRY_VAULT_KEY given to every instance.
      const keys = new ManagedKeyProvider(memoryKeyStore());
      for (const instance of [0, 1]) {
        const database = await openDatabase({ kind: 'postgres', url });
        databases.push(database);
        const ctx = {
          db: database.db,
          now: () => new Date(),
          vault: { kind: 'ready', service: new VaultService(database.db, keys) },
          localConnectors: false,
          connectorUsages: new ConnectorUsages(),
          outgoingAddresses: () => [],
        } as unknown as PlatformContext;
        apps.push(
          await buildApp({
            db: database.db,
            vault: keys,
            localConnectors: false,
            offerStorage: { kind: 's3', options: offerOptions },
            jobs: { pollingIntervalSeconds: 0.5 },
            authRateLimit: { max: 1000, timeWindowMs: 60_000 },
            deliveries: {
              retryDelaySeconds: 1,
              open: async (orgId, connectorId) => {
                runs[instance]! += 1;
                return openOrgConnector(ctx, orgId, connectorId);
              },
            },
          }),
        );
      }
    }, 120_000);

    afterAll(async () => {
      for (const app of apps) await app.close();
      for (const database of databases) await database.close();
      await Promise.all([buyerBucket?.close(), offerBucket?.close()]);
      await Promise.all([pg?.stop(), swiftServer?.stop(), sshd?.dispose()]);
    });

    it('imports, scans and deliveries asked of both instances each run once', async () => {
      const [a, b] = apps.map((app) => injectApi(app)) as [Api, Api];
      const { provider, buyer } = await twoOrganisations(a);
      const sourceId = await sftpConnector(b, provider, sshd!, 'Partner SFTP');
      makeSftpFolder(sshd!, 'feed');
      const offerId = await publishedSubscription(a, provider, sourceId, 'feed', 'Curves');
      const acquisitionId = await subscribe(b, buyer, offerId);
      const s3Id = await s3Connector(a, buyer, swiftServer!, 'buyer', 'Buyer bucket');
      await deliveryTarget(b, buyer, acquisitionId, { connectorId: s3Id, folder: 'in', namingPattern: '{path}' });
      const offer = `/v1/orgs/${provider.orgId}/offers/${offerId}`;
      const contents = new Map<string, Buffer>();

      // A manual import of a folder, asked of instance B.
      for (let i = 1; i <= 3; i++) {
        const bytes = randomBytes(200_000 + i);
        contents.set(`history/h${i}.bin`, bytes);
        putSftpFile(sshd!, `history/h${i}.bin`, bytes);
      }
      const imported = await ok(
        b('POST', `${offer}/imports`, provider.token, { connectorId: sourceId, paths: ['history'] }),
        202,
      );
      const ended = (api: Api, id: string) =>
        until(
          `import ${id}`,
          async () => {
            const run = await ok(api('GET', `${offer}/imports/${id}`, provider.token), 200);
            return run.status === 'succeeded' || run.status === 'failed' ? run : undefined;
          },
          90_000,
        );
      expect((await ended(a, imported.id)).added).toHaveLength(3);

      // New files in the source; scans asked of both instances at once, round after round, until all are in.
      for (let i = 1; i <= 6; i++) {
        const bytes = Buffer.from(`curve ${i}\n`.repeat(1000 * i));
        contents.set(`c${i}.csv`, bytes);
        putSftpFile(sshd!, `feed/c${i}.csv`, bytes);
      }
      const all = () => ok(a('GET', `${offer}/files?limit=200`, provider.token), 200);
      await until(
        'the scans to add the six files',
        async () => {
          if ((await all()).total === 9) return true;
          const asked = await Promise.all([a, b].map((api) => ok(api('POST', `${offer}/scan`, provider.token), 202)));
          for (const scan of asked) expect((await ended(a, scan.id)).status).toBe('succeeded');
          return undefined;
        },
        120_000,
        0,
      );

      // Every file joined once; each run that added files did so once and is audited once.
      const files = (await all()).items as Array<{ id: string; path: string; sha256: string }>;
      expect(files.map((f) => f.path).sort()).toEqual([...contents.keys()].sort());
      for (const file of files) expect(file.sha256).toBe(sha256(contents.get(file.path)!));
      const history = await ok(a('GET', `${offer}/imports?limit=200`, provider.token), 200);
      const runsAdding = (history.items as Array<{ id: string; status: string; added: unknown[] }>).filter(
        (run) => run.added.length > 0,
      );
      expect(runsAdding.flatMap((run) => run.added)).toHaveLength(9);
      const audited = await ok(
        b('GET', `/v1/orgs/${provider.orgId}/audit?action=offers.files.import&limit=200`, provider.token),
        200,
      );
      const auditedRuns = (audited.items as Array<{ reason: string }>).map((e) => /(imp_\w+)/.exec(e.reason)?.[1]);
      expect(auditedRuns.sort()).toEqual(runsAdding.map((run) => run.id).sort());
      // The offer's bytes live in the shared bucket (under its prefix), one object per file.
      expect(await namesUnder(offerBucket!, `offers/${offerId}`)).toHaveLength(9);

      // Each file delivered once between the two instances.
      const delivered = await until(
        'nine deliveries',
        async () => {
          const rows = await deliveriesOf(a, buyer, acquisitionId);
          return rows.length === 9 && rows.every((d) => d.status === 'delivered') ? rows : undefined;
        },
        90_000,
      );
      expect(delivered.every((d) => d.attempts === 1 && !d.conflict)).toBe(true);
      expect(runs[0]! + runs[1]!, `delivery runs per instance: ${runs.join(' + ')}`).toBe(9);
      console.info(`[scale-out-flow] delivery runs per instance: ${runs.join(' + ')}`);
      const names = [...contents.keys()];
      expect(await namesUnder(buyerBucket!, '')).toEqual(
        [...names.map((n) => `in/${n}`), ...names.map((n) => `in/${n}.ferry-receipt.json`)].sort(),
      );
      for (const [name, bytes] of contents)
        expect(sha256(await readAll(buyerBucket!, `in/${name}`))).toBe(sha256(bytes));
      const deliveryAudit = await ok(
        b('GET', `/v1/orgs/${buyer.orgId}/audit?action=deliveries.delivered&limit=200`, buyer.token),
        200,
      );
      expect(deliveryAudit.items.map((e: { targetId: string }) => e.targetId).sort()).toEqual(
        delivered.map((d) => d.id).sort(),
      );
    }, 240_000);
  },
);
