/**
 * Benchmark (not part of vitest): 2,000 files of 100 KiB (FERRY_BENCH_SMALL_FILES sets the count) up to and down from
 * each real server through the transfer engine (copyTree, 4 at once, verified), next to rclone `--transfers 4` on the
 * same servers. Files per second and the ratio; nothing asserted.
 * Run alone: npx tsx tests/bench/many-small-files.ts
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import {
  BlobServiceClient,
  ContainerSASPermissions,
  generateBlobSASQueryParameters,
  StorageSharedKeyCredential,
} from '@azure/storage-blob';
import { AzureBlobDriver } from '../../connectors/azure-blob/azure-blob-driver';
import { type Driver } from '../../connectors/driver';
import { FtpsDriver } from '../../connectors/ftps/ftps-driver';
import { LocalDriver } from '../../connectors/local/local-driver';
import { S3Driver } from '../../connectors/s3/s3-driver';
import { SftpDriver } from '../../connectors/sftp/sftp-driver';
import { copyTree } from '../../connectors/transfer/copy-tree';
import { sshdSftpOptions, swiftS3Options, vsftpdFtpsOptions } from '../kit/server-options';
import { AZURITE_ACCOUNT, startAzurite } from '../servers/azurite-server';
import { startSshd } from '../servers/sshd-server';
import { startSwift } from '../servers/swift-server';
import { startVsftpd } from '../servers/vsftpd-server';
import {
  formatScaleTable,
  RCLONE,
  rcloneEnv,
  runPeer,
  type ScaleRow,
  unencryptedKey,
  withBenchSetup,
} from './bench-kit';

const SIZE = 100 * 1024;

function fileCount(): number {
  const count = Number(process.env.FERRY_BENCH_SMALL_FILES ?? 2000);
  if (!Number.isInteger(count) || count < 1) throw new Error('FERRY_BENCH_SMALL_FILES must be a whole number >= 1');
  return count;
}

interface Store {
  readonly name: string;
  readonly driver: Driver;
  readonly rcloneEnv: Readonly<Record<string, string | undefined>>;
  /** rclone's path of a folder on the store. */
  readonly rcloneFolder: (folder: string) => string;
}

async function timed(run: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await run();
  return (performance.now() - started) / 1000;
}

async function measureStore(dir: string, count: number, store: Store): Promise<ScaleRow[]> {
  const local = new LocalDriver({ root: dir });
  const rate = (seconds: number): string => `${(count / seconds).toFixed(0)} files/s`;
  try {
    const ferryUp = await timed(async () => {
      const result = await copyTree(
        { driver: local, path: 'small' },
        { driver: store.driver, path: 'ferry' },
        { concurrency: 4 },
      );
      if (result.failed.length > 0)
        throw new Error(`Ferry: ${result.failed.length} uploads failed: ${result.failed[0]!.error.message}`);
    });
    const ferryDown = await timed(async () => {
      const result = await copyTree(
        { driver: store.driver, path: 'ferry' },
        { driver: local, path: 'ferry-down' },
        { concurrency: 4 },
      );
      if (result.failed.length > 0) throw new Error(`Ferry: ${result.failed.length} downloads failed`);
    });
    const rclone = (args: readonly string[]): Promise<void> =>
      runPeer(RCLONE, ['--transfers', '4', '--checkers', '8', '--retries', '1', ...args], { env: store.rcloneEnv });
    const peerUp = await timed(() => rclone(['copy', join(dir, 'small'), store.rcloneFolder('rclone')]));
    const peerDown = await timed(() => rclone(['copy', store.rcloneFolder('rclone'), join(dir, 'rclone-down')]));
    const listed = spawnSync('find', [join(dir, 'rclone-down'), '-type', 'f'], { encoding: 'utf8' })
      .stdout.trim()
      .split('\n');
    if (listed.length !== count) throw new Error(`rclone brought back ${listed.length} of ${count} files`);
    return [
      {
        what: `${store.name} upload`,
        ferry: rate(ferryUp),
        peer: rate(peerUp),
        note: `Ferry/rclone ${(peerUp / ferryUp).toFixed(2)}`,
      },
      {
        what: `${store.name} download`,
        ferry: rate(ferryDown),
        peer: rate(peerDown),
        note: `Ferry/rclone ${(peerDown / ferryDown).toFixed(2)}`,
      },
    ];
  } finally {
    await local.close();
    await store.driver.close();
    for (const folder of ['ferry-down', 'rclone-down']) rmSync(join(dir, folder), { recursive: true, force: true });
  }
}

