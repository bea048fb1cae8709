// Issue 13 end to end as users run it: two headless `ferry agent` processes and the real platform (listening, PGlite).
// The provider's agent publishes an OpenSSH SFTP folder to an agent-fed subscription; the buyer's agent delivers its
// acquisition into a local folder. Each agent is killed (-9) once mid-file (an upload, then a delivery) and started
// again: every file reaches the offer once and the buyer's folder once, byte for byte, with receipts and the
// platform's acknowledgements, nothing hidden left behind, and a further run sends nothing.
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lockDataFolder } from '../../../platform/db/data-folder-lock';
import { openDatabase, type OpenDatabase } from '../../../platform/db/open-database';
import { type FerryRun, startFerry } from '../../kit/ferry-process';
import { connectorEnv, sshdSftpOptions } from '../../kit/server-options';
import { httpApi, ok, twoOrganisations, type Api, type OrgSession } from '../../platform/flow/flow-kit';
import { listeningPlatform, type ListeningPlatform } from '../../platform/uploads/upload-kit';
import { requireServer } from '../../servers/require-server';
import { filesUnder, sha256 } from '../../unit/sync/sync-test-kit';
import { SSHD_BINARY, startSshd, type SshdServer } from '../../servers/sshd-server';

const sshdAvailable = requireServer('OpenSSH sshd', SSHD_BINARY, 'apt-get install openssh-server');
const MiB = 1024 * 1024;

/** The largest file under a folder (0 when none): how far an upload or a hidden staged copy has come. */
function largestUnder(root: string, hiddenOnly = false): number {
  return filesUnder(root)
    .filter((f) => !hiddenOnly || path.basename(f).startsWith('.'))
    .reduce((largest, f) => Math.max(largest, statSync(path.join(root, f)).size), 0);
}

