// Issue 12: the platform killed (-9) mid-delivery and restarted. platform/cli.ts runs as a real process on PostgreSQL
// (vault key file, offer files in a folder), the flow set up through its HTTP API: a 200 MiB file scanned in from the
// provider's SFTP folder is being delivered to the buyer's SFTP target (its hidden partial copy growing) when the
// process gets SIGKILL. Restarted on the same database and folders, the file ends up delivered exactly once,
// byte-exact, with one receipt, one delivery row, one audit entry, and no partial or staging name left at the target.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyFileStore } from '../../../platform/vault/key-file-store';
import { postgresAvailability, startPostgres, type PostgresServer } from '../../servers/postgres';
import { requireServer } from '../../servers/require-server';
import { SSHD_BINARY, startSshd, type SshdServer } from '../../servers/sshd-server';
import {
  deliveredFile,
  deliveriesOf,
  deliveryTarget,
  httpApi,
  makeSftpFolder,
  ok,
  publishedSubscription,
  putLargeSftpFile,
  scanUntilAdded,
  sftpConnector,
  subscribe,
  twoOrganisations,
  until,
  type Api,
} from './flow-kit';

const ROOT = path.resolve(__dirname, '../../..');
const SIZE = 200 * 1024 * 1024;

/** A running platform/cli.ts and what it printed. */
interface Cli {
  readonly url: string;
  readonly child: ChildProcess;
  output(): string;
}

/** Starts platform/cli.ts with `args` (no inherited FERRY_ or DATABASE_URL variables); resolved once listening. */
function startCli(args: readonly string[]): Promise<Cli> {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith('FERRY_') && name !== 'DATABASE_URL'),
  );
  const child = spawn(process.execPath, ['--import', 'tsx', 'platform/cli.ts', ...args], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => void (output = (output + chunk.toString('utf8')).slice(-20_000));
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail('did not print its listening line within 60 s'), 60_000);
    const onExit = (code: number | null, signal: string | null) => fail(`exited (${code ?? signal}) early`);
    const onData = () => {
      const listening = /Ferry platform listening on (http:\/\/\S+)/.exec(output);
      if (listening === null) return;
      clearTimeout(timer);
      child.off('exit', onExit);
      child.stdout!.off('data', onData);
      resolve({ url: listening[1]!, child, output: () => output });
    };
    const fail = (why: string) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`platform/cli.ts ${why}\n${output}`));
    };
    child.once('exit', onExit);
    child.stdout!.on('data', onData);
  });
}

/** The delivery queue's jobs in pg-boss (state, retries, expiry), for a failure's message. */
async function deliveryJobs(databaseUrl: string): Promise<string> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query(
      `select state, retry_count, expire_seconds, started_on from pgboss.job where name = 'delivery' order by created_on`,
    );
    return JSON.stringify(rows);
  } finally {
    await client.end();
  }
}