/** Many small files on OpenSSH, vsftpd, Swift and Azurite, Ferry next to rclone. */
export async function benchManySmallFiles(dir: string): Promise<readonly ScaleRow[]> {
  const count = fileCount();
  mkdirSync(join(dir, 'small'), { recursive: true });
  for (let i = 0; i < count; i++)
    writeFileSync(join(dir, 'small', `f-${String(i).padStart(5, '0')}.bin`), randomBytes(SIZE));
  const rows: ScaleRow[] = [];

  const sshd = await startSshd();
  try {
    const key = unencryptedKey(sshd, dir);
    rows.push(
      ...(await measureStore(dir, count, {
        name: 'SFTP (OpenSSH)',
        driver: new SftpDriver(sshdSftpOptions(sshd)),
        rcloneEnv: rcloneEnv({
          RCLONE_CONFIG_SF_TYPE: 'sftp',
          RCLONE_CONFIG_SF_HOST: sshd.host,
          RCLONE_CONFIG_SF_PORT: `${sshd.port}`,
          RCLONE_CONFIG_SF_USER: sshd.user.name,
          RCLONE_CONFIG_SF_KEY_FILE: key,
        }),
        rcloneFolder: (folder) => `sf:${sshd.root}/${folder}`,
      })),
    );
  } finally {
    await sshd.dispose();
  }

  const vsftpd = await startVsftpd({ tls: 'explicit' });
  try {
    const ca = join(dir, 'ftps-ca.pem');
    writeFileSync(ca, vsftpd.certificate.caPem);
    const obscured = spawnSync(RCLONE, ['obscure', '-'], {
      input: vsftpd.user.password,
      encoding: 'utf8',
    }).stdout.trim();
    rows.push(
      ...(await measureStore(dir, count, {
        name: 'FTPS (vsftpd)',
        driver: new FtpsDriver(vsftpdFtpsOptions(vsftpd)),
        rcloneEnv: rcloneEnv({
          RCLONE_CONFIG_FT_TYPE: 'ftp',
          RCLONE_CONFIG_FT_HOST: vsftpd.host,
          RCLONE_CONFIG_FT_PORT: `${vsftpd.port}`,
          RCLONE_CONFIG_FT_USER: vsftpd.user.name,
          RCLONE_CONFIG_FT_PASS: obscured,
          RCLONE_CONFIG_FT_EXPLICIT_TLS: 'true',
          RCLONE_CONFIG_FT_DISABLE_TLS13: 'true',
          SSL_CERT_FILE: ca,
        }),
        rcloneFolder: (folder) => `ft:${folder}`,
      })),
    );
  } finally {
    await vsftpd.dispose();
  }

  const swift = await startSwift();
  try {
    const driver = new S3Driver(swiftS3Options(swift, 'small'));
    await driver.client.send(new CreateBucketCommand({ Bucket: 'small' }));
    rows.push(
      ...(await measureStore(dir, count, {
        name: 'S3 (Swift s3api)',
        driver,
        rcloneEnv: rcloneEnv({
          RCLONE_CONFIG_SW_TYPE: 's3',
          RCLONE_CONFIG_SW_PROVIDER: 'Other',
          RCLONE_CONFIG_SW_ACCESS_KEY_ID: swift.accessKeyId,
          RCLONE_CONFIG_SW_SECRET_ACCESS_KEY: swift.secretAccessKey,
          RCLONE_CONFIG_SW_ENDPOINT: swift.endpoint,
          RCLONE_CONFIG_SW_FORCE_PATH_STYLE: 'true',
          RCLONE_CONFIG_SW_REGION: 'us-east-1',
        }),
        rcloneFolder: (folder) => `sw:small/${folder}`,
      })),
    );
  } finally {
    await swift.stop();
  }

  const azurite = await startAzurite();
  try {
    await BlobServiceClient.fromConnectionString(azurite.connectionString).createContainer('small');
    const sas = generateBlobSASQueryParameters(
      {
        containerName: 'small',
        permissions: ContainerSASPermissions.parse('racwdl'),
        expiresOn: new Date(Date.now() + 3600_000),
      },
      new StorageSharedKeyCredential(AZURITE_ACCOUNT.name, AZURITE_ACCOUNT.key),
    ).toString();
    rows.push(
      ...(await measureStore(dir, count, {
        name: 'Azure Blob (Azurite)',
        driver: new AzureBlobDriver({
          auth: 'connectionString',
          connectionString: azurite.connectionString,
          container: 'small',
          prefix: '',
          blockSizeMiB: 8,
          uploadConcurrency: 4,
        }),
        rcloneEnv: rcloneEnv({
          RCLONE_CONFIG_AZ_TYPE: 'azureblob',
          RCLONE_CONFIG_AZ_SAS_URL: `${azurite.accountUrl}/small?${sas}`,
        }),
        rcloneFolder: (folder) => `az:small/${folder}`,
      })),
    );
  } finally {
    await azurite.stop();
  }
  return rows;
}

/** The table's title: the conditions of the run. */
export function smallFilesTitle(): string {
  return `${fileCount()} files of 100 KiB, 4 at once (Ferry: copyTree with verification; rclone --transfers 4), loopback. Not an assertion.`;
}

if (process.argv[1] !== undefined && basename(process.argv[1]) === basename(__filename)) {
  withBenchSetup(1, async (setup) => {
    console.log(formatScaleTable(smallFilesTitle(), await benchManySmallFiles(setup.dir)));
  }).catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