describe.skipIf(!sshdAvailable.available)(
  'ferry agent: publish from SFTP, deliver to a local folder, killed midway',
  () => {
    let base: string;
    let storage: string;
    let database: OpenDatabase;
    let platform: ListeningPlatform;
    let sshd: SshdServer;
    let api: Api;
    let provider: OrgSession;
    let buyer: OrgSession;
    let offerId: string;
    let acquisitionId: string;
    let providerKey: string;
    let buyerKey: string;
    const small = Buffer.from('day,price\n2026-12-07,42\n');
    const big = randomBytes(24 * MiB);

    beforeAll(async () => {
      base = mkdtempSync(path.join(tmpdir(), 'ferry-agent-flow-'));
      storage = path.join(base, 'offer-files');
      mkdirSync(storage);
      sshd = await startSshd();
      database = await openDatabase({ kind: 'pglite' });
      platform = await listeningPlatform(database.db, 'pglite', { offerStorage: { kind: 'local', folder: storage } });
      api = httpApi(platform.base);
      ({ provider, buyer } = await twoOrganisations(api));
      const key = async (org: OrgSession) =>
        (
          await ok(
            api('POST', `/v1/orgs/${org.orgId}/api-keys`, org.token, {
              name: 'agent',
              role: 'editor',
              expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
            }),
            201,
          )
        ).secret as string;
      [providerKey, buyerKey] = await Promise.all([key(provider), key(buyer)]);
      const offer = await ok(
        api('POST', `/v1/orgs/${provider.orgId}/offers`, provider.token, {
          title: 'Prices',
          kind: 'subscription',
          subscription: { source: { type: 'agent' } },
        }),
        201,
      );
      offerId = offer.id as string;
      await ok(api('POST', `/v1/orgs/${provider.orgId}/offers/${offerId}/publish`, provider.token), 200);
      const acquisition = await ok(
        api('POST', `/v1/orgs/${buyer.orgId}/acquisitions`, buyer.token, { offerId, months: 1 }),
        201,
      );
      acquisitionId = acquisition.id as string;
      mkdirSync(path.join(sshd.root, 'outbox'));
      writeFileSync(path.join(sshd.root, 'outbox', 'prices.csv'), small);
      writeFileSync(path.join(sshd.root, 'outbox', 'history.bin'), big);
    }, 120_000);

    afterAll(async () => {
      await platform?.app.close();
      await database?.close();
      await sshd?.dispose();
      rmSync(base, { recursive: true, force: true });
    });

    /** Starts one agent with its config file, data folder and key; `whileRunning` may kill it. */
    async function agent(
      who: 'provider' | 'buyer',
      args: readonly string[],
      whileRunning?: (killWhen: (probe: () => boolean, what: string) => Promise<void>) => Promise<void>,
    ): Promise<FerryRun> {
      const dir = path.join(base, who);
      mkdirSync(dir, { recursive: true });
      const config = path.join(dir, 'ferry.json');
      const binding =
        who === 'provider'
          ? {
              kind: 'publish',
              name: 'Prices feed',
              orgId: provider.orgId,
              offerId,
              connector: 'outbox',
              folder: 'outbox',
            }
          : {
              kind: 'deliver',
              name: 'Prices in',
              orgId: buyer.orgId,
              acquisitionId,
              connector: 'inbox',
              folder: 'prices',
              namingPattern: '{name}',
            };
      const connectors = who === 'buyer' ? { inbox: { type: 'local', root: path.join(base, 'inbox') } } : {};
      writeFileSync(config, JSON.stringify({ connectors, agent: { bindings: [binding] } }));
      const { child, finished } = startFerry(['agent', '--config', config, ...args], {
        cwd: dir,
        configHome: path.join(dir, 'xdg'),
        env: {
          FERRY_PLATFORM_URL: platform.base,
          FERRY_API_KEY: who === 'provider' ? providerKey : buyerKey,
          FERRY_AGENT_DATA_DIR: path.join(dir, 'data'),
          ...(who === 'provider' ? connectorEnv('outbox', 'sftp', sshdSftpOptions(sshd)) : {}),
        },
      });
      let ended: FerryRun | undefined;
      void finished.then((run) => (ended = run));
      await whileRunning?.(async (probe, what) => {
        const deadline = Date.now() + 30_000;
        while (!probe()) {
          if (ended !== undefined) throw new Error(`the agent ended before ${what}: ${ended.stderr}${ended.stdout}`);
          if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
          await new Promise((r) => setTimeout(r, 25));
        }
        child.kill('SIGKILL');
      });
      return finished;
    }

    const offerFiles = async () =>
      (
        await ok(
          api('GET', `/v1/orgs/${provider.orgId}/offers/${offerId}/files?limit=100&sort=path`, provider.token),
          200,
        )
      ).items as Array<{ path: string; size: number; sha256: string; origin: string }>;

    it('publishes both files once, though the agent was killed mid-upload', async () => {
      mkdirSync(path.join(base, 'inbox'), { recursive: true });
      // The dry run before the first run names both files and sends nothing.
      const preview = await agent('provider', ['--dry-run']);
      expect(preview.code, preview.stderr).toBe(0);
      expect(preview.stdout).toMatch(/history\.bin/);
      expect(preview.stdout).toMatch(/prices\.csv/);
      expect(await offerFiles()).toEqual([]);
      const killed = await agent('provider', ['--once', '--settle', '0.2', '--bwlimit', '4M'], (killWhen) =>
        killWhen(() => largestUnder(storage) > 2 * MiB, 'the upload to start'),
      );
      expect(killed.code).toBeNull();
      expect((await offerFiles()).filter((f) => f.path === 'history.bin')).toEqual([]);
      const again = await agent('provider', ['--once', '--settle', '0.2']);
      expect(again.code, again.stderr).toBe(0);
      const files = await offerFiles();
      expect(files.map((f) => [f.path, f.size, f.sha256, f.origin])).toEqual([
        ['history.bin', big.length, sha256(big), 'agent'],
        ['prices.csv', small.length, sha256(small), 'agent'],
      ]);
      // Resumed from the platform's offset, not sent again from the start: the log says what was published.
      expect(again.stdout).toMatch(/published \[Prices feed\] history\.bin/);
    }, 90_000);

    it('delivers both files once with receipts and acknowledgements, though killed mid-delivery', async () => {
      const inbox = path.join(base, 'inbox');
      const killed = await agent('buyer', ['--once', '--bwlimit', '4M'], (killWhen) =>
        killWhen(() => largestUnder(inbox, true) > 2 * MiB, 'the delivery to start'),
      );
      expect(killed.code).toBeNull();
      const again = await agent('buyer', ['--once', '--json']);
      expect(again.code, again.stderr).toBe(0);
      const lines = again.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { kind: string; path: string });
      expect(lines.filter((l) => l.kind === 'delivered').map((l) => l.path)).toContain('prices/history.bin');
      expect(filesUnder(inbox)).toEqual([
        'prices/history.bin',
        'prices/history.bin.ferry-receipt.json',
        'prices/prices.csv',
        'prices/prices.csv.ferry-receipt.json',
      ]);
      expect(sha256(readFileSync(path.join(inbox, 'prices/history.bin')))).toBe(sha256(big));
      expect(readFileSync(path.join(inbox, 'prices/prices.csv'))).toEqual(small);
      const receipt = JSON.parse(readFileSync(path.join(inbox, 'prices/history.bin.ferry-receipt.json'), 'utf8'));
      expect(receipt).toMatchObject({ ferryDeliveryReceipt: 1, path: 'prices/history.bin', sha256: sha256(big) });
      const deliveries = await ok(
        api('GET', `/v1/orgs/${buyer.orgId}/acquisitions/${acquisitionId}/deliveries?limit=100`, buyer.token),
        200,
      );
      const acked = (deliveries.items as Array<{ status: string; acknowledgedAt: string | null; path: string }>)
        .filter((d) => d.acknowledgedAt !== null && d.status === 'delivered')
        .map((d) => d.path)
        .sort();
      expect(acked).toEqual(['prices/history.bin', 'prices/prices.csv']);
    }, 90_000);

    it('refuses a second agent on a ledger another process holds, naming it; nothing is sent', async () => {
      const held = await lockDataFolder(path.join(base, 'buyer', 'data'), 'agent');
      try {
        const refused = await agent('buyer', ['--once']);
        expect(refused.code).not.toBe(0);
        expect(refused.stderr).toContain('in use by another Ferry sync agent');
        expect(refused.stderr).toContain(`process ${process.pid}`);
        expect(filesUnder(path.join(base, 'inbox')).length).toBe(4);
      } finally {
        await held.release();
      }
    }, 60_000);

    it('sends nothing on a further run of either agent', async () => {
      const [published, delivered] = await Promise.all([
        agent('provider', ['--once', '--settle', '0.2']),
        agent('buyer', ['--once']),
      ]);
      expect([published.code, delivered.code]).toEqual([0, 0]);
      expect(published.stdout).not.toMatch(/ published /);
      expect(delivered.stdout).not.toMatch(/ delivered /);
      expect((await offerFiles()).length).toBe(2);
      expect(filesUnder(path.join(base, 'inbox')).length).toBe(4);
    }, 60_000);
  },
);