/** Ends the process with `signal` and waits for its exit. */
async function stopCli(cli: Cli | undefined, signal: NodeJS.Signals): Promise<void> {
  if (cli === undefined || cli.child.exitCode !== null || cli.child.signalCode !== null) return;
  const exited = new Promise((resolve) => cli.child.once('exit', resolve));
  cli.child.kill(signal);
  const timer = setTimeout(() => cli.child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

async function sha256OfFile(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

const sshdAvailable = requireServer('OpenSSH sshd', SSHD_BINARY, 'apt-get install openssh-server');
const postgres = postgresAvailability();

describe.skipIf(!sshdAvailable.available || !postgres.available)(
  'the platform killed (-9) mid-delivery, then restarted',
  () => {
    let pg: PostgresServer | undefined;
    let sshd: SshdServer | undefined;
    let cli: Cli | undefined;
    const folders: string[] = [];

    beforeAll(async () => {
      if (!postgres.available) return;
      [pg, sshd] = await Promise.all([startPostgres(postgres.bin), startSshd()]);
    }, 60_000);

    afterAll(async () => {
      await stopCli(cli, 'SIGKILL');
      await Promise.all([pg?.stop(), sshd?.dispose()]);
      for (const folder of folders) rmSync(folder, { recursive: true, force: true });
    });

    it('delivers the file exactly once, byte-exact, nothing partial left at the target', async () => {
      const started = Date.now();
      // Each phase's time, printed: the run's budget is shared by a loaded machine.
      const step = (what: string) => console.info(`[kill-mid-delivery] ${Date.now() - started} ms: ${what}`);
      const work = mkdtempSync(path.join(tmpdir(), 'ferry-kill-delivery-'));
      folders.push(work);
      const keyFile = path.join(work, 'vault-keys.json');
      keyFileStore(keyFile).load();
      const databaseUrl = await pg!.createDatabase();
      const args = [
        '--database-url',
        databaseUrl,
        '--port',
        '0',
        '--vault-key-file',
        keyFile,
        '--offer-files',
        path.join(work, 'offer-files'),
        '--log-level',
        'warn',
      ];
      cli = await startCli(args);
      step('platform started');
      let api: Api = httpApi(cli.url);
      const { provider, buyer } = await twoOrganisations(api);
      const sourceId = await sftpConnector(api, provider, sshd!, 'Partner SFTP');
      makeSftpFolder(sshd!, 'outbox');
      makeSftpFolder(sshd!, 'inbox');
      const offerId = await publishedSubscription(api, provider, sourceId, 'outbox', 'Ticks');
      const acquisitionId = await subscribe(api, buyer, offerId);
      const targetConnector = await sftpConnector(api, buyer, sshd!, 'Buyer SFTP');
      await deliveryTarget(api, buyer, acquisitionId, {
        connectorId: targetConnector,
        folder: 'inbox',
        namingPattern: '{name}',
      });

      step('organisations, connectors, offer, acquisition and target made');
      const sha256 = await putLargeSftpFile(sshd!, 'outbox/ticks.bin', SIZE);
      const file = await scanUntilAdded(api, provider, offerId, 'ticks.bin', sha256, 120_000);
      expect(file.size).toBe(SIZE);
      step('200 MiB written to the SFTP folder and scanned in');

      // Mid-delivery: a hidden copy at the target holds part of the bytes, the final name nothing yet.
      const inbox = path.join(sshd!.root, 'inbox');
      const partial = await until(
        'a partial copy growing at the target',
        async () => {
          for (const name of readdirSync(inbox)) {
            if (!name.startsWith('.ferry-')) continue;
            const size = statSync(path.join(inbox, name), { throwIfNoEntry: false })?.size ?? 0;
            if (size > 8 * 1024 * 1024 && size < SIZE) return { name, size };
          }
          return undefined;
        },
        60_000,
        10,
      );
      await stopCli(cli, 'SIGKILL');
      step(`killed with ${partial.size} bytes in ${partial.name}`);
      expect(existsSync(path.join(inbox, 'ticks.bin'))).toBe(false);
      const left = readdirSync(inbox);
      expect(left.some((name) => name.startsWith('.ferry-'))).toBe(true);

      cli = await startCli(args);
      step('restarted');
      api = httpApi(cli.url);
      const rows = await deliveriesOf(api, buyer, acquisitionId);
      expect(rows, 'one delivery row after the restart').toHaveLength(1);
      const before = rows[0]!;
      expect(before.attempts).toBeGreaterThanOrEqual(1);
      const delivered = await deliveredFile(api, buyer, acquisitionId, file.id, 150_000).catch(
        async (error: unknown) => {
          throw new Error(
            `after the restart the delivery never completed (killed with ${partial.size} of ${SIZE} bytes in ` +
              `${partial.name}); its row: ${JSON.stringify(before)}; the target holds ${readdirSync(inbox).join(', ')}; the delivery jobs: ` +
              `${await deliveryJobs(databaseUrl)}\n` +
              String(error),
          );
        },
      );
      step('delivered');
      expect(delivered).toMatchObject({ path: 'inbox/ticks.bin', conflict: false, status: 'delivered' });
      expect(await sha256OfFile(path.join(inbox, 'ticks.bin'))).toBe(sha256);
      expect(readdirSync(inbox).sort()).toEqual(['ticks.bin', 'ticks.bin.ferry-receipt.json']);
      const receipt = JSON.parse(readFileSync(path.join(inbox, 'ticks.bin.ferry-receipt.json'), 'utf8'));
      expect(receipt).toMatchObject({ path: 'inbox/ticks.bin', size: SIZE, sha256, deliveryId: delivered.id });
      expect(await deliveriesOf(api, buyer, acquisitionId)).toHaveLength(1);
      const audit = await ok(
        api('GET', `/v1/orgs/${buyer.orgId}/audit?action=deliveries.delivered&limit=50`, buyer.token),
        200,
      );
      expect(audit.items.map((e: { targetId: string }) => e.targetId)).toEqual([delivered.id]);
      await stopCli(cli, 'SIGTERM');
    }, 240_000);
  },
);
