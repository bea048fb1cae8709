import { randomBytes } from 'node:crypto';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { BlobServiceClient } from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AzureBlobDriver } from '../../../connectors/azure-blob/azure-blob-driver';
import { isConnectorError } from '../../../connectors/connector-error';
import { type Driver } from '../../../connectors/driver';
import { GcsDriver } from '../../../connectors/gcs/gcs-driver';
import { type RangedReadTuning } from '../../../connectors/object-store/parallel-ranged-read';
import { S3Driver } from '../../../connectors/s3/s3-driver';
import { type LoggedRequest, type RequestLogProxy, startRequestLogProxy } from '../../kit/request-log-proxy';
import { swiftS3Options } from '../../kit/server-options';
import { readAll, streamOf } from '../../kit/test-streams';
import { azuriteAvailability, startAzurite } from '../../servers/azurite-server';
import { startGcsFake } from '../../servers/gcs-fake/gcs-fake-server';
import { createServiceAccount } from '../../servers/gcs-fake/service-account';
import { startSwift, swiftAvailability } from '../../servers/swift-server';

const MiB = 1024 * 1024;
// Lowered from the defaults so a few MiB show the split: ranges of 1 MiB, three at once, from 2 MiB.
const TUNING: RangedReadTuning = { cutoff: 2 * MiB, chunkSize: 1 * MiB, streams: 3 };
const SIZE = 6 * MiB + 4321;
// Ranges sent together are seen together even on a loaded machine: the proxy holds one until a second arrives.
const HOLD = { holdRangesUntil: 2, holdMs: 300 };

/** A store behind a request-logging proxy, with a driver reading through it. */
interface Store {
  readonly driver: Driver;
  readonly proxy: RequestLogProxy;
  /** Whether a request is a GET of the object's bytes (not metadata). */
  readonly isBodyGet: (request: LoggedRequest, name: string) => boolean;
  /** Whether the first GET of a split read is the plain one that tells the size (S3, Azure) or already ranged. */
  readonly firstGetIsPlain: boolean;
  /** How a read fails when the object is replaced meanwhile: Conflict (ETag), or NotFound (GCS generation gone). */
  readonly replacedCode: 'Conflict' | 'NotFound';
  stop(): Promise<void>;
}

