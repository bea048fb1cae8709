import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import {
  BlobServiceClient,
  type ContainerClient,
  ContainerSASPermissions,
  generateBlobSASQueryParameters,
  StorageSharedKeyCredential,
} from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AzureBlobDriver } from '../../../connectors/azure-blob/azure-blob-driver';
import { ConnectorError } from '../../../connectors/connector-error';
import { MemoryResumeStateStore, type UploadPartEvent } from '../../../connectors/resume-state-store';
import { type AzureBlobOptions } from '../../../shared/connectors/azure-blob-descriptor';
import { readAll, streamOf } from '../../kit/test-streams';
import { AZURITE_ACCOUNT, azuriteAvailability, startAzurite, type AzuriteServer } from '../../servers/azurite-server';

const azurite = azuriteAvailability();
const MiB = 1024 * 1024;

async function failure(promise: Promise<unknown>): Promise<ConnectorError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConnectorError);
  return error as ConnectorError;
}

describe.skipIf(!azurite.available)('azure-blob on Azurite: SAS, sign-in methods, MD5, resumable blocks', () => {
  let server: AzuriteServer;
  let container: ContainerClient;
  const base = { prefix: '', blockSizeMiB: 1, uploadConcurrency: 2 } as const;

  function sasUrl(permissions: string, expiresOn: Date): string {
    const token = generateBlobSASQueryParameters(
      { containerName: 'data', permissions: ContainerSASPermissions.parse(permissions), expiresOn },
      new StorageSharedKeyCredential(AZURITE_ACCOUNT.name, AZURITE_ACCOUNT.key),
    ).toString();
    return `${server.accountUrl}/data?${token}`;
  }

  beforeAll(async () => {
    server = await startAzurite();
    container = (await BlobServiceClient.fromConnectionString(server.connectionString).createContainer('data'))
      .containerClient;
    await container.getBlockBlobClient('present.txt').upload('hello', 5);
  });
  afterAll(async () => server?.stop());

  it('exposes the SAS expiry and names the missing SAS permissions', async () => {
    const expires = new Date(Math.floor(Date.now() / 1000 + 3600) * 1000);
    const driver = new AzureBlobDriver({ ...base, auth: 'sas', sasUrl: sasUrl('rl', expires) });
    expect(driver.sasExpiresAt?.toISOString()).toBe(expires.toISOString());
    expect((await readAll(await driver.read('present.txt'))).toString()).toBe('hello');

    expect((await driver.check()).ok).toBe(true);
    const report = await driver.check({ write: true });
    const auth = report.steps.find((s) => s.id === 'authenticate')!;
    expect(auth.status).toBe('failed');
    expect(auth.detail).toMatch(/lacks the permissions w \(write\), d \(delete\)/);

    const denied = await failure(driver.write('new.txt', streamOf('x')));
    expect(denied.code).toBe('PermissionDenied');
    expect(denied.message).toMatch(/lacks the w \(write\) permission/);
  });

  it('refuses an expired SAS as AuthFailed', async () => {
    const driver = new AzureBlobDriver({ ...base, auth: 'sas', sasUrl: sasUrl('rl', new Date(Date.now() - 60_000)) });
    const report = await driver.check();
    expect(report.steps.find((s) => s.id === 'authenticate')?.detail).toMatch(/^The SAS expired/);
    const error = await failure(driver.list(''));
    expect(error.code).toBe('AuthFailed');
    expect(error.message).toMatch(/SAS expired on/);
  });

  it('signs in with an account key and with a connection string; a wrong key is AuthFailed', async () => {
    const byKey: AzureBlobOptions = {
      ...base,
      auth: 'accountKey',
      accountUrl: server.accountUrl,
      accountName: AZURITE_ACCOUNT.name,
      accountKey: AZURITE_ACCOUNT.key,
      container: 'data',
    };
    const byString: AzureBlobOptions = {
      ...base,
      auth: 'connectionString',
      connectionString: server.connectionString,
      container: 'data',
    };
    for (const options of [byKey, byString]) {
      const driver = new AzureBlobDriver(options);
      expect((await driver.check({ write: true })).ok).toBe(true);
    }
    const wrong = new AzureBlobDriver({ ...byKey, accountKey: Buffer.from('not the key').toString('base64') });
    const error = await failure(wrong.list(''));
    expect(error.code).toBe('AuthFailed');
    expect(error.message).toMatch(/account key is wrong/);
  });

  it('fails a whole-blob read whose bytes do not match the stored MD5', async () => {
    const wrongMd5 = createHash('md5').update('something else').digest();
    const tampered = container.getBlockBlobClient('tampered.bin');
    await tampered.upload('actual content', 14);
    await tampered.setHTTPHeaders({ blobContentMD5: wrongMd5 });
    const driver = new AzureBlobDriver({
      ...base,
      auth: 'connectionString',
      connectionString: server.connectionString,
      container: 'data',
    });
    expect((await failure(readAll(await driver.read('tampered.bin')))).code).toBe('Integrity');
    // A range cannot be checked against the whole blob's MD5 and reads fine.
    expect((await readAll(await driver.read('tampered.bin', { range: { offset: 0, length: 6 } }))).toString()).toBe(
      'actual',
    );
  });

  it('resumes an interrupted staged upload, staging only the missing blocks', async () => {
    const data = randomBytes(24 * MiB);
    const source = (): Readable => Readable.from([data.subarray(0, 10 * MiB), data.subarray(10 * MiB)]);
    const store = new MemoryResumeStateStore();
    const controller = new AbortController();
    const options: AzureBlobOptions = {
      ...base,
      auth: 'connectionString',
      connectionString: server.connectionString,
      container: 'data',
    };
    let uploaded = 0;
    const first = new AzureBlobDriver(
      options,
      {},
      {
        resumeStore: store,
        onPart: (event) => {
          if (event.kind === 'uploaded' && ++uploaded === 8) controller.abort();
        },
      },
    );
    expect(
      (await failure(first.write('big.bin', source(), { size: data.length, signal: controller.signal }))).code,
    ).toBe('Cancelled');
    expect(store.states.size).toBe(1);
    const staged = (await container.getBlockBlobClient('big.bin').getBlockList('uncommitted')).uncommittedBlocks ?? [];
    expect(staged.length).toBeGreaterThanOrEqual(8);

    const events: UploadPartEvent[] = [];
    const second = new AzureBlobDriver(options, {}, { resumeStore: store, onPart: (event) => events.push(event) });
    const result = await second.write('big.bin', source(), { size: data.length, hashes: ['md5'] });
    const skipped = events.filter((e) => e.kind === 'skipped').length;
    expect(skipped).toBe(staged.length);
    expect(events.filter((e) => e.kind === 'uploaded').length).toBe(24 - staged.length);
    expect(store.states.size).toBe(0);
    const md5 = createHash('md5').update(data).digest('hex');
    expect(result.hashes.md5).toBe(md5);
    expect(await second.hash('big.bin', 'md5')).toBe(md5);
    expect((await readAll(await second.read('big.bin'))).equals(data)).toBe(true);
  });
});
