import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { BlobServiceClient } from '@azure/storage-blob';
import {
  ContainerSASPermissions,
  generateBlobSASQueryParameters,
  StorageSharedKeyCredential,
} from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasHash, hasMkdir, hasRename } from '../../../connectors/capabilities';
import { createDefaultRegistry } from '../../../connectors/default-registry';
import { type GuardedDriver } from '../../../connectors/guarded-driver';
import { AZURITE_ACCOUNT, azuriteAvailability, startAzurite, type AzuriteServer } from '../../servers/azurite-server';
import { startGcsFake, type GcsFake } from '../../servers/gcs-fake/gcs-fake-server';
import { createServiceAccount } from '../../servers/gcs-fake/service-account';
import { readAll } from '../../kit/test-streams';

// Azure Blob and Cloud Storage as the app and the CLI get them: from the default registry, whose drivers load their
// SDK on first use (connectors/lazy-driver.ts). S3 runs the whole conformance suite that way (s3-registry.test.ts).

const md5 = (data: Buffer): string => createHash('md5').update(data).digest('hex');

/** Writes, lists, stats, reads a range, hashes, checks and removes through the registry's driver. */
async function roundTrip(driver: GuardedDriver): Promise<void> {
  expect(hasHash(driver)).toBe(true);
  expect(hasRename(driver) || hasMkdir(driver)).toBe(false);
  const data = randomBytes(300_000);
  const written = await driver.write('lazy/one.bin', Readable.from([data]), { size: data.length, hashes: ['md5'] });
  expect(written).toMatchObject({ size: data.length, written: data.length, hashes: { md5: md5(data) } });
  expect((await driver.list('lazy')).entries.map((e) => e.name)).toEqual(['one.bin']);
  expect((await driver.stat('lazy/one.bin')).size).toBe(data.length);
  const range = await readAll(await driver.read('lazy/one.bin', { range: { offset: 10, length: 100 } }));
  expect(range.equals(data.subarray(10, 110))).toBe(true);
  expect(await driver.hash!('lazy/one.bin', 'md5')).toBe(md5(data));
  const report = await driver.check({ write: true });
  expect(report.steps.filter((step) => step.status === 'failed')).toEqual([]);
  await driver.remove('lazy/one.bin');
  expect((await driver.list('')).entries).toEqual([]);
  await driver.close();
}

describe('Azure Blob through the registry (Azurite)', () => {
  const azurite = azuriteAvailability();
  let server: AzuriteServer | undefined;

  beforeAll(async () => {
    if (!azurite.available) return;
    server = await startAzurite();
    await BlobServiceClient.fromConnectionString(server.connectionString).createContainer('lazy');
  });
  afterAll(async () => server?.stop());

  it.skipIf(!azurite.available)('loads the driver on first use and forwards every operation', async () => {
    const token = generateBlobSASQueryParameters(
      {
        containerName: 'lazy',
        permissions: ContainerSASPermissions.parse('rwdlc'),
        expiresOn: new Date(Date.now() + 3600_000),
      },
      new StorageSharedKeyCredential(AZURITE_ACCOUNT.name, AZURITE_ACCOUNT.key),
    ).toString();
    const driver = createDefaultRegistry().create({
      kind: 'azure-blob',
      options: { auth: 'sas', sasUrl: `${server!.accountUrl}/lazy?${token}`, prefix: 'root' },
    });
    await roundTrip(driver);
  });
});

describe('Cloud Storage through the registry (JSON API fake)', () => {
  const account = createServiceAccount();
  let fake: GcsFake | undefined;

  beforeAll(async () => {
    fake = await startGcsFake([account]);
    fake.createBucket('lazy');
  });
  afterAll(async () => fake?.stop());

  it('loads the driver on first use and forwards every operation', async () => {
    const driver = createDefaultRegistry().create({
      kind: 'gcs',
      options: { bucket: 'lazy', prefix: 'root', serviceAccountJson: account.json, apiEndpoint: fake!.endpoint },
    });
    await roundTrip(driver);
  });
});
