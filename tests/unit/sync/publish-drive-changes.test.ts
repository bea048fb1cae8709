// Publishing from Google Drive (the Drive v3 fake) with its change feed, against the real platform (PGlite): the
// first run walks the folder, the next ones ask changes.list from the saved page token and list no folder; an expired
// token walks again without publishing anything twice; a run without changes is not an empty source.
import { randomBytes, randomUUID } from 'node:crypto';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DriveDriver } from '../../../connectors/drive/drive-driver';
import type { Driver, ListOptions } from '../../../connectors/driver';
import { guardDriver } from '../../../connectors/guarded-driver';
import { OfferUploader } from '../../../main/services/offer-uploads/offer-uploader';
import { UploadUrlStore } from '../../../main/services/offer-uploads/upload-url-store';
import { PlatformClient } from '../../../main/services/platform/platform-client';
import { fixedPlatform } from '../../../main/services/sync/agent-platform';
import { bindingState } from '../../../main/services/sync/binding-state';
import type { RunContext, RunSummary } from '../../../main/services/sync/binding-runner';
import { PublishRunner } from '../../../main/services/sync/publish-runner';
import { SyncLedger } from '../../../main/services/sync/sync-ledger';
import { TransferRuntime } from '../../../main/services/transfers/transfer-runtime';
import { openDatabase, type OpenDatabase } from '../../../platform/db/open-database';
import { type DriveOptions } from '../../../shared/connectors/drive-descriptor';
import { type ActivityInput, type PublishBinding, PublishBindingSchema } from '../../../shared/ipc/sync-ipc';
import { installLoopbackOnly } from '../../kit/loopback-only';
import { addApiKey, setUp, type SetUpOrg } from '../../platform/platform-harness';
import { listeningPlatform, type ListeningPlatform } from '../../platform/uploads/upload-kit';
import { startDriveFake, type DriveFake } from '../../servers/drive-fake/drive-fake-server';
import { createServiceAccount } from '../../servers/gcs-fake/service-account';
import { sha256, TempFolders } from './sync-test-kit';

const FOLDER = 'application/vnd.google-apps.folder';
const SETTLE_MS = 50;
const FAST = { attempts: 4, baseDelayMs: 5, maxDelayMs: 20 };
const temp = new TempFolders();

type PlatformFile = { id: string; path: string; size: number; sha256: string };