/** Runs `setup` on a started server, stopping the server when setup fails (afterAll never sees a half-built store). */
async function settingUp<T>(stop: () => Promise<void>, setup: () => Promise<T>): Promise<T> {
  try {
    return await setup();
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The store a test reads through: the driver and proxy are closed, then the server stopped. */
function storeOf(
  driver: Driver,
  proxy: RequestLogProxy,
  stopServer: () => Promise<void>,
  how: Pick<Store, 'isBodyGet' | 'firstGetIsPlain' | 'replacedCode'>,
): Store {
  return {
    driver,
    proxy,
    ...how,
    stop: async () => {
      await driver.close();
      await proxy.stop();
      await stopServer();
    },
  };
}

const swift = swiftAvailability();
const azurite = azuriteAvailability();

const stores: Record<string, { readonly skip: boolean; readonly start: () => Promise<Store> }> = {
  's3 (Swift s3api)': {
    skip: !swift.available,
    start: async () => {
      const server = await startSwift();
      return settingUp(
        () => server.stop(),
        async () => {
          const url = new URL(server.endpoint);
          const proxy = await startRequestLogProxy({ host: url.hostname, port: Number(url.port) }, HOLD);
          const driver = new S3Driver(
            swiftS3Options(server, 'ranged', { endpoint: proxy.origin }),
            {},
            { rangedRead: TUNING },
          );
          await driver.client.send(new CreateBucketCommand({ Bucket: 'ranged' }));
          return storeOf(driver, proxy, () => server.stop(), {
            isBodyGet: (r, name) => r.method === 'GET' && r.url.startsWith(`/ranged/${name}`),
            firstGetIsPlain: true,
            replacedCode: 'Conflict',
          });
        },
      );
    },
  },
  'azure-blob (Azurite)': {
    skip: !azurite.available,
    start: async () => {
      const server = await startAzurite();
      return settingUp(
        () => server.stop(),
        async () => {
          await BlobServiceClient.fromConnectionString(server.connectionString).createContainer('ranged');
          const url = new URL(server.accountUrl);
          const proxy = await startRequestLogProxy({ host: url.hostname, port: Number(url.port) }, HOLD);
          const driver = new AzureBlobDriver(
            {
              auth: 'connectionString',
              connectionString: server.connectionString.replace(`:${url.port}/`, `:${proxy.port}/`),
              container: 'ranged',
              prefix: '',
              blockSizeMiB: 4,
              uploadConcurrency: 2,
            },
            {},
            { rangedRead: TUNING },
          );
          return storeOf(driver, proxy, () => server.stop(), {
            isBodyGet: (r, name) => r.method === 'GET' && r.url.split('?')[0]!.endsWith(`/ranged/${name}`),
            firstGetIsPlain: true,
            replacedCode: 'Conflict',
          });
        },
      );
    },
  },
  'gcs (JSON API fake)': {
    skip: false,
    start: async () => {
      const account = createServiceAccount();
      const fake = await startGcsFake([account]);
      return settingUp(
        () => fake.stop(),
        async () => {
          fake.createBucket('ranged');
          const url = new URL(fake.endpoint);
          const proxy = await startRequestLogProxy({ host: url.hostname, port: Number(url.port) }, HOLD);
          const driver = new GcsDriver(
            {
              bucket: 'ranged',
              prefix: '',
              serviceAccountJson: account.json,
              apiEndpoint: proxy.origin,
              simpleUploadThresholdMiB: 8,
              chunkSizeMiB: 8,
            },
            {},
            { rangedRead: TUNING },
          );
          return storeOf(driver, proxy, () => fake.stop(), {
            isBodyGet: (r, name) => r.method === 'GET' && r.url.includes(`/o/${name}`) && r.url.includes('alt=media'),
            firstGetIsPlain: false,
            replacedCode: 'NotFound',
          });
        },
      );
    },
  },
};

for (const [label, { skip, start }] of Object.entries(stores)) {
  describe.skipIf(skip)(`${label}: large reads as parallel ranged GETs`, () => {
    let store: Store;
    const data = randomBytes(SIZE);
    const small = randomBytes(MiB + 5);

    beforeAll(async () => {
      store = await start();
      await store.driver.write('big.bin', streamOf(data), { size: data.length });
      await store.driver.write('small.bin', streamOf(small), { size: small.length });
    }, 60_000);
    afterAll(async () => store?.stop());

    const bodyGets = (name: string): LoggedRequest[] =>
      store.proxy.requests.filter((request) => store.isBodyGet(request, name));

    it('reads a file above the cutoff back byte for byte through several ranged GETs, some at once', async () => {
      store.proxy.requests.length = 0;
      store.proxy.concurrency.max = 0;
      const bytes = await readAll(await store.driver.read('big.bin'));
      expect(bytes.equals(data)).toBe(true);
      const gets = bodyGets('big.bin');
      // 7 ranges of 1 MiB (the last one short): the first from the response that told the size, when there is one.
      expect(gets).toHaveLength(7);
      // Ranges sent together may reach the server in any order (each on its own new connection).
      const start = (range: string | undefined): number => Number(/^bytes=(\d+)-/.exec(range ?? '')?.[1] ?? -1);
      const ranges = gets
        .slice(store.firstGetIsPlain ? 1 : 0)
        .map((g) => g.range)
        .sort((a, b) => start(a) - start(b));
      const expected = Array.from({ length: 7 }, (_, i) => `bytes=${i * MiB}-${Math.min(SIZE, (i + 1) * MiB) - 1}`);
      expect(ranges).toEqual(expected.slice(store.firstGetIsPlain ? 1 : 0));
      if (store.firstGetIsPlain) expect(gets[0]!.range).toBeUndefined();
      expect(store.proxy.concurrency.max).toBeGreaterThanOrEqual(2);
    });

    it('splits a ranged read from an offset too', async () => {
      store.proxy.requests.length = 0;
      const offset = 1234567;
      const bytes = await readAll(await store.driver.read('big.bin', { range: { offset } }));
      expect(bytes.equals(data.subarray(offset))).toBe(true);
      expect(bodyGets('big.bin').length).toBeGreaterThanOrEqual(5);
    });

    it('reads a file below the cutoff in one GET', async () => {
      store.proxy.requests.length = 0;
      const bytes = await readAll(await store.driver.read('small.bin'));
      expect(bytes.equals(small)).toBe(true);
      expect(bodyGets('small.bin')).toHaveLength(1);
    });

    it('fails, never mixing two versions, when the object is replaced during the read', async () => {
      const stream = await store.driver.read('big.bin');
      // The first ranges are in flight; the later ones start only once the consumer has taken the first.
      await store.driver.write('big.bin', streamOf(randomBytes(SIZE)), { size: SIZE });
      const error = await readAll(stream).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(isConnectorError(error, store.replacedCode), String(error)).toBe(true);
      await store.driver.write('big.bin', streamOf(data), { size: data.length });
    });
  });
}