describe('publishing from Google Drive with its change feed (Drive fake, real platform)', () => {
  const guard = installLoopbackOnly();
  const account = createServiceAccount('ferry-publish-changes');
  let fake: DriveFake;
  let driveId: string;
  let options: DriveOptions;
  let database: OpenDatabase;
  let env: ListeningPlatform;
  let org: SetUpOrg;
  let apiKey: string;

  beforeAll(async () => {
    fake = await startDriveFake([account]);
    driveId = fake.createSharedDrive('Exchange');
    options = {
      auth: 'serviceAccount',
      serviceAccountJson: account.json,
      driveId,
      googleDocs: 'skip',
      apiEndpoint: fake.endpoint,
      simpleUploadThresholdMiB: 1,
      chunkSizeMiB: 1,
    };
    database = await openDatabase({ kind: 'pglite' });
    env = await listeningPlatform(database.db, 'pglite', {
      offerStorage: { kind: 'local', folder: temp.make('ferry-publish-drive-storage-') },
    });
    org = await setUp(env);
    apiKey = (await addApiKey(env, org.orgId, org.adminToken, 'editor')).secret;
  });
  afterAll(async () => {
    await env?.app.close();
    await database?.close();
    await fake?.stop();
    temp.removeAll();
    guard.uninstall();
    expect(guard.blocked).toEqual([]);
  });

  async function agentOffer(): Promise<string> {
    const res = await env.call('POST', `/v1/orgs/${org.orgId}/offers`, {
      token: apiKey,
      body: {
        title: `Drive feed ${randomBytes(3).toString('hex')}`,
        kind: 'subscription',
        subscription: { source: { type: 'agent' } },
      },
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().id as string;
  }

  async function platformFiles(offerId: string): Promise<PlatformFile[]> {
    const res = await env.call('GET', `/v1/orgs/${org.orgId}/offers/${offerId}/files?sort=path&limit=200`, {
      token: apiKey,
    });
    expect(res.statusCode, res.body).toBe(200);
    return res.json().items as PlatformFile[];
  }

  /** Listings of a folder's children (the walk's calls), not the lookups of one name. */
  const folderListings = (from: number): string[] =>
    fake.requests.slice(from).filter((r) => {
      if (!r.startsWith('GET /drive/v3/files?')) return false;
      const q = new URL(r.slice(4), 'http://x').searchParams.get('q') ?? '';
      return q.includes('in parents') && !q.includes('name =');
    });
  const changeListings = (from: number): string[] =>
    fake.requests.slice(from).filter((r) => r.startsWith('GET /drive/v3/changes?'));

  /** The agent: its ledger and runner, the Drive connector opened afresh for each run. */
  function agent(wrap: (driver: Driver) => Driver = (driver) => driver): {
    run: (binding: PublishBinding, changes?: Partial<RunContext>) => Promise<RunSummary>;
    reports: ActivityInput[];
    ledger: SyncLedger;
    close: () => void;
  } {
    const dataDir = temp.make('ferry-publish-drive-agent-');
    const ledger = new SyncLedger(path.join(dataDir, 'sync-ledger.sqlite'));
    const store = new UploadUrlStore(path.join(dataDir, 'offer-uploads.sqlite'));
    const runner = new PublishRunner(new OfferUploader({ store }), { settleMs: SETTLE_MS });
    const values = new Map<string, unknown>();
    const runtime = new TransferRuntime({ get: (key) => values.get(key), set: (key, value) => values.set(key, value) });
    const reports: ActivityInput[] = [];
    const context = (): RunContext => ({
      ledger,
      drivers: {
        open: async () => wrap(guardDriver(new DriveDriver(options, {}, { backoff: FAST }))),
        localLocation: () => {
          throw new Error('not used');
        },
      },
      platform: fixedPlatform(new PlatformClient(env.base, apiKey)),
      runtime,
      report: (entry) => reports.push(entry),
      signal: new AbortController().signal,
      stopping: () => false,
    });
    return {
      run: (binding, changes = {}) => {
        reports.length = 0;
        return runner.run(binding, { ...context(), ...changes });
      },
      reports,
      ledger,
      close: () => {
        store.close();
        ledger.close();
      },
    };
  }

  function bindingOf(offerId: string, folder: string): PublishBinding {
    return PublishBindingSchema.parse({
      kind: 'publish',
      id: `pub-${randomUUID()}`,
      name: 'Drive feed',
      orgId: org.orgId,
      connectorId: 'drive',
      folder,
      offerId,
    });
  }

  it('walks once, then publishes only the new file through changes.list, listing no folder; no changes is not an empty source', async () => {
    const out = fake.put(driveId, 'out', FOLDER);
    const sub = fake.put(out, 'sub', FOLDER);
    const bytes = { 'a.csv': randomBytes(5000), 'b.csv': randomBytes(7000), 'sub/c.csv': randomBytes(3000) };
    fake.put(out, 'a.csv', 'text/csv', bytes['a.csv']);
    fake.put(out, 'b.csv', 'text/csv', bytes['b.csv']);
    fake.put(sub, 'c.csv', 'text/csv', bytes['sub/c.csv']);
    fake.put(driveId, 'elsewhere.csv', 'text/csv', randomBytes(10));
    const offerId = await agentOffer();
    const binding = bindingOf(offerId, 'out');
    const a = agent();
    try {
      let mark = fake.requests.length;
      expect(await a.run(binding)).toEqual({ sent: 3, bytes: 15_000, failed: 0 });
      expect(folderListings(mark).length).toBeGreaterThan(0);
      expect(changeListings(mark)).toEqual([]);
      expect(bindingState(a.ledger, binding.id).changeCursor).not.toBeNull();

      const added = randomBytes(4321);
      fake.put(sub, 'd.csv', 'text/csv', added);
      mark = fake.requests.length;
      expect(await a.run(binding)).toEqual({ sent: 1, bytes: 4321, failed: 0 });
      expect(a.reports).toEqual([{ kind: 'published', bindingId: binding.id, path: 'sub/d.csv', size: 4321 }]);
      // The feed was used: changes asked, no folder listed.
      expect(changeListings(mark).length).toBeGreaterThan(0);
      expect(folderListings(mark)).toEqual([]);

      // Nothing changed: no change is not an emptied folder (the guard counts walks only).
      mark = fake.requests.length;
      expect(await a.run(binding)).toEqual({ sent: 0, bytes: 0, failed: 0 });
      expect(a.reports).toEqual([]);
      expect(folderListings(mark)).toEqual([]);

      const files = await platformFiles(offerId);
      expect(files.map((f) => [f.path, f.sha256])).toEqual([
        ['a.csv', sha256(bytes['a.csv'])],
        ['b.csv', sha256(bytes['b.csv'])],
        ['sub/c.csv', sha256(bytes['sub/c.csv'])],
        ['sub/d.csv', sha256(added)],
      ]);
    } finally {
      a.close();
    }
  });

  it('an expired page token walks the folder again and publishes only the new file, nothing twice', async () => {
    const out = fake.put(driveId, 'out-2', FOLDER);
    fake.put(out, 'one.csv', 'text/csv', randomBytes(100));
    fake.put(out, 'two.csv', 'text/csv', randomBytes(200));
    const offerId = await agentOffer();
    const binding = bindingOf(offerId, 'out-2');
    const a = agent();
    try {
      expect(await a.run(binding)).toEqual({ sent: 2, bytes: 300, failed: 0 });
      const before = bindingState(a.ledger, binding.id).changeCursor;
      fake.expireChangeTokens();
      fake.put(out, 'three.csv', 'text/csv', randomBytes(300));
      let mark = fake.requests.length;
      expect(await a.run(binding)).toEqual({ sent: 1, bytes: 300, failed: 0 });
      expect(a.reports).toEqual([{ kind: 'published', bindingId: binding.id, path: 'three.csv', size: 300 }]);
      expect(changeListings(mark)).toHaveLength(1);
      expect(folderListings(mark).length).toBeGreaterThan(0);
      const after = bindingState(a.ledger, binding.id).changeCursor;
      expect(after).not.toBeNull();
      expect(after).not.toEqual(before);
      expect((await platformFiles(offerId)).map((f) => f.path)).toEqual(['one.csv', 'three.csv', 'two.csv']);

      // The new cursor serves the next run.
      fake.put(out, 'four.csv', 'text/csv', randomBytes(400));
      mark = fake.requests.length;
      expect(await a.run(binding)).toEqual({ sent: 1, bytes: 400, failed: 0 });
      expect(folderListings(mark)).toEqual([]);
    } finally {
      a.close();
    }
  });

  it('a file a stopped run recorded but did not take is looked at again by the next one, though the feed no longer names it', async () => {
    const out = fake.put(driveId, 'out-3', FOLDER);
    fake.put(out, 'first.csv', 'text/csv', randomBytes(10));
    const offerId = await agentOffer();
    const binding = bindingOf(offerId, 'out-3');
    const a = agent();
    try {
      expect(await a.run(binding)).toEqual({ sent: 1, bytes: 10, failed: 0 });
      fake.put(out, 'late.csv', 'text/csv', randomBytes(20));
      // The agent is stopping: the run records the new file's look and its cursor, then stops before the second look.
      expect(await a.run(binding, { stopping: () => true })).toEqual({ sent: 0, bytes: 0, failed: 0 });
      expect((await platformFiles(offerId)).map((f) => f.path)).toEqual(['first.csv']);
      const mark = fake.requests.length;
      expect(await a.run(binding)).toEqual({ sent: 1, bytes: 20, failed: 0 });
      expect(a.reports).toEqual([{ kind: 'published', bindingId: binding.id, path: 'late.csv', size: 20 }]);
      expect(folderListings(mark)).toEqual([]);
      expect((await platformFiles(offerId)).map((f) => f.path)).toEqual(['first.csv', 'late.csv']);
    } finally {
      a.close();
    }
  });

  it('a file added during the first walk, in a folder the walk already listed, is published by the next run', async () => {
    const out = fake.put(driveId, 'out-4', FOLDER);
    fake.put(fake.put(out, 'later', FOLDER), 'x.csv', 'text/csv', randomBytes(30));
    fake.put(out, 'y.csv', 'text/csv', randomBytes(40));
    const offerId = await agentOffer();
    const binding = bindingOf(offerId, 'out-4');
    let added = false;
    // While the walk lists out-4/later, another client adds a file to out-4, listed already: the walk misses it.
    const a = agent(
      (driver) =>
        new Proxy(driver, {
          get(target, property) {
            if (property === 'list') {
              return async (folder: string, listOptions?: ListOptions) => {
                if (folder === 'out-4/later' && !added) {
                  added = true;
                  fake.put(out, 'during.csv', 'text/csv', randomBytes(50));
                }
                return target.list(folder, listOptions);
              };
            }
            const value: unknown = Reflect.get(target, property, target);
            return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
          },
        }),
    );
    try {
      expect(await a.run(binding)).toEqual({ sent: 2, bytes: 70, failed: 0 });
      expect(added).toBe(true);
      expect(await a.run(binding)).toEqual({ sent: 1, bytes: 50, failed: 0 });
      expect(a.reports).toEqual([{ kind: 'published', bindingId: binding.id, path: 'during.csv', size: 50 }]);
      expect((await platformFiles(offerId)).map((f) => f.path)).toEqual(['during.csv', 'later/x.csv', 'y.csv']);
    } finally {
      a.close();
    }
  });
});
